package io.corpusencoder.spark.job;

import static io.corpusencoder.spark.job.SparkTestSupport.runJob;
import static io.corpusencoder.spark.job.SparkTestSupport.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkSizingTest {
  @TempDir Path tmp;

  /**
   * The case by hand: 61,774 descriptions, 33 M characters at 0.25 tokens each = 8.25 M
   * tokens; 3,700 tokens/s per slot on 2 slots = 1,114.9 s; 60 s slices: 19 of 4 partitions.
   */
  @Test
  void slicesOfAboutAMinuteByHand() {
    WorkSizing w = WorkSizing.byWork(61_774, 33_000_000,
        new WorkSizing.Sample(256, 0.25, 3_700), 2, 60);
    assertEquals(4, w.partitionsPerSlice());
    assertEquals(76, w.workPartitions());
    assertEquals("work", w.report().get("sized_by"));
    assertEquals(8_250_000L, w.report().get("estimated_tokens"));
    assertEquals(1114.86, (double) w.report().get("estimated_work_s"), 0.01);
    // A tiny input is one slice, still two partitions per slot.
    assertEquals(4, WorkSizing.byWork(10, 500, new WorkSizing.Sample(10, 0.3, 3_700), 2, 60)
        .workPartitions());
  }

  @Test
  void optionsCutAsGiven() {
    WorkSizing w = WorkSizing.byOptions(0, 0, 1, 2);
    assertEquals(2, w.workPartitions(), "as read, but one per slot");
    assertEquals(8, w.partitionsPerSlice(), "4 per slot");
    assertEquals(Map.of("sized_by", "options"), w.report());
    assertEquals(7, WorkSizing.byOptions(7, 3, 1, 2).workPartitions());
  }

  /** One input file, read as one partition: the job still cuts it into slices by the work. */
  @Test
  @SuppressWarnings("unchecked")
  void oneFileIsCutIntoSlicesByItsWork() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    List<String> texts = SparkTestSupport.texts(400);
    for (int i = 0; i < texts.size(); i++) {
      lines.add(json.createObjectNode().put("id", i).put("text", texts.get(i)).toString());
    }
    Path in = Files.write(tmp.resolve("one.jsonl"), lines);
    Path out = tmp.resolve("out");
    JobReport r = runJob("--input", in.toString(), "--output", out.toString(),
        "--slice-seconds", "1", "--long-text", "truncate");
    Map<String, Object> slices = (Map<String, Object>) r.fields.get("slices");
    Map<String, Object> sizing = (Map<String, Object>) slices.get("sizing");
    assertEquals("work", sizing.get("sized_by"), sizing.toString());
    int slots = spark().sparkContext().defaultParallelism();
    long expectedSlices = (long) Math.ceil((double) sizing.get("estimated_work_s"));
    assertEquals(expectedSlices, ((Number) slices.get("slices")).longValue(), sizing.toString());
    assertTrue(expectedSlices >= 2, "400 texts take more than a second: " + sizing);
    assertEquals(expectedSlices * 2 * slots, ((Number) slices.get("work_partitions")).longValue());
    assertEquals(400L, ((Number) r.fields.get("records_written")).longValue());
    assertEquals(400, spark().read().parquet(out.toString()).count());
  }
}
