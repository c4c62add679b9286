package io.corpusencoder.spark.job;

import static io.corpusencoder.spark.job.SparkTestSupport.runJob;
import static io.corpusencoder.spark.job.SparkTestSupport.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.spark.commit.SliceCounts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobProgressTest {
  @TempDir Path tmp;

  private static SliceCounts slice(long texts, long quarantined, long tokens) {
    return new SliceCounts(1, texts, quarantined, texts, texts, tokens, 0, 0, 0, 0, 0, 1, 0, 0);
  }

  /** Counts, rates and time left worked out by hand on a clock the test moves. */
  @Test
  void countsRatesAndTimeLeft() {
    AtomicLong now = new AtomicLong(5_000_000_000L);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    JobProgress p = new JobProgress(1000, 4, new TreeMap<>(), out, now::get);
    assertEquals("records 0 of 1,000 (0%), 0 tokens, slices 0 of 4", p.summary());
    now.addAndGet(4_000_000_000L);
    p.sliceCommitted(1, slice(240, 10, 1000));
    now.addAndGet(6_000_000_000L);
    p.sliceCommitted(0, slice(250, 0, 2000));
    // 500 records and 3,000 tokens in 10 s: 300 tokens/s, 500 records left at 50 records/s.
    assertEquals("records 500 of 1,000 (50%), 3,000 tokens, slices 2 of 4, 300 tokens/s, "
        + "about 10 s left", p.summary());
    assertEquals("corpus-encoder: slice 2 committed; records 250 of 1,000 (25%), 1,000 tokens, "
        + "slices 1 of 4, 250 tokens/s, about 12 s left\n"
        + "corpus-encoder: slice 1 committed; " + p.summary() + "\n",
        buf.toString(StandardCharsets.UTF_8));
  }

  /** A resumed job counts its earlier slices as done, but its rates are this run's alone. */
  @Test
  void resumedJobRatesAreThisRunsOnly() {
    AtomicLong now = new AtomicLong(0);
    Map<Integer, SliceCounts> before = new TreeMap<>();
    before.put(0, slice(3000, 0, 900_000));
    JobProgress p = new JobProgress(6000, 2, before, new PrintStream(new ByteArrayOutputStream()),
        now::get);
    assertEquals("records 3,000 of 6,000 (50%), 900,000 tokens, slices 1 of 2", p.summary());
    now.set(120_000_000_000L);
    p.sliceCommitted(1, slice(2000, 0, 240_000));
    assertEquals("records 5,000 of 6,000 (83%), 1,140,000 tokens, slices 2 of 2, 2,000 tokens/s, "
        + "about 1 min left", p.summary());
    assertEquals("2 h 05 min", JobProgress.duration(7_500));
  }

  /** The job prints a line per slice and the Spark UI's descriptions carry the progress. */
  @Test
  void jobShowsProgressOnTheConsoleAndInTheSparkUi() throws Exception {
    List<String> lines = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < 40; i++) {
      lines.add(json.createObjectNode().put("id", i).put("text", "text number " + i).toString());
    }
    Path in = Files.write(tmp.resolve("in.jsonl"), lines);
    List<String> descriptions = Collections.synchronizedList(new ArrayList<>());
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        String d = start.properties().getProperty("spark.job.description");
        if (d != null) descriptions.add(d);
      }
    };
    spark().sparkContext().addSparkListener(listener);
    PrintStream console = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      runJob("--input", in.toString(), "--output", tmp.resolve("out").toString(),
          "--partitions", "4", "--slice-partitions", "1");
    } finally {
      System.setOut(console);
      spark().sparkContext().removeSparkListener(listener);
    }
    List<String> progress = buf.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains(" committed; records ")).toList();
    assertEquals(4, progress.size(), buf.toString(StandardCharsets.UTF_8));
    assertTrue(progress.get(3).contains("records 40 of 40 (100%)"), progress.get(3));
    assertTrue(progress.get(3).contains("slices 4 of 4"), progress.get(3));
    spark().sparkContext().listenerBus().waitUntilEmpty();
    assertTrue(descriptions.stream().anyMatch(d -> d.contains("slice 4 of 4")
        && d.contains("| records ") && d.contains(" of 40 ")), String.join("\n", descriptions));
  }
}
