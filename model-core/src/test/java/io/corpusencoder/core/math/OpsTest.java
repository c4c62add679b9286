package io.corpusencoder.core.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corpusencoder.core.testing.ReferenceOps;
import org.junit.jupiter.api.Test;

class OpsTest {
  @Test
  void erfIsWithinOnePointFiveEMinusSevenOfTheSeries() {
    for (double x = -3; x <= 3; x += 0.001) {
      assertEquals(ReferenceOps.erfSeries(x), Ops.erf(x), 1.5e-7, "erf(" + x + ")");
    }
    assertEquals(1.0, Ops.erf(8), 1e-12);
    assertEquals(-1.0, Ops.erf(-8), 1e-12);
  }

  @Test
  void geluMatchesKnownValues() {
    float[] x = {-3f, -1f, 0f, 0.5f, 1f, 2f};
    // 0.5·x·(1 + erf(x/√2)), computed with high-precision erf
    float[] expected = {-0.0040496941f, -0.15865526f, 0f, 0.34573123f, 0.84134475f, 1.9544997f};
    Ops.geluInPlace(x, x.length);
    assertArrayEquals(expected, x, 3e-7f);
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
