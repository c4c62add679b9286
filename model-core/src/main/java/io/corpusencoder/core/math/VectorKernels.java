package io.corpusencoder.core.math;

import static io.corpusencoder.core.math.FastMath.C0;
import static io.corpusencoder.core.math.FastMath.C1;
import static io.corpusencoder.core.math.FastMath.C2;
import static io.corpusencoder.core.math.FastMath.C3;
import static io.corpusencoder.core.math.FastMath.C4;
import static io.corpusencoder.core.math.FastMath.C5;
import static io.corpusencoder.core.math.FastMath.ERF_CLAMP;
import static io.corpusencoder.core.math.FastMath.EXP_HIGH;
import static io.corpusencoder.core.math.FastMath.EXP_LOW;
import static io.corpusencoder.core.math.FastMath.LN2_HI;
import static io.corpusencoder.core.math.FastMath.LN2_LO;
import static io.corpusencoder.core.math.FastMath.LOG2E;
import static io.corpusencoder.core.math.FastMath.MAGIC;
import static io.corpusencoder.core.math.FastMath.MAGIC_BITS;
import static io.corpusencoder.core.math.FastMath.P0;
import static io.corpusencoder.core.math.FastMath.P1;
import static io.corpusencoder.core.math.FastMath.P2;
import static io.corpusencoder.core.math.FastMath.P3;
import static io.corpusencoder.core.math.FastMath.P4;
import static io.corpusencoder.core.math.FastMath.P5;
import static io.corpusencoder.core.math.FastMath.P6;
import static io.corpusencoder.core.math.FastMath.Q1;
import static io.corpusencoder.core.math.FastMath.Q2;
import static io.corpusencoder.core.math.FastMath.Q3;
import static io.corpusencoder.core.math.FastMath.Q4;
import static io.corpusencoder.core.math.FastMath.SQRT_HALF;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD versions of the elementwise kernels (Vector API). Each lane performs exactly the
 * operations of {@link FastMath}, in the same order, so results are bit-identical to the scalar
 * path. Only loaded when the jdk.incubator.vector module is present (see {@link Ops}).
 */
final class VectorKernels {
  /**
   * The CPU's preferred species, or the width this property names (64, 128, 256 or 512 bits) so
   * that a test JVM can run another machine's lane count on this CPU (wider than its registers it
   * runs emulated: slow, but each lane's operations are the same).
   */
  static final String BITS_PROPERTY = "corpusencoder.simd.bits";

  private static final VectorSpecies<Float> S = species(System.getProperty(BITS_PROPERTY));
  // exp's float <-> int bit casts name this species, a constant to C2 (reinterpretAsInts() looks
  // it up at run time).
  private static final VectorSpecies<Integer> S_INT =
      VectorSpecies.of(int.class, S.vectorShape());
  private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
  // −ln 2's two parts: fma(n, −c, z) is exactly fma(−n, c, z) (negation is exact), without a neg.
  private static final FloatVector V_NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
  private static final FloatVector V_NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
  private static final FloatVector V_C0 = FloatVector.broadcast(S, C0);
  private static final FloatVector V_C1 = FloatVector.broadcast(S, C1);
  private static final FloatVector V_C2 = FloatVector.broadcast(S, C2);
  private static final FloatVector V_C3 = FloatVector.broadcast(S, C3);
  private static final FloatVector V_C4 = FloatVector.broadcast(S, C4);
  private static final FloatVector V_C5 = FloatVector.broadcast(S, C5);
  private static final FloatVector V_P0 = FloatVector.broadcast(S, P0);
  private static final FloatVector V_P1 = FloatVector.broadcast(S, P1);
  private static final FloatVector V_P2 = FloatVector.broadcast(S, P2);
  private static final FloatVector V_P3 = FloatVector.broadcast(S, P3);
  private static final FloatVector V_P4 = FloatVector.broadcast(S, P4);
  private static final FloatVector V_P5 = FloatVector.broadcast(S, P5);
  private static final FloatVector V_P6 = FloatVector.broadcast(S, P6);
  private static final FloatVector V_Q1 = FloatVector.broadcast(S, Q1);
  private static final FloatVector V_Q2 = FloatVector.broadcast(S, Q2);
  private static final FloatVector V_Q3 = FloatVector.broadcast(S, Q3);
  private static final FloatVector V_Q4 = FloatVector.broadcast(S, Q4);

