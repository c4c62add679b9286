package io.corpusencoder.core.model;

import io.corpusencoder.core.math.Blas;
import java.io.Serializable;

/**
 * y = x · weightᵀ + bias, with weight stored [out, in] as in HF checkpoints.
 *
 * <p>The encoder hands it rows laid out by {@link BatchLayout} (a multiple of 12, each token on a
 * row of its class, at least {@link #minRows}), which is what keeps a token's result independent
 * of the other rows of the product.
 */
public record Dense(float[] weight /* [out, in] */, float[] bias /* [out] */, int in, int out)
    implements Serializable {
  /**
   * Widest product handed to the BLAS in one call (a multiple of 12): far below OpenBLAS's
   * GEMM_R (about 10⁵ columns for sgemm on x86-64), past which it would cut a product at a
   * multiple of 16 rather than of 12. Wider inputs are cut here, at multiples of 12.
   */
  static final int MAX_ROWS_PER_CALL = 6144;

  /** sgemm("T", "N", M, N, K) may use SkylakeX's small-matrix kernels when M·N ≤ this. */
  private static final int SMALL_MATRIX_MN = 1200;

  public Dense {
    if (weight.length != in * out || bias.length != out) {
      throw new IllegalArgumentException("Dense [" + out + ", " + in + "]: weight has "
          + weight.length + " values and bias " + bias.length);
    }
  }

  /**
   * Fewest rows (a multiple of 12) for a product with {@code out} outputs: OpenBLAS 0.3.21's
   * SkylakeX kernel set computes sgemm("T", "N", M = out, N = rows, K = in) with its small-matrix
   * kernels when M·N ≤ 1200, K ≥ 32 and M·N·K ≤ 10⁶ (sgemm_small_kernel_permit_skylakex.c), and
   * those sum differently from its regular kernel. With out · rows > 1200 it never does.
   */
  static int minRows(int out) {
    return BatchLayout.BLOCK * (SMALL_MATRIX_MN / (BatchLayout.BLOCK * out) + 1);
  }

  /** x [rows, in] -> y [rows, out]. */
  void forward(float[] x, int rows, float[] y) {
    for (int r = 0; r < rows; r++) System.arraycopy(bias, 0, y, r * out, out);
    product(x, rows, y, 1f);
  }

  /** x [rows, in] -> y [rows, out] = x · weightᵀ, bias NOT added: the caller fuses it in. */
  void forwardWithoutBias(float[] x, int rows, float[] y) {
    product(x, rows, y, 0f);
  }

  private void product(float[] x, int rows, float[] y, float beta) {
    int r = 0;
    // Calls of MAX_ROWS_PER_CALL rows, the last one up to twice that: never a narrow remainder.
    for (; rows - r > 2 * MAX_ROWS_PER_CALL; r += MAX_ROWS_PER_CALL) {
      Blas.gemmNT(MAX_ROWS_PER_CALL, out, in, 1f, x, r * in, in, weight, 0, in, beta, y, r * out,
          out);
    }
    Blas.gemmNT(rows - r, out, in, 1f, x, r * in, in, weight, 0, in, beta, y, r * out, out);
  }
}
