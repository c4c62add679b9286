package io.corpusencoder.spark.commit;

import static io.corpusencoder.spark.job.SparkTestSupport.model;
import static io.corpusencoder.spark.job.SparkTestSupport.runJob;
import static io.corpusencoder.spark.job.SparkTestSupport.spark;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corpusencoder.core.math.Ops;
import io.corpusencoder.spark.job.JobReport;
import io.corpusencoder.spark.job.SparkTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A driver killed part-way (Runtime.halt, as kill -9, at a slice and point the test chooses),
 * then --resume: only the slices without committed output are encoded, and the result is
 * complete, duplicate-free and bitwise equal to an uninterrupted run's.
 */
class ResumeTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private Path corpus(int n) throws Exception {
    List<String> texts = SparkTestSupport.texts(n);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (i % 97 == 13) {
        lines.add("{\"id\": \"doc-" + i + "\", \"text\": broken"); // malformed: quarantined
        continue;
      }
      ObjectNode o = JSON.createObjectNode().put("id", "doc-" + i).put("text", texts.get(i));
      lines.add(o.toString());
    }
    Path p = tmp.resolve("corpus.jsonl");
    Files.write(p, lines);
    return p;
  }

  /** id -> chunk-0 vector of every output row; fails on a duplicate (id, chunk). */
  private static Map<String, float[]> rows(Path out) {
    Map<String, float[]> m = new HashMap<>();
    for (Row r : spark().read().parquet(out.toString()).select("id", "chunk", "embedding")
        .collectAsList()) {
      String key = r.getString(0) + "#" + r.getInt(1);
      List<Float> l = r.getList(2);
      float[] v = new float[l.size()];
      for (int i = 0; i < v.length; i++) v[i] = l.get(i);
      assertFalse(m.containsKey(key), "written twice: " + key);
      m.put(key, v);
    }
    return m;
  }

  private static List<String> quarantinedIds(Path out) {
    // A malformed line has no readable id field: the quarantine keeps its raw text.
    return spark().read().json(out.resolve("_quarantine").toString()).select("raw")
        .collectAsList().stream().map(r -> r.getString(0).replaceAll(".*\"(doc-\\d+)\".*", "$1"))
        .toList();
  }

  @Test
  void aDriverKilledBetweenManifestAndMovesIsResumedWithoutLossOrDuplicates() throws Exception {
    int n = 400;
    Path in = corpus(n);
    Path out = tmp.resolve("out");
    String[] job = {"--input", in.toString(), "--output", out.toString(), "--partitions", "8",
        "--slice-partitions", "1", "--long-text", "truncate"};
    // Slice 2's manifest is written, none of its files moved yet: the hardest point to resume.
    List<String> args = new ArrayList<>(List.of(job));
    args.addAll(List.of("--master", "local[1]"));
    int status = SparkTestSupport.runJobInChildJvm(tmp.resolve("killed.log"),
        List.of("-D" + SliceWriter.HALT_PROPERTY + "=2:manifest"), args.toArray(String[]::new));
    assertEquals(137, status, () -> "the driver should have halted: " + read(tmp.resolve("killed.log")));
    assertTrue(Files.exists(out.resolve("_slices/plan.json")));
    assertTrue(Files.exists(out.resolve("_slices/slice-00002.json")));
    assertFalse(Files.exists(out.resolve("_report.json")));

    // Without --resume the unfinished output is refused, saying what to do.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> runJob(job));
    assertTrue(e.getMessage().contains("add --resume"), e.getMessage());
    // With other settings, too.
    List<String> changed = new ArrayList<>(List.of(job));
    changed.addAll(List.of("--resume", "true", "--pooling", "cls"));
    e = assertThrows(IllegalArgumentException.class, () -> runJob(changed.toArray(String[]::new)));
    assertTrue(e.getMessage().contains("--pooling was model"), e.getMessage());
    // Or another prompt or Matryoshka truncation: vectors of another meaning.
    List<String> prompted = new ArrayList<>(List.of(job));
    prompted.addAll(List.of("--resume", "true", "--prompt-text", "query: "));
    e = assertThrows(IllegalArgumentException.class, () -> runJob(prompted.toArray(String[]::new)));
    assertTrue(e.getMessage().contains("--prompt-text was  in"), e.getMessage());
    List<String> truncated = new ArrayList<>(List.of(job));
    truncated.addAll(List.of("--resume", "true", "--dimensions", "128"));
    e = assertThrows(IllegalArgumentException.class,
        () -> runJob(truncated.toArray(String[]::new)));
    assertTrue(e.getMessage().contains("--dimensions was 0"), e.getMessage());
    // Or after an upgrade that changed the numerics: the plan of an older revision is refused.
    Path plan = out.resolve("_slices/plan.json");
    String planText = Files.readString(plan);
    String recorded = "\"numerics_revision\"\\s*:\\s*" + Ops.NUMERICS_REVISION;
    String older = planText.replaceAll(recorded, "\"numerics_revision\": 1");
    assertFalse(older.equals(planText), "the plan records the numerics revision: " + planText);
    Files.deleteIfExists(out.resolve("_slices/.plan.json.crc")); // Hadoop's checksum of the old text
    Files.writeString(plan, older);
    List<String> upgraded = new ArrayList<>(List.of(job));
    upgraded.addAll(List.of("--resume", "true"));
    e = assertThrows(IllegalArgumentException.class, () -> runJob(upgraded.toArray(String[]::new)));
    assertTrue(e.getMessage().contains("numerics revision differ"), e.getMessage());
    // Or a model changed under the same name (a model directory or catalog jar replaced between
    // the runs): the plan records its weights' and tokenizer's sha256, and each is compared.
    ObjectNode recordedModel = (ObjectNode) JSON.readTree(planText).get("model");
    assertEquals("all-minilm-l6-v2", recordedModel.get("model").asText(), planText);
    assertEquals(model().encoder().weightsSha256(), recordedModel.get("weights_sha256").asText());
    String otherDigest = "0".repeat(64);
    for (String field : List.of("weights_sha256", "tokenizer_sha256")) {
      ObjectNode changedModel = (ObjectNode) JSON.readTree(planText);
      ((ObjectNode) changedModel.get("model")).put(field, otherDigest);
      Files.writeString(plan, changedModel.toString());
      e = assertThrows(IllegalArgumentException.class, () -> runJob(upgraded.toArray(String[]::new)));
      assertTrue(e.getMessage().contains("another model of the name all-minilm-l6-v2: its " + field
          + " was " + otherDigest + " and is " + recordedModel.get(field).asText() + " now"),
          e.getMessage());
    }
    // A plan of an earlier version, which recorded only the name, is refused: nothing proves the
    // model is the same.
    ObjectNode earlier = (ObjectNode) JSON.readTree(planText);
    earlier.remove("model");
    Files.writeString(plan, earlier.toString());
    e = assertThrows(IllegalArgumentException.class, () -> runJob(upgraded.toArray(String[]::new)));
    assertTrue(e.getMessage().contains("begun by an earlier version"), e.getMessage());
    assertTrue(e.getMessage().contains("not its weights_sha256 and tokenizer_sha256"),
        e.getMessage());
    Files.writeString(plan, planText);
    // A file slice 2's manifest lists, gone from staging before it reached the output: the
    // resume stops naming the slice and the file, and leaves the slice log as it was.
    Path staged = out.resolve("_slices/slice-00002/data");
    String lostName = JSON.readTree(out.resolve("_slices/slice-00002.json").toFile())
        .get("files").get(0).asText();
    Path aside = tmp.resolve(lostName);
    Files.move(staged.resolve(lostName), aside);
    java.io.IOException lost = assertThrows(java.io.IOException.class,
        () -> runJob(upgraded.toArray(String[]::new)));
    assertTrue(lost.getMessage().startsWith("slice 2: " + lostName + ", listed in its manifest"),
        lost.getMessage());
    assertTrue(Files.exists(out.resolve("_slices/slice-00002.json")));
    assertFalse(Files.exists(out.resolve(lostName)));
    Files.move(aside, staged.resolve(lostName)); // restored, as the message advises

    // Resume in local[2]: another thread count, the same bits.
    List<String> resume = new ArrayList<>(List.of(job));
    resume.addAll(List.of("--resume", "true", "--batch-size", "7"));
    JobReport r = runJob(resume.toArray(String[]::new));
    @SuppressWarnings("unchecked")
    Map<String, Object> slices = (Map<String, Object>) r.fields.get("slices");
    int skipped = (Integer) slices.get("slices_skipped");
    assertTrue(skipped >= 1 && skipped < 8, "slices skipped: " + skipped);
    long skippedRecords = ((Number) slices.get("records_skipped")).longValue();
    assertTrue(skippedRecords > 0, slices.toString());
    assertEquals((long) n, r.recordsRead());
    assertEquals(n - skippedRecords, ((Number) slices.get("records_this_run")).longValue());
    assertEquals(Boolean.TRUE, r.fields.get("counts_add_up"), r.fields.toString());
    assertFalse(Files.exists(out.resolve("_slices")), "the slice log is removed when complete");
    assertTrue(Files.exists(out.resolve("_SUCCESS")));

    // Every id exactly once, in the output or the quarantine.
    Map<String, float[]> resumed = rows(out);
    List<String> bad = quarantinedIds(out);
    assertEquals(List.of("doc-13", "doc-110", "doc-207", "doc-304"),
        bad.stream().sorted((a, b) -> Integer.compare(num(a), num(b))).toList());
    assertEquals(n - bad.size(), resumed.size());
    for (int i = 0; i < n; i++) {
      assertTrue(resumed.containsKey("doc-" + i + "#0") ^ bad.contains("doc-" + i), "doc-" + i);
    }

    // The same vectors, bit for bit, as one uninterrupted run with other partitions.
    Path whole = tmp.resolve("whole");
    runJob("--input", in.toString(), "--output", whole.toString(), "--partitions", "3",
        "--long-text", "truncate");
    Map<String, float[]> expected = rows(whole);
    assertEquals(expected.keySet(), resumed.keySet());
    for (var en : expected.entrySet()) {
      assertArrayEquals(en.getValue(), resumed.get(en.getKey()), 0f, en.getKey());
    }

    // Resuming a complete output does nothing: every file but the report keeps its bytes and
    // its modification time, and none appears or goes.
    Map<String, String> before = snapshot(out);
    Thread.sleep(20); // a rewrite would show in the modification times
    runJob(resume.toArray(String[]::new));
    assertEquals(before, snapshot(out), "files of a complete output after --resume");
  }

  /** Every file under dir but _report.json: relative path to its sha256 and modification time. */
  private static Map<String, String> snapshot(Path dir) throws Exception {
    Map<String, String> m = new java.util.TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String rel = dir.relativize(p).toString();
        if (rel.equals("_report.json")) continue;
        m.put(rel, java.util.HexFormat.of().formatHex(java.security.MessageDigest
            .getInstance("SHA-256").digest(Files.readAllBytes(p)))
            + " " + Files.getLastModifiedTime(p).toMillis());
      }
    }
    return m;
  }

  private static int num(String id) {
    return Integer.parseInt(id.substring(4));
  }

  private static String read(Path p) {
    try (Stream<String> s = Files.lines(p)) {
      return String.join("\n", s.toList());
    } catch (Exception e) {
      return "(no log)";
    }
  }
}
