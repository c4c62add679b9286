package io.corpusencoder.spark.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.spark.job.JobOptions;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/tune.sh's report from measurements, and the cost model's arithmetic. */
class TuneReportTest {
  @TempDir Path tmp;

  private static Map<String, Object> measurements() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("model", "all-minilm-l6-v2");
    r.put("input", "/data/corpus.jsonl");
    r.put("cores", 2);
    r.put("corpus_docs", 12000L);
    r.put("sample_docs", 1000);
    r.put("tokens_per_doc", 96.27);
    r.put("length_percentiles", Map.of("p50", 78, "p90", 173));
    r.put("length_histogram", Map.of("bins", List.of("0-15", "16-31", "32+"),
        "documents", List.of(10, 400, 590)));
    r.put("sweep_batch_tokens", List.of(Map.of("batch_tokens", 1024, "tokens_per_s", 3811L),
        Map.of("batch_tokens", 4096, "tokens_per_s", 3907L)));
    r.put("sweep_max_length", List.of(Map.of("max_length", 128, "tokens_per_s", 3968L,
        "chunks_per_doc", 1.4)));
    r.put("sweep_slots_vs_blas_threads", List.of(
        Map.of("slots", 1, "blas_threads", 1, "tokens_per_s", 4011L),
        Map.of("slots", 2, "blas_threads", 1, "tokens_per_s", 7826L),
        Map.of("slots", 1, "blas_threads", 2, "tokens_per_s", 6691L)));
    r.put("sweep_partitions", List.of(Map.of("partitions", 2, "tokens_per_s", 6578.0),
        Map.of("partitions", 4, "tokens_per_s", 7148.0)));
    r.put("recommended", Map.of("batch-tokens", "4096", "partitions", "4"));
    r.put("defaults_tokens_per_s", 7376L);
    r.put("recommended_tokens_per_s", 7473L);
    r.put("stage_breakdown", Map.of("model_load_s", 0.563, "tasks_encode_s", 19.744));
    r.put("cost_model", new CostModel(96.27, 3851, 3947, 4.5, 6.0, 91_016_740L, 62_914_560L)
        .asMap());
    r.put("tune_seconds", 238L);
    return r;
  }

  @Test
  void theReportHoldsTheMeasuredNumbersAndItsCharts() throws Exception {
    Map<String, Object> r = measurements();
    Path html = TuneReport.write(tmp, r);
    String page = Files.readString(html);
    for (String figure : List.of("7376", "7473", "3811", "3907", "6691", "7826", "7148", "6578",
        "12000", "96.270", "all-minilm-l6-v2")) {
      assertTrue(page.contains(figure), "the page shows " + figure);
    }
    for (String png : List.of("tokens-vs-batch-tokens.png", "tokens-vs-max-length.png",
        "tokens-vs-slots.png", "tokens-vs-partitions.png", "stage-times.png",
        "length-histogram.png")) {
      BufferedImage img = ImageIO.read(tmp.resolve(png).toFile());
      assertNotNull(img, png + " is a PNG");
      assertEquals(720, img.getWidth());
      assertTrue(page.contains("alt=\"" + png + "\""), png + " is in the page");
    }
    assertEquals(6, page.split("data:image/png;base64,").length - 1);
  }

  @Test
  void recommendedPropertiesAreAcceptedByTheJobAsTheyAre() throws Exception {
    Map<String, Object> r = measurements();
    @SuppressWarnings("unchecked")
    Map<String, String> rec = (Map<String, String>) r.get("recommended");
    Path p = TuneReport.writeRecommended(tmp, rec, r);
    JobOptions o = JobOptions.parse(new String[] {"--conf", p.toString(), "--input", "x",
        "--output", "y"}, Map.of());
    assertEquals(4096, o.getInt("batch-tokens"));
    assertEquals(4, o.getInt("partitions"));
    assertEquals("all-minilm-l6-v2", o.get("model"));
  }

  @Test
  void costModelByHand() {
    CostModel cm = new CostModel(100, 4000, 5000, 5, 7, 100_000_000L, 60_000_000L);
    // 10,000 docs x 100 tokens = 1e6 tokens; one slot alone at 5000/s: 200 s + 5 s start.
    assertEquals(205, cm.wallSeconds(10_000, 1, 1, false), 1e-9);
    // 2 x 4 slots at 4000/s each: 31.25 s + 5 s + 7 s for fresh executors.
    assertEquals(43.25, cm.wallSeconds(10_000, 2, 4, true), 1e-9);
    // memory: 2 x model + 4 tasks' activations + 512 MiB.
    assertEquals(200_000_000L + 240_000_000L + 536_870_912L, cm.executorMemoryBytes(4));
    assertEquals(cm, CostModel.fromMap(cm.asMap()));
  }

  @Test
  void badArgumentsInputAndModelAreRefusedBeforeMeasuring() throws Exception {
    String out = tmp.resolve("t").toString();
    Map<String[], String> cases = new LinkedHashMap<>();
    cases.put(new String[] {"--output", out}, "--input is required");
    cases.put(new String[] {"--input", tmp.resolve("missing.jsonl").toString(), "--output", out},
        "missing.jsonl does not exist");
    cases.put(new String[] {"--input", "x", "--output", out, "--cores", "0"},
        "--cores \"0\" is not valid; expected a positive integer");
    cases.put(new String[] {"--predict", "--tuned", tmp.toString()}, "has no tune.json");
    cases.put(new String[] {"--input"}, "--input needs a value");
    Path corpus = Files.writeString(tmp.resolve("c.jsonl"), "{\"text\": \"a\"}\n");
    cases.put(new String[] {"--input", corpus.toString(), "--output", out, "--model",
        "no-such-model"}, "--model no-such-model");
    for (var c : cases.entrySet()) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> TuneMain.run(c.getKey()));
      assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
    }
  }
}
