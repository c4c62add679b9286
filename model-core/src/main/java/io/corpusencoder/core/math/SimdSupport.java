package io.corpusencoder.core.math;

import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether the elementwise kernels run on Vector API lanes or as scalar loops, and why: decided
 * once per JVM. A probe that fails (a LinkageError from a JDK whose incubator module differs) is
 * logged as a warning with its reason, and the reason stays in {@link #description()}, which
 * logs and reports carry, so a slower scalar run is never a silent one.
 */
public record SimdSupport(boolean enabled, String description) {
  private static final Logger LOG = Logger.getLogger(SimdSupport.class.getName());

  /** This JVM's: property corpusencoder.simd, the jdk.incubator.vector module, the lanes. */
  static SimdSupport probe() {
    // A lambda, not VectorKernels::lanes: a method reference links VectorKernels (and with it
    // the absent module's classes) where it is written, so a JVM without the module failed here.
    return probe(System.getProperty("corpusencoder.simd"),
        ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
        () -> VectorKernels.lanes());
  }

  /** The decision from its inputs; {@code lanes} is only called when the module is present. */
  static SimdSupport probe(String property, boolean modulePresent, IntSupplier lanes) {
    if ("false".equals(property)) {
      return scalar("scalar (corpusencoder.simd=false)", Level.INFO);
    }
    if (!modulePresent) {
      return scalar("scalar (jdk.incubator.vector is not loaded: "
          + "--add-modules=jdk.incubator.vector enables the SIMD kernels)", Level.INFO);
    }
    int n;
    try {
      n = lanes.getAsInt();
    } catch (LinkageError | RuntimeException e) {
      return scalar("scalar (the Vector API failed to load: " + e + ")", Level.WARNING);
    }
    if (n < 4) return scalar("scalar (the Vector API has " + n + " float lanes, fewer than 4)",
        Level.INFO);
    SimdSupport s = new SimdSupport(true, "Vector API, " + n + " lanes");
    LOG.info("elementwise kernels: " + s.description());
    return s;
  }

  private static SimdSupport scalar(String description, Level level) {
    LOG.log(level, "elementwise kernels: " + description);
    return new SimdSupport(false, description);
  }
}
