package io.corpusencoder.core.weights;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Tensors by Hugging Face checkpoint name, as every reader returns them (matrices [out, in]).
 * Shape checks happen here so that every model builder reports mismatches the same way.
 */
public final class WeightMap {
  private final Map<String, Tensor> tensors = new LinkedHashMap<>();
  private final String source;

  /** {@code source} names the file the tensors came from, for error messages. */
  public WeightMap(String source) {
    this.source = source;
  }

  public String source() {
    return source;
  }

  public void put(Tensor t) {
    tensors.put(t.name(), t);
  }

  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  public Set<String> names() {
    return Collections.unmodifiableSet(tensors.keySet());
  }

  public Map<String, Tensor> tensors() {
    return Collections.unmodifiableMap(tensors);
  }

  /**
   * This map with {@code prefix} removed from the names that start with it (a model-with-head
   * checkpoint's "roberta." or "mpnet."), or this map itself when none does.
   */
  public WeightMap withoutPrefix(String prefix) {
    if (tensors.keySet().stream().noneMatch(n -> n.startsWith(prefix))) return this;
    WeightMap out = new WeightMap(source);
    for (Tensor t : tensors.values()) {
      out.put(t.name().startsWith(prefix)
          ? new Tensor(t.name().substring(prefix.length()), t.shape(), t.data()) : t);
    }
    return out;
  }

  /** The tensor {@code name}, which must exist. */
  public Tensor get(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new ModelFormatException(source + ": tensor " + name + " is missing");
    }
    return t;
  }

  /** Data of a tensor that must have exactly {@code shape}. */
  public float[] tensor(String name, int... shape) {
    Tensor t = get(name);
    if (!Arrays.equals(t.shape(), shape)) {
      throw new ModelFormatException(source + ": " + name + " has shape " + t.shapeString()
          + ", expected " + Arrays.toString(shape));
    }
    return t.data();
  }

  /** A [rows, cols] matrix. */
  public float[] matrix(String name, int rows, int cols) {
    return tensor(name, rows, cols);
  }

  /** A [n] vector. */
  public float[] vector(String name, int n) {
    return tensor(name, n);
  }
}