  private VectorKernels() {}

  private static VectorSpecies<Float> species(String bits) {
    if (bits == null || bits.isEmpty()) return FloatVector.SPECIES_PREFERRED;
    try {
      return VectorSpecies.of(float.class, VectorShape.forBitSize(Integer.parseInt(bits)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-D" + BITS_PROPERTY + "=" + bits
          + ": expected 64, 128, 256 or 512", e);
    }
  }

  static int lanes() {
    return S.length();
  }

  static FloatVector exp(FloatVector x) {
    FloatVector xc = x.max(EXP_LOW).min(EXP_HIGH);
    FloatVector t = xc.fma(LOG2E, MAGIC);
    FloatVector n = t.sub(MAGIC);
    FloatVector r = n.fma(V_NEG_LN2_LO, n.fma(V_NEG_LN2_HI, xc));
    FloatVector p = V_C0.fma(r, V_C1).fma(r, V_C2).fma(r, V_C3).fma(r, V_C4).fma(r, V_C5);
    FloatVector y = p.fma(r.mul(r), r).add(ONE);
    // t's bits are MAGIC's plus n: the exponent field of 2^n without a float-to-int conversion.
    IntVector bits = ((IntVector) t.convertShape(VectorOperators.REINTERPRET_F2I, S_INT, 0))
        .sub(MAGIC_BITS - 127).lanewise(VectorOperators.LSHL, 23);
    FloatVector scaled =
        y.mul((FloatVector) bits.convertShape(VectorOperators.REINTERPRET_I2F, S, 0));
    return scaled.blend(0f, x.lt(EXP_LOW));
  }

  /** GELU of each lane, as FastMath.gelu. */
  private static FloatVector gelu(FloatVector v) {
    FloatVector z = v.mul(SQRT_HALF).max(-ERF_CLAMP).min(ERF_CLAMP);
    FloatVector w = z.mul(z);
    FloatVector p = V_P6.fma(w, V_P5).fma(w, V_P4).fma(w, V_P3).fma(w, V_P2).fma(w, V_P1)
        .fma(w, V_P0);
    FloatVector q = V_Q4.fma(w, V_Q3).fma(w, V_Q2).fma(w, V_Q1).fma(w, ONE);
    FloatVector erf = z.mul(p).div(q);
    FloatVector half = v.mul(0.5f);
    return half.fma(erf, half);
  }

  /** SiLU of each lane, as FastMath.silu. */
  private static FloatVector silu(FloatVector v) {
    return v.div(ONE.add(exp(v.neg()))).blend(v.mul(0f), v.lt(-EXP_HIGH));
  }

  /** x[off, off+n) = GELU(x), as FastMath.gelu per element. */
  static void gelu(float[] x, int off, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      gelu(FloatVector.fromArray(S, x, off + i)).intoArray(x, off + i);
    }
    for (; i < n; i++) x[off + i] = FastMath.gelu(x[off + i]);
  }

