package io.corpusencoder.core.math;

/**
 * O(n) kernels on row-major float arrays: layer norm, activations, softmax, normalization.
 * Elementwise work runs on SIMD lanes through the Vector API when the jdk.incubator.vector module
 * is present (--add-modules=jdk.incubator.vector, which Spark and our scripts pass) and as plain
 * loops otherwise ({@link ScalarKernels}); both give bit-identical results. Sums run in one fixed
 * order (see {@link ScalarKernels#sum}).
 */
public final class Ops {
  /**
   * Revision of the numerics: bumped whenever any kernel's results change in any bit (2: GELU's
   * erf became a rational approximation; 3: the dense layers' rows follow BatchLayout, so OpenBLAS
   * sums each token's row the same way in every batch; 4: a text's vector, the job's --doc-vector
   * row, is its chunk's vector when it has one chunk, and the mean of several chunks is
   * L2-normalized only when the model normalizes; 5: attention runs in blocks of 256 queries and
   * a local-window layer only over its band of keys, so sequences longer than 256 tokens sum
   * their attention in other splits; shorter ones run the same products as in 4; 6: SiLU, and
   * with it SwiGLU, runs in fp32 from FastMath's exp instead of double StrictMath). Jobs record it,
   * so a resumed job never mixes vectors from two revisions, and outputs carry it in their
   * metadata.
   */
  public static final int NUMERICS_REVISION = 6;

  private static final SimdSupport SIMD_SUPPORT = SimdSupport.probe();
  private static final boolean SIMD = SIMD_SUPPORT.enabled();

  private Ops() {}

  /**
   * Which kernels run: "Vector API, N lanes", or "scalar (why)" (a failed probe included), for
   * logs and reports.
   */
  public static String simd() {
    return SIMD_SUPPORT.description();
  }

  /** x[r, :] = (x - mean) / sqrt(var + eps) · gamma + beta, per row; biased variance as in torch. */
  public static void layerNormInPlace(
      float[] x, int rows, int cols, float[] gamma, float[] beta, float eps) {
    layerNorm(x, x, rows, cols, gamma, beta, eps);
  }

  /**
   * dst[r, :] = LayerNorm(src[r, :]) (src may be dst): the in-place form's operations, so its
   * bits, without first copying src to dst.
   */
  public static void layerNorm(
      float[] src, float[] dst, int rows, int cols, float[] gamma, float[] beta, float eps) {
    for (int r = 0; r < rows; r++) normalizeRow(src, dst, r * cols, cols, gamma, beta, eps);
  }

  /**
   * x[r, :] = layerNorm(x[r, :] + bias + residual[r, :]): a dense layer's bias, the residual
   * connection and the LayerNorm of an encoder layer's "Add &amp; Norm" in one pass over memory.
   */
  public static void biasResidualLayerNormInPlace(float[] x, float[] bias, float[] residual,
      int rows, int cols, float[] gamma, float[] beta, float eps) {
    for (int r = 0; r < rows; r++) {
      int off = r * cols;
      if (SIMD) {
        VectorKernels.add2(x, off, bias, residual, cols);
      } else {
        ScalarKernels.add2(x, off, bias, residual, cols);
      }
      normalizeRow(x, x, off, cols, gamma, beta, eps);
    }
  }

  private static void normalizeRow(float[] src, float[] dst, int off, int cols, float[] gamma,
      float[] beta, float eps) {
    float mean = sum(src, off, cols) / cols;
    float inv = (float) (1.0 / Math.sqrt(sumSquares(src, off, cols, mean) / cols + eps));
    if (SIMD) {
      VectorKernels.normalize(src, dst, off, cols, mean, inv, gamma, beta);
    } else {
      ScalarKernels.normalize(src, dst, off, cols, mean, inv, gamma, beta);
    }
  }

  /** Σ x[off, off+n), in the fixed order of {@link ScalarKernels#sum}. */
  static float sum(float[] x, int off, int n) {
    return SIMD ? VectorKernels.sum(x, off, n) : ScalarKernels.sum(x, off, n);
  }

  /** Σ (x − center)² over x[off, off+n), in the fixed order of {@link ScalarKernels#sum}. */
  static float sumSquares(float[] x, int off, int n, float center) {
    return SIMD ? VectorKernels.sumSquares(x, off, n, center)
        : ScalarKernels.sumSquares(x, off, n, center);
  }

  /** x[0, n) += y[0, n). */
  public static void addInPlace(float[] x, float[] y, int n) {
    if (SIMD) {
      VectorKernels.add(x, 0, y, 0, n);
    } else {
      ScalarKernels.add(x, 0, y, 0, n);
    }
  }

  /** x[xOff, xOff + n) += y[yOff, yOff + n). */
  public static void addInPlace(float[] x, int xOff, float[] y, int yOff, int n) {
    if (SIMD) {
      VectorKernels.add(x, xOff, y, yOff, n);
    } else {
      ScalarKernels.add(x, xOff, y, yOff, n);
    }
  }

  /**
   * Rotary position embedding, rotate-half form, on one head of 2·half columns at x[off]:
   * (x1, x2) → (x1·c − x2·s, x2·c + x1·s) with c, s = cos[tOff, tOff+half), sin[...].
   */
  public static void rotateHalfInPlace(float[] x, int off, int half, float[] cos, float[] sin,
      int tOff) {
    if (SIMD) {
      VectorKernels.rotateHalf(x, off, half, cos, sin, tOff);
    } else {
      ScalarKernels.rotateHalf(x, off, half, cos, sin, tOff);
    }
  }

