package io.corpusencoder.core.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corpusencoder.core.testing.ReferenceOps;
import org.junit.jupiter.api.Test;

class OpsTest {
  @Test
  void fastExpIsWithinTwoEMinusSevenRelativeOfMathExp() {
    for (float x = -87f; x <= 88f; x += 0.0137f) {
      double expected = Math.exp(x);
      assertEquals(expected, FastMath.exp(x), 2e-7 * expected, "exp(" + x + ")");
    }
    assertEquals(1f, FastMath.exp(0f), 0f);
    assertEquals(0f, FastMath.exp(Float.NEGATIVE_INFINITY), 0f, "masked scores weigh zero");
    assertEquals(0f, FastMath.exp(-100f), 0f);
  }

  @Test
  void geluIsWithinFourEMinusSevenOfTheExactForm() {
    // The double-precision series is exact enough up to |x/√2| ≈ 3.5.
    for (double x = -5; x <= 5; x += 0.001) {
      double expected = 0.5 * x * (1 + ReferenceOps.erfSeries(x / Math.sqrt(2)));
      assertEquals(expected, FastMath.gelu((float) x), 4e-7 * Math.max(1, Math.abs(x)), "x=" + x);
    }
    assertEquals(0f, FastMath.gelu(-8f), 1e-14f, "GELU(-8) = -8·Φ(-8) ≈ -5e-15");
    assertEquals(8f, FastMath.gelu(8f), 0f);
  }

  /** The fixed order of every sum (the SIMD twins follow it: KernelTwinsTest). */
  @Test
  void sumsFollowTheDocumentedOrder() {
    float[] y = new float[17];
    y[0] = 1e16f; // accumulator 0
    y[8] = -1e16f; // accumulator 8, folded into c0 first
    y[1] = 1f; // c1
    y[3] = 1f; // c3
    y[16] = 5f; // tail
    assertEquals(7f, ScalarKernels.sum(y, 0, 17));
    y[8] = 0f;
    y[1] = -1e16f; // now c0 + c1 cancels, c3's 1 survives: ((0 + 0) + (0 + 1)) + ... + 5
    assertEquals(6f, ScalarKernels.sum(y, 0, 17));
  }

  @Test
  void geluMatchesKnownValues() {
    float[] x = {-3f, -1f, 0f, 0.5f, 1f, 2f};
    // 0.5·x·(1 + erf(x/√2)), computed with high-precision erf
    float[] expected = {-0.0040496941f, -0.15865526f, 0f, 0.34573123f, 0.84134475f, 1.9544997f};
    Ops.geluInPlace(x, x.length);
    assertArrayEquals(expected, x, 4e-7f);
  }

  @Test
  void softmaxRowsSumToOneAndMaskedEntriesWeighZero() {
    float inf = Float.NEGATIVE_INFINITY;
    float[] x = {1f, 2f, 3f, 0f, /* row 2 */ 1000f, inf, 1000f, 0f};
    Ops.softmaxRowsInPlace(x, 0, 2, 3, 4);
    double e = Math.E;
    double z = 1 + e + e * e;
    assertEquals(1 / z, x[0], 1e-6);
    assertEquals(e / z, x[1], 1e-6);
    assertEquals(e * e / z, x[2], 1e-6);
    assertEquals(0f, x[3], "entries beyond cols are untouched");
    assertEquals(0.5f, x[4], 1e-7, "max-subtracted: no overflow at 1000");
    assertEquals(0f, x[5], 0f, "a -inf (masked) entry weighs exactly zero");
    assertEquals(0.5f, x[6], 1e-7);
  }

  /** The src → dst form is the in-place form's bits, leaving src alone (rows of 3 and 37). */
  @Test
  void layerNormIntoAnotherArrayIsTheInPlaceFormBitForBit() {
    java.util.Random r = new java.util.Random(4);
    for (int cols : new int[] {3, 37}) {
      float[] src = new float[5 * cols];
      float[] g = new float[cols];
      float[] b = new float[cols];
      for (int i = 0; i < src.length; i++) src[i] = (float) (r.nextGaussian() * 7 + 2);
      for (int i = 0; i < cols; i++) {
        g[i] = (float) r.nextGaussian();
        b[i] = (float) r.nextGaussian();
      }
      float[] copy = src.clone();
      float[] inPlace = src.clone();
      float[] dst = new float[src.length];
      Ops.layerNormInPlace(inPlace, 5, cols, g, b, 1e-5f);
      Ops.layerNorm(src, dst, 5, cols, g, b, 1e-5f);
      assertArrayEquals(copy, src, "src is only read");
      for (int i = 0; i < dst.length; i++) {
        assertEquals(Float.floatToRawIntBits(inPlace[i]), Float.floatToRawIntBits(dst[i]),
            "cols " + cols + ", element " + i);
      }
    }
  }

  @Test
  void layerNormMatchesHandComputation() {
    float[] x = {1f, 2f, 3f, 4f, -1f, 0f, 1f, 10f};
    float[] g = {1f, 2f, 0.5f, 1f};
    float[] b = {0f, 1f, 0f, -1f};
    double[] r0 = ReferenceOps.layerNorm(new double[] {1, 2, 3, 4}, new double[] {1, 2, 0.5, 1},
        new double[] {0, 1, 0, -1}, 1e-12);
    double[] r1 = ReferenceOps.layerNorm(new double[] {-1, 0, 1, 10}, new double[] {1, 2, 0.5, 1},
        new double[] {0, 1, 0, -1}, 1e-12);
    Ops.layerNormInPlace(x, 2, 4, g, b, 1e-12f);
    for (int i = 0; i < 4; i++) {
      assertEquals(r0[i], x[i], 1e-6);
      assertEquals(r1[i], x[4 + i], 1e-6);
    }
    // mean 2.5, var 1.25: first value (1 - 2.5)/√1.25 = -1.3416408
    assertEquals(-1.3416408f, x[0], 1e-6f);
  }

  @Test
  void l2NormalizeGivesUnitLengthAndKeepsZeroVectors() {
    float[] v = {3f, 4f, 0f, 0f};
    Ops.l2NormalizeInPlace(v, 0, 2);
    assertArrayEquals(new float[] {0.6f, 0.8f, 0f, 0f}, v, 1e-7f);
    float[] z = new float[3];
    Ops.l2NormalizeInPlace(z, 0, 3);
    assertArrayEquals(new float[3], z);
  }
}
