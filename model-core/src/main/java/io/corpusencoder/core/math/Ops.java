package io.corpusencoder.core.math;

/**
 * O(n) kernels on row-major float arrays: layer norm, activations, softmax, normalization.
 * Elementwise work runs on SIMD lanes through the Vector API when the jdk.incubator.vector module
 * is present (--add-modules=jdk.incubator.vector, which Spark and our scripts pass) and as plain
 * loops otherwise; both give bit-identical results. Sums run in index order in double.
 */
public final class Ops {
  private static final boolean SIMD = simdAvailable();

  private Ops() {}

  private static boolean simdAvailable() {
    if ("false".equals(System.getProperty("corpusencoder.simd"))) return false;
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
    try {
      return VectorKernels.lanes() >= 4;
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }

  /** "Vector API, N lanes" or "scalar": for logs and reports. */
  public static String simd() {
    return SIMD ? "Vector API, " + VectorKernels.lanes() + " lanes" : "scalar";
  }

  /** x[r, :] = (x - mean) / sqrt(var + eps) · gamma + beta, per row; biased variance as in torch. */
  public static void layerNormInPlace(
      float[] x, int rows, int cols, float[] gamma, float[] beta, float eps) {
    for (int r = 0; r < rows; r++) {
      int off = r * cols;
      double sum = 0;
      for (int c = 0; c < cols; c++) sum += x[off + c];
      float mean = (float) (sum / cols);
      double sq = 0;
      for (int c = 0; c < cols; c++) {
        float d = x[off + c] - mean;
        sq += d * d;
      }
      float inv = (float) (1.0 / Math.sqrt(sq / cols + eps));
      if (SIMD) {
        VectorKernels.normalize(x, off, cols, mean, inv, gamma, beta);
      } else {
        for (int c = 0; c < cols; c++) x[off + c] = (x[off + c] - mean) * inv * gamma[c] + beta[c];
      }
    }
  }

  /** x[r, :] = layerNorm(x[r, :] + residual[r, :]): the fused "add & norm" of an encoder layer. */
  public static void addLayerNormInPlace(
      float[] x, float[] residual, int rows, int cols, float[] gamma, float[] beta, float eps) {
    addInPlace(x, residual, rows * cols);
    layerNormInPlace(x, rows, cols, gamma, beta, eps);
  }

  /** x[0, n) += y[0, n). */
  public static void addInPlace(float[] x, float[] y, int n) {
    if (SIMD) {
      VectorKernels.add(x, 0, y, 0, n);
    } else {
      for (int i = 0; i < n; i++) x[i] += y[i];
    }
  }

  /** Exact-form GELU: x · Φ(x) = 0.5 · x · (1 + erf(x / √2)), as torch's default and HF "gelu". */
  public static void geluInPlace(float[] x, int n) {
    if (SIMD) {
      VectorKernels.gelu(x, 0, n);
    } else {
      for (int i = 0; i < n; i++) x[i] = FastMath.gelu(x[i]);
    }
  }

  /** Tanh-approximated GELU, HF "gelu_new" / "gelu_pytorch_tanh". */
  public static void geluTanhInPlace(float[] x, int n) {
    double k = Math.sqrt(2.0 / Math.PI);
    for (int i = 0; i < n; i++) {
      double v = x[i];
      x[i] = (float) (0.5 * v * (1.0 + Math.tanh(k * (v + 0.044715 * v * v * v))));
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
    for (int r = 0; r < rows; r++) {
      int o = off + r * ld;
      float max;
      if (SIMD) {
        max = VectorKernels.max(x, o, cols);
        VectorKernels.expShifted(x, o, cols, max);
      } else {
        max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) max = Math.max(max, x[o + c]);
        for (int c = 0; c < cols; c++) x[o + c] = FastMath.exp(x[o + c] - max);
      }
      double sum = 0;
      for (int c = 0; c < cols; c++) sum += x[o + c];
      float inv = (float) (1.0 / sum);
      if (SIMD) {
        VectorKernels.scale(x, o, cols, inv);
      } else {
        for (int c = 0; c < cols; c++) x[o + c] *= inv;
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