  /** x[off, off+n) = GELU(x + bias[0, n)). */
  static void biasGelu(float[] x, int off, float[] bias, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      gelu(FloatVector.fromArray(S, x, off + i).add(FloatVector.fromArray(S, bias, i)))
          .intoArray(x, off + i);
    }
    for (; i < n; i++) x[off + i] = FastMath.gelu(x[off + i] + bias[i]);
  }

  /** GeGLU of one row, as ScalarKernels.geluGate. */
  static void geluGate(float[] x, int in, int n, int out) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      gelu(FloatVector.fromArray(S, x, in + i)).mul(FloatVector.fromArray(S, x, in + n + i))
          .intoArray(x, out + i);
    }
    for (; i < n; i++) x[out + i] = FastMath.gelu(x[in + i]) * x[in + n + i];
  }

  /** x[off, off+n) = SiLU(x), as FastMath.silu per element. */
  static void silu(float[] x, int off, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      silu(FloatVector.fromArray(S, x, off + i)).intoArray(x, off + i);
    }
    for (; i < n; i++) x[off + i] = FastMath.silu(x[off + i]);
  }

  /** SwiGLU of one row, as ScalarKernels.siluGate. */
  static void siluGate(float[] x, int in, int n, int out) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      silu(FloatVector.fromArray(S, x, in + i)).mul(FloatVector.fromArray(S, x, in + n + i))
          .intoArray(x, out + i);
    }
    for (; i < n; i++) x[out + i] = FastMath.silu(x[in + i]) * x[in + n + i];
  }

  /** x[off, off+n) = (x + bias[0, n)) + residual[off, off+n). */
  static void add2(float[] x, int off, float[] bias, float[] residual, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector.fromArray(S, x, off + i).add(FloatVector.fromArray(S, bias, i))
          .add(FloatVector.fromArray(S, residual, off + i)).intoArray(x, off + i);
    }
    for (; i < n; i++) x[off + i] = (x[off + i] + bias[i]) + residual[off + i];
  }

  /** max of x[off, off+n): exact whatever the order. */
  static float max(float[] x, int off, int n) {
    int i = 0;
    float m = Float.NEGATIVE_INFINITY;
    if (n >= S.length()) {
      FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
      for (int bound = S.loopBound(n); i < bound; i += S.length()) {
        acc = acc.max(FloatVector.fromArray(S, x, off + i));
      }
      m = acc.reduceLanes(VectorOperators.MAX);
    }
    for (; i < n; i++) m = Math.max(m, x[off + i]);
    return m;
  }

  /** x[off, off+n) = exp(x − shift), as FastMath.exp per element. */
  static void expShifted(float[] x, int off, int n, float shift) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      exp(FloatVector.fromArray(S, x, off + i).sub(shift)).intoArray(x, off + i);
    }
    for (; i < n; i++) x[off + i] = FastMath.exp(x[off + i] - shift);
  }

  /** x[off, off+n) *= s. */
  static void scale(float[] x, int off, int n, float s) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector.fromArray(S, x, off + i).mul(s).intoArray(x, off + i);
    }
    for (; i < n; i++) x[off + i] *= s;
  }

  /** dst = ((src − mean) · inv) · gamma + beta over one row, as ScalarKernels.normalize. */
  static void normalize(float[] src, float[] dst, int off, int n, float mean, float inv,
      float[] gamma, float[] beta) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, src, off + i);
      v.sub(mean).mul(inv).mul(FloatVector.fromArray(S, gamma, i))
          .add(FloatVector.fromArray(S, beta, i)).intoArray(dst, off + i);
    }
    for (; i < n; i++) dst[off + i] = (src[off + i] - mean) * inv * gamma[i] + beta[i];
  }

  /**
   * Rotate-half rotary step on one head, as ScalarKernels.rotateHalf: lanes run the same
   * products and sum (Java never fuses a multiply-add), so the bits are the scalar loop's.
   */
  static void rotateHalf(float[] x, int off, int half, float[] c, float[] s, int tOff) {
    int i = 0;
    for (int bound = S.loopBound(half); i < bound; i += S.length()) {
      FloatVector x1 = FloatVector.fromArray(S, x, off + i);
      FloatVector x2 = FloatVector.fromArray(S, x, off + half + i);
      FloatVector ci = FloatVector.fromArray(S, c, tOff + i);
      FloatVector si = FloatVector.fromArray(S, s, tOff + i);
      // x1·c − x2·s is bitwise x1·c + (−x2)·s (IEEE's a − b is a + (−b)), without a neg
      x1.mul(ci).sub(x2.mul(si)).intoArray(x, off + i);
      x2.mul(ci).add(x1.mul(si)).intoArray(x, off + half + i);
    }
    for (; i < half; i++) {
      float x1 = x[off + i];
      float x2 = x[off + half + i];
      x[off + i] = x1 * c[tOff + i] + -x2 * s[tOff + i];
      x[off + half + i] = x2 * c[tOff + i] + x1 * s[tOff + i];
    }
  }

  /** x[off, off+n) += y[yOff, yOff+n). */
  static void add(float[] x, int off, float[] y, int yOff, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector.fromArray(S, x, off + i).add(FloatVector.fromArray(S, y, yOff + i))
          .intoArray(x, off + i);
    }
    for (; i < n; i++) x[off + i] += y[yOff + i];
  }

  /** Σ x[off, off+n), bit-identical to ScalarKernels.sum. */
  static float sum(float[] x, int off, int n) {
    // 16 accumulators = one vector on AVX-512, two on AVX2 (A: elements 0..7 mod 16, B: 8..15).
    int w = S.length();
    if (w != 16 && w != 8) return ScalarKernels.sum(x, off, n);
    FloatVector a = FloatVector.zero(S);
    FloatVector b = FloatVector.zero(S);
    int i = 0;
    if (w == 16) {
      for (; i + 16 <= n; i += 16) a = a.add(FloatVector.fromArray(S, x, off + i));
    } else {
      for (; i + 16 <= n; i += 16) {
        a = a.add(FloatVector.fromArray(S, x, off + i));
        b = b.add(FloatVector.fromArray(S, x, off + i + 8));
      }
    }
    float tail = 0;
    for (; i < n; i++) tail += x[off + i];
    return combine(a, b, w) + tail;
  }

  /** Σ (x − center)², bit-identical to ScalarKernels.sum. */
  static float sumSquares(float[] x, int off, int n, float center) {
    int w = S.length();
    if (w != 16 && w != 8) return ScalarKernels.sumSquares(x, off, n, center);
    FloatVector a = FloatVector.zero(S);
    FloatVector b = FloatVector.zero(S);
    int i = 0;
    if (w == 16) {
      for (; i + 16 <= n; i += 16) {
        FloatVector d = FloatVector.fromArray(S, x, off + i).sub(center);
        a = a.add(d.mul(d));
      }
    } else {
      for (; i + 16 <= n; i += 16) {
        FloatVector d0 = FloatVector.fromArray(S, x, off + i).sub(center);
        FloatVector d1 = FloatVector.fromArray(S, x, off + i + 8).sub(center);
        a = a.add(d0.mul(d0));
        b = b.add(d1.mul(d1));
      }
    }
    float tail = 0;
    for (; i < n; i++) {
      float d = x[off + i] - center;
      tail += d * d;
    }
    return combine(a, b, w) + tail;
  }

  /** c_j = acc_j + acc_{j+8}, then ((c0+c1)+(c2+c3)) + ((c4+c5)+(c6+c7)), as ScalarKernels.sum. */
  private static float combine(FloatVector a, FloatVector b, int w) {
    FloatVector c = w == 16 ? a.add(a.rearrange(HALVES)) : a.add(b); // lanes 0..7: c_j
    FloatVector p = c.add(c.rearrange(PAIRS)); // lane 2k: c_2k + c_2k+1
    FloatVector q = p.add(p.rearrange(QUADS)); // lanes 0 and 4: the two sums of four
    return q.lane(0) + q.lane(4);
  }

  // Lane permutations for combine (lane i takes lane shuffle[i]; only the lanes read matter).
  private static final VectorShuffle<Float> HALVES = VectorShuffle.fromOp(S, i -> (i + 8) % S.length());
  private static final VectorShuffle<Float> PAIRS = VectorShuffle.fromOp(S, i -> i ^ 1);
  private static final VectorShuffle<Float> QUADS = VectorShuffle.fromOp(S, i -> i ^ 2);

  /**
   * The softmax numerators of one row in place, x = exp(x − max x), returning their sum in
   * ScalarKernels.sum's order: three small loops (max, exp, sum). A pass fusing exp and sum ran
   * about a fifth slower side by side (its two inlined exps used up C2's inlining budget).
   */
  static float expShiftedSum(float[] x, int off, int n) {
    expShifted(x, off, n, max(x, off, n));
    return sum(x, off, n);
  }
}
