package io.corpusencoder.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.math.Blas;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a check with native OpenBLAS on one thread, as the scripts and the job run it: in this JVM
 * when it already is (OPENBLAS_NUM_THREADS=1, or no native BLAS), else in a child JVM with
 * OPENBLAS_NUM_THREADS=1. A multi-threaded OpenBLAS splits a product among its threads by the
 * product's width, so bitwise batch invariance can only be checked on one thread.
 */
final class OneBlasThread {
  private OneBlasThread() {}

  /** Runs the static no-argument method {@code method} of {@code owner}. */
  static void run(Class<?> owner, String method) throws Throwable {
    if (!Blas.isNative() || "1".equals(System.getenv("OPENBLAS_NUM_THREADS"))) {
      invoke(owner.getName(), method);
      return;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-")) cmd.add(a); // the Vector API module, as this JVM has it
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        OneBlasThread.class.getName(), owner.getName(), method));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child JVM finished");
    assertEquals(0, p.exitValue(), owner.getSimpleName() + "." + method
        + " with OPENBLAS_NUM_THREADS=1 (child JVM):\n" + new String(out, StandardCharsets.UTF_8));
  }

  /** Child JVM entry: args = class name, method name; exit status 0 when the check passed. */
  public static void main(String[] args) {
    try {
      invoke(args[0], args[1]);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void invoke(String owner, String method) throws Throwable {
    Method m = Class.forName(owner).getDeclaredMethod(method);
    m.setAccessible(true);
    try {
      m.invoke(null);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
