package io.corpusencoder.core.weights;

import java.io.Serializable;
import java.util.Arrays;

/** A named fp32 tensor: row-major data with its shape. */
public record Tensor(String name, int[] shape, float[] data) implements Serializable {
  public Tensor {
    long n = 1;
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException(name + ": negative dimension " + d);
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs "
          + n + " values, got " + data.length);
    }
  }

  /** Shape as "[a, b]" for messages. */
  public String shapeString() {
    return Arrays.toString(shape);
  }
}
