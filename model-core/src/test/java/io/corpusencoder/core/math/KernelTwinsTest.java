package io.corpusencoder.core.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Every SIMD kernel against its scalar twin, bit for bit, on lengths around every lane count and
 * the 16-accumulator block (tails, odd sizes, empty), at aligned and odd offsets, on values whose
 * sums depend on their order and on the kernels' clamping edges. Runs in every test JVM with the
 * Vector API; the scalar-kernels execution (no jdk.incubator.vector) runs the check that it really
 * took the scalar path, and the same models then pass their parity tests there.
 */
class KernelTwinsTest {
  static final int[] LENGTHS = {0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 23, 24, 31, 32, 33, 47,
      48, 63, 64, 65, 100, 127, 128, 129, 255, 384, 385, 512, 1536, 1541};
  static final int[] OFFSETS = {0, 5};

  static boolean vectorApi() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /** Varied magnitudes (sums depend on their order) and the kernels' edges. */
  static float[] values(Random r, int len, float spread) {
    float[] special = {0f, -0f, 1f, -1f, 5.657f, -5.66f, 8f, -8f, 88.5f, -87.5f, -100f, 1e-40f,
        -3e-39f, 1e7f, -1e7f};
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = r.nextInt(9) == 0 ? special[r.nextInt(special.length)]
          : (float) (r.nextGaussian() * spread * Math.pow(10, r.nextInt(7) - 3));
    }
    return x;
  }

  interface Kernel {
    /** Runs one twin on x (in place) and returns its scalar result (0 for void kernels). */
    float run(boolean simd, float[] x, int off, int n);
  }

  private static void check(String name, float spread, Kernel k) {
    Random r = new Random(name.hashCode());
    int checked = 0;
    for (int n : LENGTHS) {
      for (int off : OFFSETS) {
        for (int rep = 0; rep < 3; rep++) {
          float[] x = values(r, off + n + 3, spread);
          float[] s = x.clone();
          float[] v = x.clone();
          float rs = k.run(false, s, off, n);
          float rv = k.run(true, v, off, n);
          String where = name + ", n = " + n + ", offset " + off + ", draw " + rep;
          assertEquals(Float.floatToRawIntBits(rs), Float.floatToRawIntBits(rv),
              where + ": result " + rs + " (scalar) vs " + rv + " (SIMD)");
          for (int i = 0; i < x.length; i++) {
            int is = i;
            assertEquals(Float.floatToRawIntBits(s[i]), Float.floatToRawIntBits(v[i]),
                () -> where + ", element " + is + ": " + s[is] + " (scalar) vs " + v[is]
                    + " (SIMD) from " + x[is]);
          }
          checked++;
        }
      }
    }
    assertEquals(LENGTHS.length * OFFSETS.length * 3, checked);
  }

  /** The row-indexed operands (bias, gamma, beta) of a kernel, drawn once per kernel. */
  private static float[] operand(String name, float spread) {
    return values(new Random(~name.hashCode()), 2000, spread);
  }

  @Test
  @EnabledIf("vectorApi")
  void gelu() {
    check("gelu", 3f, (simd, x, off, n) -> {
      if (simd) VectorKernels.gelu(x, off, n); else ScalarKernels.gelu(x, off, n);
      return 0f;
    });
  }

  @Test
  @EnabledIf("vectorApi")
  void biasGelu() {
    float[] bias = operand("biasGelu", 1f);
    check("biasGelu", 3f, (simd, x, off, n) -> {
      if (simd) VectorKernels.biasGelu(x, off, bias, n); else ScalarKernels.biasGelu(x, off, bias, n);
      return 0f;
    });
  }

  @Test
  @EnabledIf("vectorApi")
  void biasResidual() {
    float[] bias = operand("add2.bias", 1f);
    float[] residual = operand("add2.residual", 10f);
    check("add2", 10f, (simd, x, off, n) -> {
      if (simd) {
        VectorKernels.add2(x, off, bias, residual, n);
      } else {
        ScalarKernels.add2(x, off, bias, residual, n);
      }
      return 0f;
    });
  }

  @Test
  @EnabledIf("vectorApi")
  void add() {
    float[] y = operand("add", 10f);
    check("add", 10f, (simd, x, off, n) -> {
      if (simd) VectorKernels.add(x, off, y, 7, n); else ScalarKernels.add(x, off, y, 7, n);
      return 0f;
    });
  }

  @Test
  @EnabledIf("vectorApi")
  void max() {
    check("max", 10f, (simd, x, off, n) ->
        simd ? VectorKernels.max(x, off, n) : ScalarKernels.max(x, off, n));
  }

  @Test
  @EnabledIf("vectorApi")
  void expShifted() {
    check("expShifted", 30f, (simd, x, off, n) -> {
      if (simd) VectorKernels.expShifted(x, off, n, 1.5f);
      else ScalarKernels.expShifted(x, off, n, 1.5f);
      return 0f;
    });
  }

  @Test
  @EnabledIf("vectorApi")
  void scale() {
    check("scale", 10f, (simd, x, off, n) -> {
      if (simd) VectorKernels.scale(x, off, n, 0.3f); else ScalarKernels.scale(x, off, n, 0.3f);
      return 0f;
    });
  }

  /** n covers one row of gate and up (n/2 each), written over the gate as the model does. */
  @Test
  @EnabledIf("vectorApi")
  void geluGate() {
    check("geluGate", 3f, (simd, x, off, n) -> {
      if (simd) {
        VectorKernels.geluGate(x, off, n / 2, off);
      } else {
        ScalarKernels.geluGate(x, off, n / 2, off);
      }
      return 0f;
    });
  }

  /** n covers one head of 2·(n/2) columns; cos and sin take an odd table offset. */
  @Test
  @EnabledIf("vectorApi")
  void rotateHalf() {
    float[] c = operand("rotateHalf.cos", 1f);
    float[] s = operand("rotateHalf.sin", 1f);
    check("rotateHalf", 10f, (simd, x, off, n) -> {
      if (simd) {
        VectorKernels.rotateHalf(x, off, n / 2, c, s, 7);
      } else {
        ScalarKernels.rotateHalf(x, off, n / 2, c, s, 7);
      }
      return 0f;
    });
  }

  @Test
  @EnabledIf("vectorApi")
  void normalize() {
    float[] gamma = operand("normalize.gamma", 1f);
    float[] beta = operand("normalize.beta", 1f);
    check("normalize", 10f, (simd, x, off, n) -> {
      if (simd) {
        VectorKernels.normalize(x, off, n, 0.37f, 1.9f, gamma, beta);
      } else {
        ScalarKernels.normalize(x, off, n, 0.37f, 1.9f, gamma, beta);
      }
      return 0f;
    });
  }

  @Test
  @EnabledIf("vectorApi")
  void sum() {
    check("sum", 1000f, (simd, x, off, n) ->
        simd ? VectorKernels.sum(x, off, n) : ScalarKernels.sum(x, off, n));
  }

  @Test
  @EnabledIf("vectorApi")
  void sumSquares() {
    check("sumSquares", 1000f, (simd, x, off, n) -> simd
        ? VectorKernels.sumSquares(x, off, n, 0.75f) : ScalarKernels.sumSquares(x, off, n, 0.75f));
  }

  /** Softmax numerators and their sum, with masked (-∞) keys; a row has a finite entry. */
  @Test
  @EnabledIf("vectorApi")
  void expShiftedSum() {
    Random masks = new Random(3);
    check("expShiftedSum", 8f, (simd, x, off, n) -> {
      if (n == 0) return 0f; // a softmax row always has a key
      masks.setSeed(n * 31L + off); // the same keys masked for both twins
      for (int i = 1; i < n; i++) if (masks.nextInt(4) == 0) x[off + i] = Float.NEGATIVE_INFINITY;
      return simd ? VectorKernels.expShiftedSum(x, off, n) : ScalarKernels.expShiftedSum(x, off, n);
    });
  }

  /** In the scalar-kernels execution: the JVM really runs the scalar twins, and says so. */
  @Test
  @EnabledIfSystemProperty(named = "corpusencoder.test.expect-scalar", matches = "true")
  void theScalarExecutionRunsTheScalarKernels() {
    assertTrue(!vectorApi(), "this execution must run without jdk.incubator.vector");
    assertEquals("scalar (jdk.incubator.vector is not loaded: "
        + "--add-modules=jdk.incubator.vector enables the SIMD kernels)", Ops.simd());
  }
}
