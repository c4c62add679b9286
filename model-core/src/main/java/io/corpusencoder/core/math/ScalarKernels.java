package io.corpusencoder.core.math;

/**
 * The plain-loop twins of {@link VectorKernels}, method for method: what {@link Ops} runs when the
 * Vector API is absent. Each performs the same IEEE 754 operations in the same order as its SIMD
 * twin (sums included: see {@link #sum}), so the two give the same bits on any input, which
 * KernelTwinsTest checks for every pair.
 */
final class ScalarKernels {
  private ScalarKernels() {}

  /** x[off, off+n) = GELU(x). */
  static void gelu(float[] x, int off, int n) {
    for (int i = 0; i < n; i++) x[off + i] = FastMath.gelu(x[off + i]);
  }

  /** x[off, off+n) = GELU(x + bias[0, n)). */
  static void biasGelu(float[] x, int off, float[] bias, int n) {
    for (int i = 0; i < n; i++) x[off + i] = FastMath.gelu(x[off + i] + bias[i]);
  }

  /**
   * x[out, out+n) = GELU(x[in, in+n)) · x[in+n, in+2n): GeGLU of one row (gate first); out is
   * in or at least n below it, so each element is read before it is written.
   */
  static void geluGate(float[] x, int in, int n, int out) {
    for (int i = 0; i < n; i++) x[out + i] = FastMath.gelu(x[in + i]) * x[in + n + i];
  }

  /** x[off, off+n) = SiLU(x). */
  static void silu(float[] x, int off, int n) {
    for (int i = 0; i < n; i++) x[off + i] = FastMath.silu(x[off + i]);
  }

  /**
   * x[out, out+n) = SiLU(x[in, in+n)) · x[in+n, in+2n): SwiGLU of one row (gate first), placed
   * as {@link #geluGate}.
   */
  static void siluGate(float[] x, int in, int n, int out) {
    for (int i = 0; i < n; i++) x[out + i] = FastMath.silu(x[in + i]) * x[in + n + i];
  }

  /** x[off, off+n) = (x + bias[0, n)) + residual[off, off+n). */
  static void add2(float[] x, int off, float[] bias, float[] residual, int n) {
    for (int i = 0; i < n; i++) x[off + i] = (x[off + i] + bias[i]) + residual[off + i];
  }

  /** max of x[off, off+n) (-∞ when n = 0). */
  static float max(float[] x, int off, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) m = Math.max(m, x[off + i]);
    return m;
  }

  /** x[off, off+n) = exp(x − shift). */
  static void expShifted(float[] x, int off, int n, float shift) {
    for (int i = 0; i < n; i++) x[off + i] = FastMath.exp(x[off + i] - shift);
  }

  /** x[off, off+n) *= s. */
  static void scale(float[] x, int off, int n, float s) {
    for (int i = 0; i < n; i++) x[off + i] *= s;
  }

  /** dst = ((src − mean) · inv) · gamma + beta over one row at off (src may be dst). */
  static void normalize(float[] src, float[] dst, int off, int n, float mean, float inv,
      float[] gamma, float[] beta) {
    for (int i = 0; i < n; i++) dst[off + i] = (src[off + i] - mean) * inv * gamma[i] + beta[i];
  }

  /**
   * x[off, off+half) and x[off+half, off+2·half) as (x1, x2) → (x1·c − x2·s, x2·c + x1·s), with
   * c and s from c/s[tOff, tOff+half): (q · cos) + (rotate_half(q) · sin), each product rounded,
   * as torch.
   */
  static void rotateHalf(float[] x, int off, int half, float[] c, float[] s, int tOff) {
    for (int i = 0; i < half; i++) {
      float x1 = x[off + i];
      float x2 = x[off + half + i];
      x[off + i] = x1 * c[tOff + i] + -x2 * s[tOff + i];
      x[off + half + i] = x2 * c[tOff + i] + x1 * s[tOff + i];
    }
  }

  /** x[off, off+n) += y[yOff, yOff+n). */
  static void add(float[] x, int off, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) x[off + i] += y[yOff + i];
  }

  /** Σ x[off, off+n) in the fixed order of {@link #sum(float[], int, int, float, boolean)}. */
  static float sum(float[] x, int off, int n) {
    return sum(x, off, n, 0f, false);
  }

  /** Σ (x − center)² over x[off, off+n), in the same fixed order. */
  static float sumSquares(float[] x, int off, int n, float center) {
    return sum(x, off, n, center, true);
  }

  /** x = exp(x − max x) over one row, returning Σ x in the fixed order. */
  static float expShiftedSum(float[] x, int off, int n) {
    expShifted(x, off, n, max(x, off, n));
    return sum(x, off, n);
  }

  /**
   * The order every fp32 sum here follows, whatever the CPU or SIMD width (so a vector never
   * depends on where it was computed): sixteen interleaved accumulators (element i goes to
   * accumulator i mod 16), folded as c_j = a_j + a_{j+8} and ((c0+c1)+(c2+c3)) +
   * ((c4+c5)+(c6+c7)), plus the n mod 16 tail summed in index order. The SIMD twins keep these
   * accumulators in one 16-lane or two 8-lane vectors and give the same bits; with 4 lanes they
   * call this.
   */
  static float sum(float[] x, int off, int n, float center, boolean squares) {
    int full = n - n % 16;
    float tail = 0;
    for (int i = full; i < n; i++) tail += term(x[off + i], center, squares);
    return ((pair(x, off, full, 0, center, squares) + pair(x, off, full, 1, center, squares))
        + (pair(x, off, full, 2, center, squares) + pair(x, off, full, 3, center, squares)))
        + ((pair(x, off, full, 4, center, squares) + pair(x, off, full, 5, center, squares))
        + (pair(x, off, full, 6, center, squares) + pair(x, off, full, 7, center, squares)))
        + tail;
  }

  /** c_j = a_j + a_{j+8}, accumulator a_j holding elements j, j+16, j+32, ... in order. */
  private static float pair(float[] x, int off, int full, int j, float center, boolean squares) {
    float a = 0;
    float b = 0;
    for (int i = 0; i < full; i += 16) {
      a += term(x[off + i + j], center, squares);
      b += term(x[off + i + j + 8], center, squares);
    }
    return a + b;
  }

  private static float term(float v, float center, boolean squares) {
    if (!squares) return v;
    float d = v - center;
    return d * d;
  }
}