  /**
   * GeGLU in place, x [rows, 2·n] -> x [rows, n]: GELU(gate) · up per row, gate the first half;
   * the same bits as GELU on a copy of the gate then the product.
   */
  public static void geluGateInPlace(float[] x, int rows, int n) {
    for (int r = 0; r < rows; r++) {
      if (SIMD) {
        VectorKernels.geluGate(x, 2 * n * r, n, n * r);
      } else {
        ScalarKernels.geluGate(x, 2 * n * r, n, n * r);
      }
    }
  }

  /**
   * SwiGLU in place, x [rows, 2·n] -> x [rows, n]: SiLU(gate) · up per row, gate the first half;
   * the same bits as SiLU on a copy of the gate then the product.
   */
  public static void siluGateInPlace(float[] x, int rows, int n) {
    for (int r = 0; r < rows; r++) {
      if (SIMD) {
        VectorKernels.siluGate(x, 2 * n * r, n, n * r);
      } else {
        ScalarKernels.siluGate(x, 2 * n * r, n, n * r);
      }
    }
  }

  /** Exact-form GELU: x · Φ(x) = 0.5 · x · (1 + erf(x / √2)), as torch's default and HF "gelu". */
  public static void geluInPlace(float[] x, int n) {
    if (SIMD) {
      VectorKernels.gelu(x, 0, n);
    } else {
      ScalarKernels.gelu(x, 0, n);
    }
  }

  /** x[off, off + n) = GELU(x). */
  public static void geluInPlace(float[] x, int off, int n) {
    if (SIMD) {
      VectorKernels.gelu(x, off, n);
    } else {
      ScalarKernels.gelu(x, off, n);
    }
  }

  /** x[r, :] = GELU(x[r, :] + bias): a dense layer's bias fused into its activation. */
  public static void biasGeluInPlace(float[] x, float[] bias, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int off = r * cols;
      if (SIMD) {
        VectorKernels.biasGelu(x, off, bias, cols);
      } else {
        ScalarKernels.biasGelu(x, off, bias, cols);
      }
    }
  }

  /**
   * Tanh-approximated GELU, HF "gelu_new" / "gelu_pytorch_tanh", in double with StrictMath's tanh:
   * Math.tanh may be a JIT intrinsic with other bits (Java 25's differs from StrictMath on about
   * 5% of inputs), which would let a vector depend on the executor's JVM.
   */
  public static void geluTanhInPlace(float[] x, int n) {
    double k = Math.sqrt(2.0 / Math.PI);
    for (int i = 0; i < n; i++) {
      double v = x[i];
      x[i] = (float) (0.5 * v * (1.0 + StrictMath.tanh(k * (v + 0.044715 * v * v * v))));
    }
  }

  /**
   * SiLU (swish), x · sigmoid(x) = x / (1 + e^−x), HF "silu" / "swish": x[off, off + n) =
   * SiLU(x), as {@link FastMath#silu} (fp32, the same bits on every JVM and CPU).
   */
  public static void siluInPlace(float[] x, int off, int n) {
    if (SIMD) {
      VectorKernels.silu(x, off, n);
    } else {
      ScalarKernels.silu(x, off, n);
    }
  }

  /** max(0, x). */
  public static void reluInPlace(float[] x, int n) {
    for (int i = 0; i < n; i++) if (x[i] < 0f) x[i] = 0f;
  }

  /**
   * Row-wise softmax of x[rows, cols] (row stride ld) in place, max-subtracted. Entries equal to
   * -∞ (masked keys) get exactly zero weight; a row must have at least one finite entry.
   */
  public static void softmaxRowsInPlace(float[] x, int off, int rows, int cols, int ld) {
    float[] inv = new float[rows];
    softmaxNumeratorsInPlace(x, off, rows, cols, ld, inv);
    scaleRowsInPlace(x, off, rows, cols, ld, inv);
  }

  /**
   * The softmax without its final division: x[r, :] = exp(x[r, :] − max_r) and inv[r] =
   * 1 / Σ_c x[r, c], so a caller can scale a smaller product instead (attention scales P·V's
   * rows). Columns that are only padding should hold -∞: they then weigh exactly zero.
   */
  public static void softmaxNumeratorsInPlace(float[] x, int off, int rows, int cols, int ld,
      float[] inv) {
    for (int r = 0; r < rows; r++) {
      int o = off + r * ld;
      float sum = SIMD ? VectorKernels.expShiftedSum(x, o, cols)
          : ScalarKernels.expShiftedSum(x, o, cols);
      inv[r] = 1f / sum;
    }
  }

  /** x[r, 0..cols) *= s[r] for each row r (row stride ld). */
  public static void scaleRowsInPlace(float[] x, int off, int rows, int cols, int ld, float[] s) {
    for (int r = 0; r < rows; r++) {
      int o = off + r * ld;
      if (SIMD) {
        VectorKernels.scale(x, o, cols, s[r]);
      } else {
        ScalarKernels.scale(x, o, cols, s[r]);
      }
    }
  }

  /** x /= ‖x‖₂ over x[off, off+n); a zero vector stays zero. */
  public static void l2NormalizeInPlace(float[] x, int off, int n) {
    double sq = 0;
    for (int i = 0; i < n; i++) sq += (double) x[off + i] * x[off + i];
    // Matches torch.nn.functional.normalize: divide by max(‖x‖, 1e-12).
    double norm = Math.max(Math.sqrt(sq), 1e-12);
    float inv = (float) (1.0 / norm);
    for (int i = 0; i < n; i++) x[off + i] *= inv;
  }

  /** Cosine similarity of two equal-length vectors. */
  public static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vector lengths differ: " + a.length + " vs " + b.length);
    }
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), 1e-30);
  }
}
