package io.corpusencoder.core.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

  @Test
  @EnabledIf("vectorApi")
  void silu() {
    check("silu", 20f, (simd, x, off, n) -> {
      if (simd) VectorKernels.silu(x, off, n); else ScalarKernels.silu(x, off, n);
      return 0f;
    });
  }

  /** As geluGate: one row of gate and up (n/2 each), written over the gate. */
  @Test
  @EnabledIf("vectorApi")
  void siluGate() {
    check("siluGate", 20f, (simd, x, off, n) -> {
      if (simd) {
        VectorKernels.siluGate(x, off, n / 2, off);
      } else {
        ScalarKernels.siluGate(x, off, n / 2, off);
      }
      return 0f;
    });
  }

  /**
   * SwiGLU's edges through Ops (so in both executions, each twin): where exp leaves its range,
   * the infinities, NaN, signed zeros and a subnormal, each against its hand-derived value; 21
   * rows of one pair each, then the same values in one long row (SIMD lanes and tail).
   */
  @Test
  void siluGateEdges() {
    float inf = Float.POSITIVE_INFINITY;
    float nan = Float.NaN;
    float[][] cases = { // gate, up, SiLU(gate) · up
        {-inf, 2f, nan}, // −∞ / (1 + ∞), as torch
        {-1e7f, 2f, -0f}, // below −88.3: exactly −0 (the true value underflows)
        {-100f, 2f, -0f},
        {-88.4f, 2f, -0f}, // the true value, 4e-37, is dropped
        {-100f, inf, nan}, // −0 · ∞, as torch
        {-0f, 2f, -0f},
        {0f, 2f, 0f},
        {0f, -2f, -0f},
        {1e-40f, 2f, 1e-40f}, // subnormal: 1e-40 / 2 · 2, exact
        {1f, 2f, (float) (2 / (1 + Math.exp(-1)))}, // 1.4621172: within the bound below
        {1f, inf, inf},
        {-1f, 3f, (float) (-3 / (1 + Math.exp(1)))},
        {20f, 1f, 20f}, // 20 / (1 + 2e-9) rounds to 20
        {88f, 1f, 88f},
        {88.4f, 1f, 88.4f},
        {100f, -1f, -100f},
        {1e7f, 1f, 1e7f},
        {inf, 1f, inf},
        {inf, 0f, nan}, // ∞ · 0
        {nan, 1f, nan},
        {1f, nan, nan},
    };
    int n = cases.length;
    float[] rows = new float[2 * n];
    float[] row = new float[2 * n];
    for (int i = 0; i < n; i++) {
      rows[2 * i] = cases[i][0];
      rows[2 * i + 1] = cases[i][1];
      row[i] = cases[i][0];
      row[n + i] = cases[i][1];
    }
    Ops.siluGateInPlace(rows, n, 1);
    Ops.siluGateInPlace(row, 1, n);
    for (int i = 0; i < n; i++) {
      float want = cases[i][2];
      String what = "SiLU(" + cases[i][0] + ") · " + cases[i][1];
      for (float got : new float[] {rows[i], row[i]}) {
        if (Float.isNaN(want) || want == 0f || Float.isInfinite(want) || Math.abs(want) >= 20f
            || Math.abs(want) < 1e-30f) {
          assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), what + ": " + got);
        } else {
          assertEquals(want, got, SILU_GATE_RELATIVE * Math.abs(want), what);
        }
      }
    }
  }

  /**
   * The relative error bound of SiLU(g) · u against exact arithmetic: FastMath.exp's own (2e-7,
   * OpsTest's bound, damped by e^−g / (1 + e^−g) ≤ 1), then three fp32 roundings of 2^-24 each
   * (1 + e^−g, the division, the product): 3.8e-7, under 7 units of 2^-24, so under 7 ulps.
   */
  static final double SILU_GATE_RELATIVE = 2e-7 + 3 * 0x1p-24;

  /**
   * SwiGLU against double precision, silu(g) = g / (1 + e^−g) · u in double (about 1e-16, exact
   * for this purpose), on 200,000 gate/up pairs spread over [-95, 95] · up to 10: within
   * {@link #SILU_GATE_RELATIVE}, plus an absolute 2^-149 per rounding where the result is
   * subnormal; below −88.3, where ours is exactly ∓0, within the 4.2e-37 · |u| it drops.
   */
  @Test
  void siluGateIsWithinItsBoundOfDoublePrecision() {
    Random r = new Random(6);
    int n = 1000;
    int rowsCount = 200;
    float[] x = new float[2 * n * rowsCount];
    for (int i = 0; i < x.length; i++) {
      boolean gate = i % (2 * n) < n;
      x[i] = gate ? (float) ((r.nextDouble() * 2 - 1) * (r.nextInt(4) == 0 ? 95 : 8))
          : (float) (r.nextGaussian() * 3);
    }
    float[] in = x.clone();
    Ops.siluGateInPlace(x, rowsCount, n);
    double worst = 0;
    for (int row = 0; row < rowsCount; row++) {
      for (int c = 0; c < n; c++) {
        double g = in[2 * n * row + c];
        double u = in[2 * n * row + n + c];
        double want = g / (1 + Math.exp(-g)) * u;
        float got = x[n * row + c];
        double tolerance = g < -88.3f ? 4.2e-37 * Math.abs(u)
            : SILU_GATE_RELATIVE * Math.abs(want) + 3 * 0x1p-149;
        assertTrue(Math.abs(got - want) <= tolerance,
            () -> "SiLU(" + g + ") · " + u + " = " + want + ", got " + got);
        if (Math.abs(want) >= 0x1p-126) worst = Math.max(worst, Math.abs(got - want) / Math.abs(want));
      }
    }
    assertTrue(worst > 0, "the kernel is not exact: the check has something to see");
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
        VectorKernels.normalize(x, x, off, n, 0.37f, 1.9f, gamma, beta);
      } else {
        ScalarKernels.normalize(x, x, off, n, 0.37f, 1.9f, gamma, beta);
      }
      return 0f;
    });
  }

  /** From another array into x (pre-LayerNorm layers read the residual stream, write scratch). */
  @Test
  @EnabledIf("vectorApi")
  void normalizeFromSource() {
    float[] src = operand("normalizeFromSource.src", 10f);
    float[] gamma = operand("normalizeFromSource.gamma", 1f);
    float[] beta = operand("normalizeFromSource.beta", 1f);
    float[] before = src.clone();
    check("normalizeFromSource", 10f, (simd, x, off, n) -> {
      if (simd) {
        VectorKernels.normalize(src, x, off, n, 0.37f, 1.9f, gamma, beta);
      } else {
        ScalarKernels.normalize(src, x, off, n, 0.37f, 1.9f, gamma, beta);
      }
      return 0f;
    });
    assertArrayEquals(before, src, "the source row is only read");
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
