package io.corpusencoder.core.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The SIMD decision says which kernels run and why; a failed probe is a logged warning. */
class SimdSupportTest {
  @Test
  void aLinkageErrorWhileProbingIsWarnedWithItsReasonAndReported() {
    List<LogRecord> records = new ArrayList<>();
    Handler capture = new Handler() {
      @Override public void publish(LogRecord r) {
        records.add(r);
      }

      @Override public void flush() {}

      @Override public void close() {}
    };
    Logger log = Logger.getLogger(SimdSupport.class.getName());
    log.addHandler(capture);
    try {
      SimdSupport s = SimdSupport.probe(null, true, () -> {
        throw new NoClassDefFoundError("jdk/incubator/vector/FloatVector");
      });
      assertFalse(s.enabled());
      String expected = "scalar (the Vector API failed to load: java.lang.NoClassDefFoundError: "
          + "jdk/incubator/vector/FloatVector)";
      assertEquals(expected, s.description());
      assertEquals(1, records.size());
      assertEquals(Level.WARNING, records.get(0).getLevel());
      assertEquals("elementwise kernels: " + expected, records.get(0).getMessage());
    } finally {
      log.removeHandler(capture);
    }
  }

  @Test
  void eachPathNamesItself() {
    assertEquals("Vector API, 16 lanes", SimdSupport.probe(null, true, () -> 16).description());
    assertTrue(SimdSupport.probe(null, true, () -> 16).enabled());
    assertEquals("scalar (corpusencoder.simd=false)",
        SimdSupport.probe("false", true, () -> 16).description());
    assertEquals("scalar (jdk.incubator.vector is not loaded: --add-modules=jdk.incubator.vector "
        + "enables the SIMD kernels)", SimdSupport.probe(null, false, () -> 16).description());
  }
}
