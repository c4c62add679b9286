package io.corpusencoder.core.math;

/**
 * exp and GELU in fp32 from additions, multiplications, fused multiply-adds (exactly rounded by
 * definition) and exact bit manipulations only, so that the
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

  // erf(a) = 1 − t·(A1 + t·(A2 + ...))·exp(−a²), t = 1/(1 + P·a): Abramowitz & Stegun 7.1.26.
  static final float SQRT_HALF = 0.70710678118654752f;
  static final float P = 0.3275911f;
  static final float A1 = 0.254829592f;
  static final float A2 = -0.284496736f;
  static final float A3 = 1.421413741f;
  static final float A4 = -1.453152027f;
  static final float A5 = 1.061405429f;

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

  /** GELU(x) = 0.5 · x · (1 + erf(x/√2)), erf to 1.5e-7 absolute. */
  public static float gelu(float x) {
    float a = Math.abs(x) * SQRT_HALF;
    float t = 1f / Math.fma(a, P, 1f);
    float poly = Math.fma(Math.fma(Math.fma(Math.fma(A5, t, A4), t, A3), t, A2), t, A1) * t;
    float erfAbs = Math.fma(-poly, exp(-(a * a)), 1f);
    float erf = x < 0f ? -erfAbs : erfAbs;
    return (x * 0.5f) * (erf + 1f);
  }
}
