package io.corpusencoder.core.model;

import io.corpusencoder.core.math.Blas;
import java.io.Serializable;

/** y = x · weightᵀ + bias, with weight stored [out, in] as in HF checkpoints. */
record Dense(float[] weight /* [out, in] */, float[] bias /* [out] */, int in, int out)
    implements Serializable {

  Dense {
    if (weight.length != in * out || bias.length != out) {
      throw new IllegalArgumentException("Dense [" + out + ", " + in + "]: weight has "
          + weight.length + " values and bias " + bias.length);
    }
  }

  /** x [rows, in] -> y [rows, out]. */
  void forward(float[] x, int rows, float[] y) {
    for (int r = 0; r < rows; r++) System.arraycopy(bias, 0, y, r * out, out);
    Blas.gemmNT(rows, out, in, 1f, x, 0, in, weight, 0, in, 1f, y, 0, out);
  }

  /** x [rows, in] -> y [rows, out] = x · weightᵀ, bias NOT added: the caller fuses it in. */
  void forwardWithoutBias(float[] x, int rows, float[] y) {
    Blas.gemmNT(rows, out, in, 1f, x, 0, in, weight, 0, in, 0f, y, 0, out);
  }
}
