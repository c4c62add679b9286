package io.corpusencoder.core.model;

import io.corpusencoder.core.math.Blas;
import java.io.Serializable;

/**
 * y = x · weightᵀ + bias, with weight stored [out, in] as in HF checkpoints.
 *
 * <p>Products always span at least {@link #MIN_ROWS} rows: OpenBLAS computes tiny ones (its
 * "small matrix" kernels, e.g. rows · out ≤ 1200 on AVX-512) with kernels that round
 * differently, which would make a text's vector depend on how many rows shared its batch. The
 * extra rows read and write only the caller's spare buffer rows (see Workspace) and are ignored.
 */
record Dense(float[] weight /* [out, in] */, float[] bias /* [out] */, int in, int out)
    implements Serializable {
  static final int MIN_ROWS = 8;

  Dense {
    if (weight.length != in * out || bias.length != out) {
      throw new IllegalArgumentException("Dense [" + out + ", " + in + "]: weight has "
          + weight.length + " values and bias " + bias.length);
    }
  }

  /**
   * Rows to hand the BLAS: at least MIN_ROWS when both buffers have room for them (Workspace's
   * always do), else exactly {@code rows} (a caller's exact-size arrays).
   */
  private int productRows(float[] x, int rows, float[] y) {
    if (rows >= MIN_ROWS || x.length < MIN_ROWS * in || y.length < MIN_ROWS * out) return rows;
    return MIN_ROWS;
  }

  /** x [rows, in] -> y [rows, out]. */
  void forward(float[] x, int rows, float[] y) {
    int m = productRows(x, rows, y);
    for (int r = 0; r < m; r++) System.arraycopy(bias, 0, y, r * out, out);
    Blas.gemmNT(m, out, in, 1f, x, 0, in, weight, 0, in, 1f, y, 0, out);
  }

  /** x [rows, in] -> y [rows, out] = x · weightᵀ, bias NOT added: the caller fuses it in. */
  void forwardWithoutBias(float[] x, int rows, float[] y) {
    Blas.gemmNT(productRows(x, rows, y), out, in, 1f, x, 0, in, weight, 0, in, 0f, y, 0, out);
  }
}
