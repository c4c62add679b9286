package io.corpusencoder.spark.job;

import static io.corpusencoder.spark.job.SparkTestSupport.model;
import static io.corpusencoder.spark.job.SparkTestSupport.runJob;
import static io.corpusencoder.spark.job.SparkTestSupport.spark;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelCatalog;
import io.corpusencoder.core.math.Ops;
import io.corpusencoder.core.tokenize.Encoding;
import io.corpusencoder.spark.tune.Tuner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job end to end on Spark local[2]: inputs, outputs, chunking, quarantine, report. */
class EncodeJobTest {
  /**
   * Only for the document vector, which the test averages itself (another summation order than
   * the job's); every vector the job and model-core both compute must be bit for bit the same.
   */
  static final float MEAN_TOLERANCE = 1e-6f;

  /** Same bits (floatToRawIntBits), element by element. */
  static void assertSameBits(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
          what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
    }
  }

  static float[] floats(List<Float> v) {
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) out[i] = v.get(i);
    return out;
  }
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private Path jsonl(String name, List<String> lines) throws Exception {
    Path p = tmp.resolve(name);
    Files.write(p, lines);
    return p;
  }

  private Path corpus(List<String> texts) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      ObjectNode n = JSON.createObjectNode().put("id", "doc-" + i).put("text", texts.get(i))
          .put("lang", i % 2 == 0 ? "en" : "xx");
      lines.add(n.toString());
    }
    return jsonl("corpus.jsonl", lines);
  }

  private static Map<String, float[]> vectors(Dataset<Row> out) {
    Map<String, float[]> m = new HashMap<>();
    for (Row r : out.select("id", "embedding", "chunk").collectAsList()) {
      if (r.getInt(2) != 0) continue;
      List<Float> l = r.getList(1);
      float[] v = new float[l.size()];
      for (int i = 0; i < v.length; i++) v[i] = l.get(i);
      m.put(r.getString(0), v);
    }
    return m;
  }

  @Test
  void everyVectorEqualsModelCoresWhateverThePartitioningAndBatchSize() throws Exception {
    List<String> texts = SparkTestSupport.texts(60);
    Path in = corpus(texts);
    EmbeddingModel m = model();
    Map<String, float[]> a = new HashMap<>(), b = new HashMap<>();
    runJob("--input", in.toString(), "--output", tmp.resolve("p1").toString(), "--partitions", "1",
        "--batch-size", "64", "--long-text", "truncate");
    a.putAll(vectors(spark().read().parquet(tmp.resolve("p1").toString())));
    runJob("--input", in.toString(), "--output", tmp.resolve("p7").toString(), "--partitions", "7",
        "--batch-size", "1", "--batch-tokens", "50", "--sort-window", "3", "--long-text", "truncate");
    b.putAll(vectors(spark().read().parquet(tmp.resolve("p7").toString())));
    assertEquals(60, a.size());
    assertEquals(60, b.size());
    for (int i = 0; i < texts.size(); i++) {
      float[] expected = m.embed(List.of(texts.get(i))).get(0).vector();
      assertSameBits(expected, a.get("doc-" + i), "1 partition, text " + i);
      // Deterministic: other partitions, batches and batch neighbours give the very same bits.
      assertSameBits(a.get("doc-" + i), b.get("doc-" + i), "7 partitions, batch 1, text " + i);
    }
  }

  @Test
  void malformedRecordsGoToQuarantineAndTheCountsAddUp() throws Exception {
    Path in = jsonl("mixed.jsonl", List.of(
        "{\"id\": \"good\", \"text\": \"a fine record\", \"lang\": \"en\"}",
        "{\"id\": \"nulltext\", \"text\": null}",
        "this is not json",
        "",
        "{\"id\": \"num\", \"text\": 42}",
        "{\"id\": \"missing\"}",
        "[1, 2, 3]",
        "{\"id\": \"blank\", \"text\": \" \\t \"}",
        "{\"text\": \"derived id\"}"));
    Path out = tmp.resolve("q");
    JobReport r = runJob("--input", in.toString(), "--output", out.toString(),
        "--keep-columns", "lang", "--max-bad-fraction", "0.5");
    assertEquals(8L, r.fields.get("records_read"), "the blank line is not a record");
    assertEquals(4L, r.fields.get("records_written"));
    assertEquals(4L, r.fields.get("records_quarantined"));
    assertEquals(true, r.fields.get("counts_add_up"));
    assertEquals(2L, r.fields.get("empty_texts"));
    Dataset<Row> rows = spark().read().parquet(out.toString());
    Map<String, Row> byId = new HashMap<>();
    for (Row row : rows.collectAsList()) byId.put(row.getAs("id"), row);
    assertEquals(4, byId.size());
    assertTrue((Boolean) byId.get("nulltext").getAs("empty"));
    assertTrue((Boolean) byId.get("blank").getAs("empty"));
    assertFalse((Boolean) byId.get("good").getAs("empty"));
    assertEquals("en", byId.get("good").getAs("lang"));
    String derived = in.toUri().toString().replace("file:///", "file:/") + ":";
    assertTrue(byId.keySet().stream().anyMatch(id -> id.startsWith(derived)), byId.keySet().toString());
    // An empty text's vector is the model's vector for "[CLS] [SEP]".
    float[] emptyVec = model().embed(List.of("")).get(0).vector();
    List<Float> got = byId.get("nulltext").getList(byId.get("nulltext").fieldIndex("embedding"));
    assertSameBits(emptyVec, floats(got), "the empty text");

    List<JsonNode> q = new ArrayList<>();
    for (File f : out.resolve("_quarantine").toFile().listFiles((d, n) -> n.startsWith("part-"))) {
      for (String l : Files.readAllLines(f.toPath())) q.add(JSON.readTree(l));
    }
    assertEquals(4, q.size());
    Map<String, String> reasonByRaw = new HashMap<>();
    for (JsonNode n : q) {
      assertTrue(n.get("source").asText().startsWith("file:"), n.toString());
      reasonByRaw.put(n.get("raw").asText(), n.get("reason").asText());
    }
    assertTrue(reasonByRaw.get("this is not json").startsWith("not valid JSON"));
    assertEquals("field \"text\" must be a string, got number",
        reasonByRaw.get("{\"id\": \"num\", \"text\": 42}"));
    assertEquals("field \"text\" is missing", reasonByRaw.get("{\"id\": \"missing\"}"));
    assertEquals("expected a JSON object, got array", reasonByRaw.get("[1, 2, 3]"));
    JsonNode report = JSON.readTree(out.resolve("_report.json").toFile());
    assertEquals(8, report.get("records_read").asInt());
    assertTrue(report.get("tasks").size() >= 1);
    assertEquals(io.corpusencoder.core.math.Blas.implementation(),
        report.get("tasks").get(0).get("blas").asText());
    assertTrue(report.get("warnings").isArray());
    assertEquals("all-minilm-l6-v2", report.get("model").get("model").asText());
  }

  /**
   * Each task's entry in _report.json against figures that reach the report another way: the
   * slices' counters (Spark accumulators apart from the task records), the plan's partitions and
   * this JVM's own BLAS, SIMD, executor and clock. Texts are chunked and batches small, so texts,
   * chunks, tokens and batches all differ: any two per-task fields swapped on their way from the
   * executor fail it.
   */
  @Test
  void perTaskFiguresAddUpToTheJobsCountersAndNameTheirExecutor() throws Exception {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      texts.add(String.join(" ", SparkTestSupport.texts(1 + i % 4)).trim());
    }
    Path in = corpus(texts);
    Path out = tmp.resolve("tasks");
    long before = System.currentTimeMillis();
    runJob("--input", in.toString(), "--output", out.toString(), "--partitions", "3",
        "--max-length", "16", "--batch-size", "2");
    long after = System.currentTimeMillis();
    JsonNode r = JSON.readTree(out.resolve("_report.json").toFile());
    JsonNode tasks = r.get("tasks");
    assertEquals(3, tasks.size(), tasks.toString());
    long texts0 = 0, tokens = 0, batches = 0, chunks = 0;
    double encode = 0, tokenize = 0;
    for (int i = 0; i < tasks.size(); i++) {
      JsonNode t = tasks.get(i);
      String what = "task " + t;
      assertEquals(i, t.get("partition").asInt(), what);
      texts0 += t.get("texts").asLong();
      tokens += t.get("real_tokens").asLong();
      batches += t.get("batches").asLong();
      chunks += Math.round(t.get("mean_batch_texts").asDouble() * t.get("batches").asLong());
      encode += t.get("encode_s").asDouble();
      tokenize += t.get("read_tokenize_s").asDouble();
      double taskS = t.get("task_s").asDouble();
      assertTrue(t.get("encode_s").asDouble() + t.get("read_tokenize_s").asDouble()
          <= taskS + 0.002, what);
      assertEquals(Math.max(0, taskS - t.get("encode_s").asDouble()
          - t.get("read_tokenize_s").asDouble()), t.get("write_s").asDouble(), 0.002, what);
      assertEquals(Math.round(t.get("real_tokens").asLong() / taskS),
          t.get("tokens_per_s").asDouble(), 0.01 * t.get("tokens_per_s").asDouble() + 1, what);
      long arrived = t.get("model_arrived_epoch_ms").asLong();
      assertTrue(arrived >= before && arrived <= after, what);
      assertTrue(t.get("model_fetch_s").asDouble() <= r.get("wall_s").asDouble(), what);
      assertEquals("driver", t.get("executor").asText(), "local mode: " + what);
      assertEquals(io.corpusencoder.core.math.Blas.implementation(), t.get("blas").asText());
      assertEquals(Ops.simd(), t.get("simd").asText());
      assertEquals(String.valueOf(System.getenv("OPENBLAS_NUM_THREADS")),
          t.get("openblas_num_threads").asText());
    }
    assertEquals(r.get("records_written").asLong(), texts0);
    assertEquals(r.get("real_tokens").asLong(), tokens);
    assertEquals(r.get("batches").asLong(), batches);
    assertEquals(r.get("chunks").asLong(), chunks);
    assertTrue(chunks > texts0 && batches > 3 && tokens > chunks, r.toString());
    double rounding = 0.0005 * (tasks.size() + 1);
    assertEquals(r.get("stages").get("encode_task_s").asDouble(), encode, rounding);
    assertEquals(r.get("stages").get("tokenize_task_s").asDouble(), tokenize, rounding);
    JsonNode executors = r.get("executors");
    assertEquals(1, executors.size(), executors.toString());
    assertEquals("driver", executors.get(0).get("executor").asText());
    assertEquals(3, executors.get(0).get("tasks").asInt());
    assertEquals(tokens, executors.get(0).get("real_tokens").asLong());
    assertEquals(Ops.simd(), executors.get(0).get("simd").asText());
    assertEquals(io.corpusencoder.core.math.Blas.implementation(),
        executors.get(0).get("blas").asText());
  }

  /**
   * Both doors agree on every text (issue 11, item 9): invalid UTF-8 bytes and lone surrogate
   * escapes are repaired to U+FFFD the same way by the job and by scripts/embed.sh (EmbedCli, run
   * as a user runs it), which give the same bits and flag the text the same way; a valid pair, a
   * genuine U+FFFD and a bad byte outside the text are not flagged; the report's counts add up.
   */
  @Test
  void repairedTextsGetTheSameVectorsFromTheJobAndTheCliAndAreFlagged() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // a BOM, as editors write
    write(bytes, "{\"id\": \"plain\", \"text\": \"nothing to repair\"}\n");
    write(bytes, "{\"id\": \"lone\", \"text\": \"a lone \\ud800 high surrogate\"}\n");
    write(bytes, "{\"id\": \"reversed\", \"text\": \"reversed \\udc00\\ud800 pair\"}\n");
    write(bytes, "{\"id\": \"bytes\", \"text\": \"bad ", 0xC3, 0x28, " bytes\"}\n");
    write(bytes, "{\"id\": \"both\", \"text\": \"", 0xFF, " and \\udfff\"}\n");
    write(bytes, "{\"id\": \"pair\", \"text\": \"emoji \\ud83d\\ude00 ok\"}\r\n");
    write(bytes, "{\"id\": \"genuine\", \"text\": \"real \uFFFD char\"}\n");
    write(bytes, "{\"id\": \"elsewhere\", \"note\": \"", 0xC3, 0x28, "\", \"text\": \"clean\"}\n");
    write(bytes, 0xFF, 0xFE, " not json\n");
    Path in = tmp.resolve("repair.jsonl");
    Files.write(in, bytes.toByteArray());
    Map<String, String> flag = new HashMap<>();
    flag.put("lone", "lone_surrogate");
    flag.put("reversed", "lone_surrogate");
    flag.put("bytes", "invalid_utf8");
    flag.put("both", "invalid_utf8,lone_surrogate");
    Map<String, String> text = Map.of("plain", "nothing to repair",
        "lone", "a lone \uFFFD high surrogate", "reversed", "reversed \uFFFD\uFFFD pair",
        "bytes", "bad \uFFFD( bytes", "both", "\uFFFD and \uFFFD",
        "pair", "emoji \uD83D\uDE00 ok", "genuine", "real \uFFFD char", "elsewhere", "clean");

    Path out = tmp.resolve("repair-out");
    // One partition: the job packs the eight texts into one batch, as the CLI does. (With OpenBLAS
    // a vector's last bits depend on which texts share its batch, in either door.)
    JobReport r = runJob("--input", in.toString(), "--output", out.toString(),
        "--max-bad-fraction", "0.5", "--partitions", "1");
    assertEquals(9L, r.fields.get("records_read"));
    assertEquals(8L, r.fields.get("records_written"));
    assertEquals(1L, r.fields.get("records_quarantined"));
    assertEquals(true, r.fields.get("counts_add_up"));
    assertEquals(4L, r.fields.get("repaired_texts"));
    assertEquals(Map.of("invalid_utf8", 2L, "lone_surrogate", 3L),
        r.fields.get("repaired_by_reason"));
    assertTrue(r.summary().contains(", 1 quarantined, 4 texts repaired (2 with invalid UTF-8, 3 "
        + "with lone surrogates; see text_repaired);"), r.summary());
    Map<String, float[]> job = vectors(spark().read().parquet(out.toString()));
    Map<String, String> jobFlag = new HashMap<>();
    for (Row row : spark().read().parquet(out.toString()).select("id", "text_repaired")
        .collectAsList()) {
      if (!row.isNullAt(1)) jobFlag.put(row.getString(0), row.getString(1));
    }
    assertEquals(flag, jobFlag);

    Path cliOut = tmp.resolve("repair-cli.jsonl");
    List<String> cmd = Tuner.javaCommand("-Xmx1g");
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "io.corpusencoder.core.cli.EmbedCli", "--model", "all-minilm-l6-v2",
        "--input", in.toString(), "--output", cliOut.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("cli.log").toFile()).start();
    assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "EmbedCli finished");
    assertEquals(1, p.exitValue(), "one line is not JSON: " + Files.readString(tmp.resolve("cli.log")));
    List<String> cliLines = Files.readAllLines(cliOut);
    assertEquals(9, cliLines.size());
    assertTrue(JSON.readTree(cliLines.get(8)).has("error"), cliLines.get(8));
    EmbeddingModel m = model();
    for (String line : cliLines.subList(0, 8)) {
      JsonNode n = JSON.readTree(line);
      String id = n.get("id").asText();
      assertEquals(flag.get(id), n.has("text_repaired") ? n.get("text_repaired").asText() : null,
          "the CLI's flag for " + id);
      float[] cli = new float[n.get("embedding").size()];
      for (int i = 0; i < cli.length; i++) cli[i] = n.get("embedding").get(i).floatValue();
      assertArrayEquals(cli, job.get(id), 0f, "the job and the CLI give the same bits for " + id);
      // The repaired text is what both encoded: U+FFFD, not the '?' a Spark string would hold.
      float[] expected = m.embed(List.of(text.get(id))).get(0).vector();
      assertSameBits(expected, job.get(id), "model-core on the repaired " + id);
    }
  }

  private static void write(java.io.ByteArrayOutputStream out, Object... parts) throws Exception {
    for (Object part : parts) {
      if (part instanceof String s) out.write(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      else out.write((Integer) part);
    }
  }

  @Test
  void tooManyMalformedRecordsFailTheJobAndWriteNothing() throws Exception {
    Path in = jsonl("bad.jsonl", List.of("{\"text\": \"ok\"}", "oops", "oops again"));
    Path out = tmp.resolve("never");
    var e = assertThrows(EncodeJob.JobFailedException.class,
        () -> runJob("--input", in.toString(), "--output", out.toString()));
    assertTrue(e.getMessage().startsWith("2 of 3 records are malformed (66.67%), more than "
        + "--max-bad-fraction 0.05; nothing was written."), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void longTextsAreChunkedWithSpansThatCoverTheTextAndTheStrideRespected() throws Exception {
    String text = String.join(" ", SparkTestSupport.texts(12)).trim();
    Path in = jsonl("long.jsonl", List.of(JSON.createObjectNode().put("id", "long")
        .put("text", text).toString()));
    Path out = tmp.resolve("chunks");
    int maxLength = 16, stride = 4;
    runJob("--input", in.toString(), "--output", out.toString(), "--max-length", "16",
        "--stride", "4", "--doc-vector", "true", "--token-vectors", "true");
    List<Row> rows = new ArrayList<>(spark().read().parquet(out.toString()).orderBy("chunk")
        .collectAsList());
    Row doc = rows.remove(0);
    assertEquals(-1, (int) doc.getAs("chunk"));
    EmbeddingModel m = model().withMaxLength(maxLength);
    Encoding all = m.tokenizer().tokenize(text);
    int window = maxLength - 2;
    int expectedChunks = 1 + (int) Math.ceil((all.length() - window) / (double) (window - stride));
    assertEquals(expectedChunks, rows.size());
    float[] mean = new float[m.dimension()];
    int covered = 0;
    for (int c = 0; c < rows.size(); c++) {
      Row r = rows.get(c);
      assertEquals(c, (int) r.getAs("chunk"));
      List<Integer> ids = r.getList(r.fieldIndex("token_ids"));
      assertTrue(ids.size() <= maxLength);
      int first = c * (window - stride);
      for (int t = 1; t < ids.size() - 1; t++) {
        assertEquals(all.ids()[first + t - 1], ids.get(t), "chunk " + c + " token " + t);
      }
      assertEquals(all.starts()[first], (int) r.getAs("start"), "chunk " + c + " start");
      assertEquals(all.ends()[first + ids.size() - 3], (int) r.getAs("end"), "chunk " + c + " end");
      assertTrue((int) r.getAs("start") <= covered, "no gap before chunk " + c);
      covered = r.getAs("end");
      // The chunk's vector is model-core's for the same tokens.
      int[] idArr = ids.stream().mapToInt(Integer::intValue).toArray();
      Encoding enc = new Encoding(idArr, new int[idArr.length], ones(idArr.length),
          new int[idArr.length], new int[idArr.length], new boolean[idArr.length], false);
      float[] expected = m.embedEncodings(List.of(enc), false, false).get(0).vector();
      List<Float> got = r.getList(r.fieldIndex("embedding"));
      assertSameBits(expected, floats(got), "chunk " + c);
      for (int i = 0; i < expected.length; i++) mean[i] += expected[i] / rows.size();
      List<?> vecs = r.getList(r.fieldIndex("token_vectors"));
      assertEquals(ids.size(), vecs.size());
    }
    assertEquals(text.length(), covered, "the last chunk ends where the text's last token does");
    Ops.l2NormalizeInPlace(mean, 0, mean.length);
    List<Float> docVec = doc.getList(doc.fieldIndex("embedding"));
    for (int i = 0; i < mean.length; i++) assertEquals(mean[i], docVec.get(i), MEAN_TOLERANCE);
  }

  private static int[] ones(int n) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, 1);
    return a;
  }

  @Test
  void parquetFootersCarryTheModelIdentityAndSettings() throws Exception {
    Path in = corpus(SparkTestSupport.texts(5));
    Path out = tmp.resolve("meta");
    JobReport report = runJob("--input", in.toString(), "--output", out.toString());
    Metadata md = spark().read().parquet(out.toString()).schema().apply("embedding").metadata();
    assertEquals("all-minilm-l6-v2", md.getString("model"));
    // One identity: the parameters' digest, which the executors verify on the broadcast's
    // arrival, in the footer and everywhere in the report; and the tokenizer file's digest.
    String weights = md.getString("weights_sha256");
    assertEquals(model().encoder().weightsSha256(), weights);
    @SuppressWarnings("unchecked")
    Map<String, Object> reportModel = (Map<String, Object>) report.fields.get("model");
    assertEquals(weights, reportModel.get("weights_sha256"));
    @SuppressWarnings("unchecked")
    Map<String, Object> broadcast = (Map<String, Object>) report.fields.get("broadcast");
    assertEquals(weights, broadcast.get("weights_sha256"));
    // The size Spark stored for the broadcast's pieces (LZ4-compressed by default): near the
    // model's Java serialization, counted here as it streams, and never above it by more than
    // LZ4's framing (a count of one 8 MB piece, or of none, fails).
    long javaSerialized = JobReport.serializedSize(model());
    long shipped = ((Number) broadcast.get("serialized_bytes")).longValue();
    assertTrue(shipped > 0.8 * javaSerialized && shipped < 1.01 * javaSerialized,
        "broadcast pieces " + shipped + " bytes, Java serialization " + javaSerialized);
    String tokenizerJson = ModelCatalog.find("all-minilm-l6-v2").orElseThrow().tokenizerEntry();
    try (var tok = getClass().getClassLoader().getResourceAsStream(tokenizerJson)) {
      String expected = HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(tok.readAllBytes()));
      assertEquals(expected, md.getString("tokenizer_sha256"), "sha256sum of " + tokenizerJson);
      assertEquals(expected, reportModel.get("tokenizer_sha256"));
    }
    assertFalse(md.contains("model_sha256"), "the file digest of earlier versions is gone");
    assertEquals(384, md.getLong("dimension"));
    assertEquals("mean", md.getString("pooling"));
    assertTrue(md.getBoolean("normalize"));
    assertEquals(256, md.getLong("max_length"));
    assertEquals(Ops.NUMERICS_REVISION, md.getLong("numerics_revision"));
    File part = out.toFile().listFiles((d, n) -> n.endsWith(".parquet"))[0];
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(part.toURI()), new Configuration()))) {
      String kv = reader.getFooter().getFileMetaData().getKeyValueMetaData()
          .get("org.apache.spark.sql.parquet.row.metadata");
      assertNotNull(kv);
      assertTrue(kv.contains(weights), "weights_sha256 in the raw Parquet footer");
      // Dictionary encoding is off by default (useless on distinct floats, ~2% of task time).
      for (var block : reader.getFooter().getBlocks()) {
        for (var column : block.getColumns()) {
          assertFalse(column.hasDictionaryPage(), column.getPath() + " has a dictionary page");
        }
      }
    }
  }

  @Test
  void readsTextCsvParquetAndAnySparkSource() throws Exception {
    // text, one document per line: ids from file and byte offset
    Path lines = tmp.resolve("lines.txt");
    Files.writeString(lines, "first line\nsecond line\n\nfourth\n");
    JobReport t = runJob("--input", lines.toString(), "--input-format", "text",
        "--output", tmp.resolve("t").toString(), "--output-format", "jsonl");
    assertEquals(4L, t.fields.get("records_read"));
    assertEquals(1L, t.fields.get("empty_texts"));
    // text, one document per file
    Path dir = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(dir.resolve("a.txt"), "document A\nspans lines");
    Files.writeString(dir.resolve("b.txt"), "document B");
    JobReport f = runJob("--input", dir.toString(), "--input-format", "text", "--text-unit",
        "file", "--output", tmp.resolve("f").toString());
    assertEquals(2L, f.fields.get("records_read"));
    List<String> ids = spark().read().parquet(tmp.resolve("f").toString()).select("id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertTrue(ids.stream().anyMatch(id -> id.endsWith("/docs/a.txt")), ids.toString());
    // CSV with a header and one row with the wrong number of fields
    Path csv = tmp.resolve("in.csv");
    Files.writeString(csv, "id,text,lang\n1,\"hello, world\",en\n2,bonjour,fr\n3,too,many,fields\n"
        + "4,\"multi\nline\",en\n");
    JobReport c = runJob("--input", csv.toString(), "--input-format", "csv", "--keep-columns",
        "lang", "--output", tmp.resolve("c").toString(), "--max-bad-fraction", "0.5");
    assertEquals(3L, c.fields.get("records_written") , c.fields.toString());
    assertEquals(1L, c.fields.get("records_quarantined"));
    // Parquet written by Spark, without an id column: ids are FILE:ROW_INDEX
    StructType schema = new StructType().add("body", DataTypes.StringType).add("n", DataTypes.IntegerType);
    List<Row> data = List.of(RowFactory.create("alpha", 1), RowFactory.create("beta", 2),
        RowFactory.create(null, 3));
    spark().createDataFrame(data, schema).coalesce(1).write().parquet(tmp.resolve("pq").toString());
    JobReport p = runJob("--input", tmp.resolve("pq").toString(), "--input-format", "parquet",
        "--text-column", "body", "--keep-columns", "n", "--output", tmp.resolve("po").toString());
    assertEquals(3L, p.fields.get("records_written"));
    List<Row> po = spark().read().parquet(tmp.resolve("po").toString()).orderBy("n").collectAsList();
    assertTrue(po.get(0).getString(0).endsWith(".parquet:0"), po.get(0).getString(0));
    assertTrue((Boolean) po.get(2).getAs("empty"));
    // Any Spark source by name: Spark's own JSON reader
    JobReport j = runJob("--input", corpus(SparkTestSupport.texts(4)).toString(), "--input-format",
        "json", "--output", tmp.resolve("j").toString());
    assertEquals(4L, j.fields.get("records_written"));
  }

  @Test
  void jsonlOutputAndVectorColumns() throws Exception {
    Path in = corpus(SparkTestSupport.texts(3));
    runJob("--input", in.toString(), "--output", tmp.resolve("jl").toString(), "--output-format",
        "jsonl");
    long lines = 0;
    for (File fl : tmp.resolve("jl").toFile().listFiles((d, n) -> n.startsWith("part-"))) {
      for (String l : Files.readAllLines(fl.toPath())) {
        assertEquals(384, JSON.readTree(l).get("embedding").size());
        lines++;
      }
    }
    assertEquals(3, lines);
    runJob("--input", in.toString(), "--output", tmp.resolve("vec").toString(), "--embedding-type",
        "vector");
    Row r = spark().read().parquet(tmp.resolve("vec").toString()).first();
    assertEquals(384, ((org.apache.spark.ml.linalg.Vector) r.getAs("embedding")).size());
  }

  /** Records {"id": PREFIX-i, "text": ...} in DIR/NAME. */
  private Path records(String dir, String name, String prefix, int n) throws Exception {
    Path d = Files.createDirectories(tmp.resolve(dir));
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(JSON.createObjectNode().put("id", prefix + "-" + i)
          .put("text", SparkTestSupport.texts(n).get(i)).toString());
    }
    return Files.write(d.resolve(name), lines);
  }

  private static List<String> ids(Path out) {
    return spark().read().parquet(out.toString()).select("id").orderBy("id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  @Test
  void aBraceGlobIsOneInputAndCommasOutsideBracesSeparateInputs() throws Exception {
    records("a", "x.jsonl", "a", 2);
    records("b", "y.jsonl", "b", 3);
    Path c = records("c", "z.jsonl", "c", 1);
    // Hadoop glob syntax: {a,b} is one pattern matching both folders, not two inputs.
    String both = tmp + "/{a,b}/*.jsonl";
    JobReport r = runJob("--input", both, "--output", tmp.resolve("glob").toString());
    assertEquals(5L, r.fields.get("records_read"));
    assertEquals(true, r.fields.get("counts_add_up"));
    assertEquals(List.of("a-0", "a-1", "b-0", "b-1", "b-2"), ids(tmp.resolve("glob")));
    // A Spark source (not Hadoop's line reader): a brace glob, then a comma and another path.
    JobReport j = runJob("--input", both + "," + c, "--input-format", "json",
        "--output", tmp.resolve("glob-json").toString());
    assertEquals(6L, j.fields.get("records_read"));
    assertEquals(List.of("a-0", "a-1", "b-0", "b-1", "b-2", "c-0"), ids(tmp.resolve("glob-json")));
  }

  @Test
  void appendCountsThisRunsRowsOnly() throws Exception {
    Path first = records("first", "f.jsonl", "f", 4);
    Path second = records("second", "s.jsonl", "s", 3);
    Path out = tmp.resolve("appended");
    runJob("--input", first.toString(), "--output", out.toString());
    JobReport r = runJob("--input", second.toString(), "--output", out.toString(),
        "--save-mode", "append");
    assertEquals(3L, r.fields.get("records_read"));
    assertEquals(3L, r.fields.get("records_written"));
    assertEquals(3L, r.fields.get("rows_written"));
    assertEquals(3L, r.fields.get("rows_committed"), "this run's files only");
    assertEquals(true, r.fields.get("counts_add_up"));
    assertEquals(7, ids(out).size(), "the old rows stay");
  }

  @Test
  void problemsWithPathsModelsAndSettingsFailBeforeSparkWork() throws Exception {
    Path in = corpus(SparkTestSupport.texts(2));
    Path existing = Files.createDirectories(tmp.resolve("exists"));
    assertEquals("--input: " + tmp.resolve("missing.jsonl") + " does not exist", prepareError(
        "--input", tmp.resolve("missing.jsonl").toString(), "--output", tmp.resolve("o").toString()));
    assertEquals("--output: " + existing + " already exists; choose another path or --save-mode "
        + "overwrite|append", prepareError("--input", in.toString(), "--output", existing.toString()));
    assertTrue(prepareError("--input", in.toString(), "--output", tmp.resolve("o").toString(),
        "--model", "gpt-5").startsWith("model: \"gpt-5\" is neither a known name"));
    assertEquals("--max-length 1000 is outside what model all-minilm-l6-v2 takes: 3 to 512",
        prepareError("--input", in.toString(), "--output", tmp.resolve("o").toString(),
            "--max-length", "1000"));
    assertEquals("--stride: stride 20 must be in [0, 14) for max length 16 (14 text tokens per "
        + "chunk)", prepareError("--input", in.toString(), "--output", tmp.resolve("o").toString(),
            "--max-length", "16", "--stride", "20"));
    Path csv = tmp.resolve("notext.csv");
    Files.writeString(csv, "id,body\n1,x\n");
    var e = assertThrows(IllegalArgumentException.class, () -> runJob("--input", csv.toString(),
        "--input-format", "csv", "--output", tmp.resolve("o2").toString()));
    assertEquals("--text-column: the input has no column \"text\"; its columns are [id, body]",
        e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> runJob("--input", in.toString(),
        "--input-format", "nosuchformat", "--output", tmp.resolve("o3").toString()));
    assertTrue(e2.getMessage().startsWith("--input " + in + " as nosuchformat: "), e2.getMessage());
  }

  private static String prepareError(String... args) throws Exception {
    JobOptions o = JobOptions.parse(args, Map.of());
    return assertThrows(IllegalArgumentException.class, () -> EncodeJob.prepare(o)).getMessage();
  }
}
