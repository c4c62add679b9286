package io.corpusencoder.core.math;

/** O(n) kernels on row-major float arrays: layer norm, activations, softmax, normalisation. */
public final class Ops {
  private static final double SQRT_HALF = Math.sqrt(0.5);
  private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

  private Ops() {}

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
      for (int c = 0; c < cols; c++) {
        x[off + c] = (x[off + c] - mean) * inv * gamma[c] + beta[c];
      }
    }
  }

  /** x[r, :] = layerNorm(x[r, :] + residual[r, :]): the fused "add & norm" of an encoder layer. */
  public static void addLayerNormInPlace(
      float[] x, float[] residual, int rows, int cols, float[] gamma, float[] beta, float eps) {
    for (int i = 0, n = rows * cols; i < n; i++) x[i] += residual[i];
    layerNormInPlace(x, rows, cols, gamma, beta, eps);
  }

  /** Exact GELU: x · Φ(x) = 0.5 · x · (1 + erf(x / √2)), as torch's default and HF "gelu". */
  public static void geluInPlace(float[] x, int n) {
    for (int i = 0; i < n; i++) {
      double v = x[i];
      x[i] = (float) (0.5 * v * (1.0 + erf(v * SQRT_HALF)));
    }
  }

  /** Tanh-approximated GELU, HF "gelu_new" / "gelu_pytorch_tanh". */
  public static void geluTanhInPlace(float[] x, int n) {
    for (int i = 0; i < n; i++) {
      double v = x[i];
      x[i] = (float) (0.5 * v * (1.0 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))));
    }
  }

  /** max(0, x). */
  public static void reluInPlace(float[] x, int n) {
    for (int i = 0; i < n; i++) if (x[i] < 0f) x[i] = 0f;
  }

  /**
   * erf(x) with absolute error below 1.5e-7 (Abramowitz &amp; Stegun 7.1.26), ample for fp32
   * activations; one exp per call, which matters because GELU runs on every feed-forward unit.
   */
  public static double erf(double x) {
    double ax = Math.abs(x);
    double t = 1.0 / (1.0 + 0.3275911 * ax);
    double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
        + t * (-1.453152027 + t * 1.061405429))));
    double r = 1.0 - poly * Math.exp(-ax * ax);
    return x < 0 ? -r : r;
  }

  /**
   * Row-wise softmax of x[rows, cols] (row stride ld) in place, max-subtracted. Entries equal to
   * -∞ (masked keys) get exactly zero weight; a row must have at least one finite entry.
   */
  public static void softmaxRowsInPlace(float[] x, int off, int rows, int cols, int ld) {
    for (int r = 0; r < rows; r++) {
      int o = off + r * ld;
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < cols; c++) if (x[o + c] > max) max = x[o + c];
      float sum = 0f;
      for (int c = 0; c < cols; c++) {
        float e = (float) Math.exp(x[o + c] - max);
        x[o + c] = e;
        sum += e;
      }
      float inv = 1f / sum;
      for (int c = 0; c < cols; c++) x[o + c] *= inv;
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
