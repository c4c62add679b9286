package io.corpusencoder.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobReportTest {
  @Test
  void slowBlasAndUnboundedOpenBlasThreadsAreReportedWithTheirFix() {
    var tasks = JobReport.tasks(List.of(
        "1 10 1000 2000000000 3000000000 JNIBLAS 1",
        "0 5 500 1000000000 1500000000 VectorBLAS null",
        "2 7 700 1000000000 1000000000 JNIBLAS null"));
    assertEquals(0, tasks.get(0).get("partition"), "sorted by partition");
    assertEquals(333L, tasks.get(0).get("tokens_per_s"));
    List<String> w = JobReport.warnings(tasks);
    assertEquals(2, w.size());
    assertTrue(w.get(0).startsWith("1 of 3 tasks ran on VectorBLAS"), w.get(0));
    assertTrue(w.get(0).endsWith("fix: apt-get install -y libopenblas0-pthread on every node"));
    assertTrue(w.get(1).startsWith("1 of 3 tasks ran OpenBLAS without OPENBLAS_NUM_THREADS"));
    assertEquals(List.of(), JobReport.warnings(JobReport.tasks(
        List.of("0 1 10 1000 1000 JNIBLAS 1"))));
  }
}
