package io.corpusencoder.core.math;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Row-major matrix products over netlib's column-major sgemm; the only netlib caller.
 *
 * <p>The implementation is chosen once per JVM: system property {@code corpusencoder.blas} (or
 * environment variable {@code CORPUSENCODER_BLAS}) = {@code auto} (default: native OpenBLAS when
 * netlib's JNI finds libblas.so.3, else the Vector API path, else plain Java), {@code native} (fail
 * if absent) or {@code java}.
 */
public final class Blas {
  private static final Logger LOG = Logger.getLogger(Blas.class.getName());
  private static final BLAS IMPL = choose(); // static: never a serialized field

  private Blas() {}

  private static BLAS choose() {
    String wanted = System.getProperty("corpusencoder.blas");
    if (wanted == null) wanted = System.getenv("CORPUSENCODER_BLAS");
    if (wanted == null || wanted.isBlank()) wanted = "auto";
    BLAS chosen =
        switch (wanted.trim().toLowerCase(Locale.ROOT)) {
          case "auto" -> BLAS.getInstance();
          case "native" -> nativeOrFail();
          case "java" -> JavaBLAS.getInstance();
          default -> throw new IllegalArgumentException(
              "corpusencoder.blas=" + wanted + ": expected one of auto, native, java");
        };
    LOG.info("BLAS implementation: " + chosen.getClass().getSimpleName());
    return chosen;
  }

  private static BLAS nativeOrFail() {
    try {
      return NativeBLAS.getInstance();
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException(
          "corpusencoder.blas=native but no native BLAS could be loaded ("
              + e.getMessage()
              + "); install it with: apt-get install -y libopenblas0-pthread",
          e);
    }
  }

  /** Simple class name of the active implementation (JNIBLAS, VectorBLAS, Java11BLAS...). */
  public static String implementation() {
    return IMPL.getClass().getSimpleName();
  }

  /** True when the active implementation calls a native library. */
  public static boolean isNative() {
    return IMPL instanceof NativeBLAS;
  }

  /** c[m×n] = alpha · a[m×k] · b[n×k]ᵀ + beta · c. */
  public static void gemmNT(
      int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff,
      int ldb, float beta, float[] c, int cOff, int ldc) {
    // Row-major C = A·Bᵀ is column-major Cᵀ = B·Aᵀ: swap operands and m/n.
    IMPL.sgemm("T", "N", n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
  }

  /** c[m×n] = alpha · a[m×k] · b[k×n] + beta · c. */
  public static void gemmNN(
      int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff,
      int ldb, float beta, float[] c, int cOff, int ldc) {
    IMPL.sgemm("N", "N", n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
  }
}
