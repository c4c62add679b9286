package io.corpusencoder.core.config;

import java.util.Locale;

/** Feed-forward activation, by its Hugging Face config name. */
public enum Activation {
  GELU,
  GELU_TANH,
  RELU,
  /**
   * x · sigmoid(x), only as a gated feed-forward's activation: SwiGLU (NomicBERT's
   * activation_function "swiglu"); a hidden_act of "silu" is not accepted (unchecked).
   */
  SILU;

  /** Parses HF's hidden_act; {@code source} names the file for the error message. */
  public static Activation fromHf(String name, String source) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "gelu", "gelu_python" -> GELU;
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
      case "relu" -> RELU;
      default -> throw new IllegalArgumentException(
          source + ": hidden_act \"" + name + "\" is not supported; expected one of gelu, "
              + "gelu_new, gelu_pytorch_tanh, relu");
    };
  }
}
