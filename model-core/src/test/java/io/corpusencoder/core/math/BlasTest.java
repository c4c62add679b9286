package io.corpusencoder.core.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BlasTest {
  static final float TOLERANCE = 1e-4f;

  @Test
  void gemmNTMatchesNaiveLoopWithOffsetsAndStrides() {
    Random r = new Random(1);
    int m = 7, n = 5, k = 9, lda = 12, ldb = 10, ldc = 8, aOff = 3, bOff = 2, cOff = 1;
    float[] a = random(r, aOff + m * lda);
    float[] b = random(r, bOff + n * ldb);
    float[] c = random(r, cOff + m * ldc);
    float[] expected = c.clone();
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) s += a[aOff + i * lda + p] * b[bOff + j * ldb + p];
        expected[cOff + i * ldc + j] = (float) (0.5 * s + 2.0 * c[cOff + i * ldc + j]);
      }
    Blas.gemmNT(m, n, k, 0.5f, a, aOff, lda, b, bOff, ldb, 2f, c, cOff, ldc);
    for (int i = 0; i < c.length; i++) {
      assertEquals(expected[i], c[i], TOLERANCE, "gemmNT via " + Blas.implementation() + " at " + i);
    }
  }

  @Test
  void gemmNNMatchesNaiveLoopWithOffsetsAndStrides() {
    Random r = new Random(2);
    int m = 6, n = 4, k = 11, lda = 13, ldb = 7, ldc = 9, aOff = 5, bOff = 1, cOff = 2;
    float[] a = random(r, aOff + m * lda);
    float[] b = random(r, bOff + k * ldb);
    float[] c = random(r, cOff + m * ldc);
    float[] expected = c.clone();
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) s += a[aOff + i * lda + p] * b[bOff + p * ldb + j];
        expected[cOff + i * ldc + j] = (float) s;
      }
    Blas.gemmNN(m, n, k, 1f, a, aOff, lda, b, bOff, ldb, 0f, c, cOff, ldc);
    for (int i = 0; i < c.length; i++) {
      assertEquals(expected[i], c[i], TOLERANCE, "gemmNN via " + Blas.implementation() + " at " + i);
    }
  }

  private static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
    return a;
  }
}
