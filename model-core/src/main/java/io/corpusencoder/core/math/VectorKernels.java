package io.corpusencoder.core.math;

import static io.corpusencoder.core.math.FastMath.A1;
import static io.corpusencoder.core.math.FastMath.A2;
import static io.corpusencoder.core.math.FastMath.A3;
import static io.corpusencoder.core.math.FastMath.A4;
import static io.corpusencoder.core.math.FastMath.A5;
import static io.corpusencoder.core.math.FastMath.C0;
import static io.corpusencoder.core.math.FastMath.C1;
import static io.corpusencoder.core.math.FastMath.C2;
import static io.corpusencoder.core.math.FastMath.C3;
import static io.corpusencoder.core.math.FastMath.C4;
import static io.corpusencoder.core.math.FastMath.C5;
import static io.corpusencoder.core.math.FastMath.EXP_HIGH;
import static io.corpusencoder.core.math.FastMath.EXP_LOW;
import static io.corpusencoder.core.math.FastMath.LN2_HI;
import static io.corpusencoder.core.math.FastMath.LN2_LO;
import static io.corpusencoder.core.math.FastMath.LOG2E;
import static io.corpusencoder.core.math.FastMath.MAGIC;
import static io.corpusencoder.core.math.FastMath.MAGIC_BITS;
import static io.corpusencoder.core.math.FastMath.P;
import static io.corpusencoder.core.math.FastMath.SQRT_HALF;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD versions of the elementwise kernels (Vector API). Each lane performs exactly the
 * operations of {@link FastMath}, in the same order, so results are bit-identical to the scalar
 * path. Only loaded when the jdk.incubator.vector module is present (see {@link Ops}).
 */
final class VectorKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
  private static final FloatVector V_LN2_HI = FloatVector.broadcast(S, LN2_HI);
  private static final FloatVector V_LN2_LO = FloatVector.broadcast(S, LN2_LO);
  private static final FloatVector V_C0 = FloatVector.broadcast(S, C0);
  private static final FloatVector V_C1 = FloatVector.broadcast(S, C1);
  private static final FloatVector V_C2 = FloatVector.broadcast(S, C2);
  private static final FloatVector V_C3 = FloatVector.broadcast(S, C3);
  private static final FloatVector V_C4 = FloatVector.broadcast(S, C4);
  private static final FloatVector V_C5 = FloatVector.broadcast(S, C5);
  private static final FloatVector V_A1 = FloatVector.broadcast(S, A1);
  private static final FloatVector V_A2 = FloatVector.broadcast(S, A2);
  private static final FloatVector V_A3 = FloatVector.broadcast(S, A3);
  private static final FloatVector V_A4 = FloatVector.broadcast(S, A4);
  private static final FloatVector V_A5 = FloatVector.broadcast(S, A5);

  private VectorKernels() {}

  static int lanes() {
    return S.length();
  }

  static FloatVector exp(FloatVector x) {
    FloatVector xc = x.max(EXP_LOW).min(EXP_HIGH);
    FloatVector t = xc.fma(LOG2E, MAGIC);
    FloatVector n = t.sub(MAGIC);
    FloatVector negN = n.neg();
    FloatVector r = negN.fma(V_LN2_LO, negN.fma(V_LN2_HI, xc));
    FloatVector p = V_C0.fma(r, V_C1).fma(r, V_C2).fma(r, V_C3).fma(r, V_C4).fma(r, V_C5);
    FloatVector y = p.fma(r.mul(r), r).add(ONE);
    // t's bits are MAGIC's plus n: the exponent field of 2^n without a float-to-int conversion.
    IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(MAGIC_BITS - 127)
        .lanewise(VectorOperators.LSHL, 23);
    FloatVector scaled = y.mul(bits.reinterpretAsFloats());
    return scaled.blend(0f, x.lt(EXP_LOW));
  }

  /** GELU of each lane, as FastMath.gelu. */
  private static FloatVector gelu(FloatVector v) {
    FloatVector a = v.abs().mul(SQRT_HALF);
    FloatVector t = ONE.div(a.fma(P, 1f));
    FloatVector poly = V_A5.fma(t, V_A4).fma(t, V_A3).fma(t, V_A2).fma(t, V_A1).mul(t);
    FloatVector erfAbs = poly.neg().fma(exp(a.mul(a).neg()), ONE);
    FloatVector erf = erfAbs.blend(erfAbs.neg(), v.lt(0f));
    return v.mul(0.5f).mul(erf.add(1f));
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

  /** x = ((x − mean) · inv) · gamma + beta over one row, as the scalar loop in Ops. */
  static void normalize(float[] x, int off, int n, float mean, float inv, float[] gamma,
      float[] beta) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, x, off + i);
      v.sub(mean).mul(inv).mul(FloatVector.fromArray(S, gamma, i))
          .add(FloatVector.fromArray(S, beta, i)).intoArray(x, off + i);
    }
    for (; i < n; i++) x[off + i] = (x[off + i] - mean) * inv * gamma[i] + beta[i];
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
}
