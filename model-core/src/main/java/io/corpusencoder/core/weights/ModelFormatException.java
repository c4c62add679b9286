package io.corpusencoder.core.weights;

/** A model file that cannot be used: says which file, which tensor or field, and what was wrong. */
public class ModelFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
