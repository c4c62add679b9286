package io.corpusencoder.spark.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SliceCountsTest {
  /** Every count different, so a field read, written or added under another's name shows. */
  static final SliceCounts A = new SliceCounts(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);

  @Test
  void theManifestNamesEachCountAndReadsBackTheSame() {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("partitions", 1L);
    expected.put("texts", 2L);
    expected.put("quarantined", 3L);
    expected.put("rows", 4L);
    expected.put("chunks", 5L);
    expected.put("real_tokens", 6L);
    expected.put("empty_texts", 7L);
    expected.put("truncated_texts", 8L);
    expected.put("repaired_texts", 9L);
    expected.put("repaired_invalid_utf8", 10L);
    expected.put("repaired_lone_surrogate", 11L);
    expected.put("batches", 12L);
    expected.put("tokenize_ns", 13L);
    expected.put("encode_ns", 14L);
    assertEquals(expected, A.toManifest());
    // As JSON gives it back: Integers, and the "tasks" an earlier version wrote, ignored.
    Map<String, Object> read = new LinkedHashMap<>();
    expected.forEach((k, v) -> read.put(k, ((Long) v).intValue()));
    read.put("tasks", List.of("0 1 2"));
    assertEquals(A, SliceCounts.fromManifest(read, "slice 0"));
    assertEquals(5L, A.records(), "written and quarantined");
  }

  @Test
  void sumsAddCountByCount() {
    SliceCounts b = new SliceCounts(100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100,
        1200, 1300, 1400);
    assertEquals(new SliceCounts(101, 202, 303, 404, 505, 606, 707, 808, 909, 1010, 1111, 1212,
        1313, 1414), SliceCounts.sum(List.of(A, b)));
    assertEquals(SliceCounts.ZERO, SliceCounts.sum(List.of()));
  }

  @Test
  void aManifestWithoutACountIsRefusedNamingIt() {
    Map<String, Object> m = new LinkedHashMap<>(A.toManifest());
    m.remove("real_tokens");
    var e = assertThrows(IllegalStateException.class,
        () -> SliceCounts.fromManifest(m, "the manifest of slice 3 in out/"));
    assertTrue(e.getMessage().startsWith("the manifest of slice 3 in out/: counts.real_tokens is "
        + "null, expected a number"), e.getMessage());
  }
}
