package io.corpusencoder.core.math;

/**
 * exp, GELU and SiLU in fp32 from additions, multiplications, fused multiply-adds, divisions (each
 * exactly rounded by IEEE 754) and exact bit manipulations only, so that the
 * scalar code here and the SIMD code in {@link VectorKernels} give bit-identical results, before
 * and after JIT compilation, on any x86 or ARM CPU. (Math.exp and the Vector API's EXP are not
 * guaranteed to agree bit for bit, which would let a text's vector depend on where it ran.)
 */
public final class FastMath {
  private FastMath() {}

  // exp(x) = 2^n · exp(r), n = round(x·log2 e), r = x − n·ln 2 (Cody-Waite split of ln 2),
  // exp(r) by a degree-7 polynomial on |r| ≤ ln2/2: relative error about 1e-7.
  static final float LOG2E = 1.44269504088896341f;
  static final float MAGIC = 12582912f; // 1.5 · 2^23: adding it rounds to an integer
  static final int MAGIC_BITS = 0x4B400000; // Float.floatToRawIntBits(MAGIC)
  static final float LN2_HI = 0.693359375f;
  static final float LN2_LO = -2.12194440e-4f;
  static final float C0 = 1.9875691500e-4f;
  static final float C1 = 1.3981999507e-3f;
  static final float C2 = 8.3334519073e-3f;
  static final float C3 = 4.1665795894e-2f;
  static final float C4 = 1.6666665459e-1f;
  static final float C5 = 5.0000001201e-1f;
  static final float EXP_LOW = -87.3f; // below: 0 (exp underflows; masked scores are -∞)
  static final float EXP_HIGH = 88.3f;

  // erf(z) = z·P(z²)/Q(z²) on z clamped to [-4, 4], a rational approximation whose coefficients
  // were fitted for this project (least squares, Loeb's reweighting, in double on 4000 Chebyshev
  // nodes of z² in [0, 16], error weighted by z; model-core/src/test/python/fit_erf.py, numpy):
  // about 3e-7 absolute in fp32, and exactly ±1 at z = ±4, so GELU is exactly 0 below x = -4√2
  // and exactly x above 4√2. Only multiplications, FMAs and one division: half the operations of
  // an exp-based erf.
  static final float SQRT_HALF = 0.70710678118654752f;
  static final float ERF_CLAMP = 4f;
  static final float P0 = 1.1283787f;
  static final float P1 = 0.21373536f;
  static final float P2 = 0.05240551f;
  static final float P3 = 0.0042817118f;
  static final float P4 = 0.00015506988f;
  static final float P5 = -1.9847346e-06f;
  static final float P6 = 1.9159312e-08f;
  static final float Q1 = 0.52274597f;
  static final float Q2 = 0.12071224f;
  static final float Q3 = 0.015531564f;
  static final float Q4 = 0.001094599f;

  /** e^x to about 1e-7 relative; exactly 0 below -87.3 (and for -∞). */
  public static float exp(float x) {
    float xc = Math.min(Math.max(x, EXP_LOW), EXP_HIGH);
    float t = Math.fma(xc, LOG2E, MAGIC);
    float n = t - MAGIC;
    float r = Math.fma(-n, LN2_LO, Math.fma(-n, LN2_HI, xc));
    float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(C0, r, C1), r, C2), r, C3), r, C4), r, C5);
    float y = Math.fma(p, r * r, r) + 1f;
    float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) - (MAGIC_BITS - 127)) << 23);
    return x < EXP_LOW ? 0f : y * scale;
  }

  /** GELU(x) = 0.5 · x · (1 + erf(x/√2)), erf to 3e-7 absolute. */
  public static float gelu(float x) {
    float z = Math.min(Math.max(x * SQRT_HALF, -ERF_CLAMP), ERF_CLAMP);
    float w = z * z;
    float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P6, w, P5), w, P4), w, P3), w,
        P2), w, P1), w, P0);
    float q = Math.fma(Math.fma(Math.fma(Math.fma(Q4, w, Q3), w, Q2), w, Q1), w, 1f);
    float erf = (z * p) / q;
    float half = x * 0.5f;
    return Math.fma(half, erf, half);
  }

  /**
   * SiLU(x) = x / (1 + e^−x), torch's formula, to about 3e-7 relative (exp's error, damped, plus
   * two roundings). Below −88.3, where e^−x leaves exp's range, x · 0: exactly −0 (the true value
   * is under 5e-37), and NaN at −∞ as torch (−∞ / ∞); +∞ gives +∞, NaN stays NaN.
   */
  public static float silu(float x) {
    float s = x / (1f + exp(-x));
    return x < -EXP_HIGH ? x * 0f : s;
  }
}
