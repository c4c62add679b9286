package io.corpusencoder.spark.job;

import static io.corpusencoder.spark.job.SparkTestSupport.runJob;
import static io.corpusencoder.spark.job.SparkTestSupport.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.cli.EmbedCli;
import io.corpusencoder.spark.ml.TextEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's promise that a text gets the same bits through every door: the same texts (short,
 * long of several chunks, empty, repaired) through the job (its --doc-vector row), the
 * Transformer and scripts/embed.sh (EmbedCli, as the script runs it), each reading and writing
 * in its own way (JSON-lines bytes and Parquet; a DataFrame; JSON lines), compared bit for bit.
 */
class OneEncodePathTest {
  static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS); // floats as written
  @TempDir Path tmp;

  static final String LONG = String.join(" ", SparkTestSupport.texts(18)).trim();

  /** id -> the text as every door sees it after TextRepair. */
  static Map<String, String> repaired() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("short", "A short text.");
    m.put("long", LONG);
    m.put("empty", "");
    m.put("bad-utf8", "caf\uFFFD au lait");
    m.put("surrogate", "x \uFFFD y");
    return m;
  }

  /** The same records as bytes: one invalid UTF-8 byte, one JSON-escaped lone surrogate. */
  private Path corpus() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String id : List.of("short", "long", "empty")) {
      b.writeBytes((JSON.createObjectNode().put("id", id).put("text", repaired().get(id))
          + "\n").getBytes(StandardCharsets.UTF_8));
    }
    b.writeBytes("{\"id\": \"bad-utf8\", \"text\": \"caf".getBytes(StandardCharsets.UTF_8));
    b.write(0xE9); // Latin-1 é: not UTF-8
    b.writeBytes(" au lait\"}\n{\"id\": \"surrogate\", \"text\": \"x \\ud800 y\"}\n"
        .getBytes(StandardCharsets.UTF_8));
    Path p = tmp.resolve("corpus.jsonl");
    Files.write(p, b.toByteArray());
    return p;
  }

  /** One door's answer for a text. */
  record Result(float[] vector, int nTokens, boolean truncated) {}

  @Test
  void chunkedWithStrideTheThreeDoorsGiveTheSameBits() throws Exception {
    compareDoors(List.of("--max-length", "32", "--stride", "4"), 32, 4, "chunk", "model",
        "model", "", 0);
  }

  @Test
  void promptAndDimensionsTheThreeDoorsGiveTheSameBits() throws Exception {
    // The prompt opens every chunk of the long text; the vectors keep 100 of 384 values.
    compareDoors(List.of("--max-length", "32", "--stride", "4", "--prompt-text", "query: ",
        "--dimensions", "100"), 32, 4, "chunk", "model", "model", "query: ", 100);
  }

  @Test
  void truncatedClsUnnormalizedTheThreeDoorsGiveTheSameBits() throws Exception {
    compareDoors(List.of("--max-length", "24", "--long-text", "truncate", "--pooling", "cls",
        "--normalize", "false"), 24, 0, "truncate", "cls", "false", "", 0);
  }

  private void compareDoors(List<String> options, int maxLength, int stride, String longText,
      String pooling, String normalize, String promptText, int dimensions) throws Exception {
    Path in = corpus();
    Map<String, Result> job = job(in, options);
    Map<String, Result> cli = cli(in, options);
    Map<String, Result> ml = transformer(maxLength, stride, longText, pooling, normalize,
        promptText, dimensions);
    assertEquals(dimensions == 0 ? 384 : dimensions, job.get("short").vector().length);
    for (String id : repaired().keySet()) {
      Result j = job.get(id);
      assertBitwise(j.vector(), cli.get(id).vector(), id + ": job vs embed.sh");
      assertBitwise(j.vector(), ml.get(id).vector(), id + ": job vs Transformer");
      assertEquals(j.nTokens(), cli.get(id).nTokens(), id + " n_tokens: job vs embed.sh");
      assertEquals(j.nTokens(), ml.get(id).nTokens(), id + " n_tokens: job vs Transformer");
      assertEquals(j.truncated(), cli.get(id).truncated(), id + " truncated");
      assertEquals(j.truncated(), ml.get(id).truncated(), id + " truncated");
    }
    assertEquals(longText.equals("truncate"), job.get("long").truncated());
    assertTrue(job.get("long").nTokens() > maxLength == longText.equals("chunk"),
        "a long text is chunked or cut: " + job.get("long").nTokens());
  }

  static void assertBitwise(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int d = 0; d < expected.length; d++) {
      assertEquals(Float.floatToRawIntBits(expected[d]), Float.floatToRawIntBits(actual[d]),
          what + ", dim " + d + ": " + expected[d] + " vs " + actual[d]);
    }
  }

  /** The job's document rows (chunk -1), checked against its chunk rows for one-chunk texts. */
  private Map<String, Result> job(Path in, List<String> options) throws Exception {
    Path out = tmp.resolve("job");
    List<String> args = new ArrayList<>(List.of("--input", in.toString(), "--output",
        out.toString(), "--doc-vector", "--partitions", "2", "--slice-partitions", "2"));
    args.addAll(options);
    runJob(args.toArray(String[]::new));
    Map<String, Result> docs = new HashMap<>();
    Map<String, Integer> chunks = new HashMap<>();
    Map<String, Row> chunk0 = new HashMap<>();
    Map<String, String> repairedFlag = new HashMap<>();
    for (Row r : spark().read().parquet(out.toString()).collectAsList()) {
      String id = r.getAs("id");
      int chunk = r.getAs("chunk");
      repairedFlag.put(id, r.getAs("text_repaired"));
      if (chunk == -1) {
        docs.put(id, new Result(floats(r.getList(r.fieldIndex("embedding"))),
            r.getAs("n_tokens"), false));
      } else {
        chunks.merge(id, 1, Integer::sum);
        if (chunk == 0) chunk0.put(id, r);
      }
    }
    assertEquals("invalid_utf8", repairedFlag.get("bad-utf8"));
    assertEquals("lone_surrogate", repairedFlag.get("surrogate"));
    Map<String, Result> out2 = new HashMap<>();
    for (var e : docs.entrySet()) {
      Row c0 = chunk0.get(e.getKey());
      boolean truncated = c0.getAs("truncated");
      if (chunks.get(e.getKey()) == 1) {
        // One chunk: the document row is the chunk's row, bit for bit.
        assertBitwise(floats(c0.getList(c0.fieldIndex("embedding"))), e.getValue().vector(),
            e.getKey() + ": chunk row vs document row");
      }
      out2.put(e.getKey(), new Result(e.getValue().vector(), e.getValue().nTokens(), truncated));
    }
    assertTrue(chunks.get("long") > 1 || options.contains("truncate"), "long: " + chunks);
    return out2;
  }

  private Map<String, Result> cli(Path in, List<String> options) throws Exception {
    Path out = tmp.resolve("cli.jsonl");
    List<String> args = new ArrayList<>(List.of("--model", "all-minilm-l6-v2", "--input",
        in.toString(), "--output", out.toString()));
    args.addAll(options);
    assertEquals(0, EmbedCli.run(args.toArray(String[]::new)));
    Map<String, Result> r = new HashMap<>();
    for (String line : Files.readAllLines(out)) {
      JsonNode n = JSON.readTree(line);
      JsonNode v = n.get("embedding");
      float[] f = new float[v.size()];
      for (int d = 0; d < f.length; d++) f[d] = Float.parseFloat(v.get(d).decimalValue().toString());
      r.put(n.get("id").asText(), new Result(f, n.get("n_tokens").asInt(),
          n.get("truncated").asBoolean()));
    }
    assertEquals(repaired().keySet(), r.keySet());
    return r;
  }

  /** The Transformer on the texts as Spark holds them (repaired: a Spark string cannot not be). */
  private Map<String, Result> transformer(int maxLength, int stride, String longText,
      String pooling, String normalize, String promptText, int dimensions) {
    List<Row> rows = new ArrayList<>();
    repaired().forEach((id, text) -> rows.add(RowFactory.create(id, text)));
    var df = spark().createDataFrame(rows, new StructType().add("id", DataTypes.StringType)
        .add("text", DataTypes.StringType)).repartition(2);
    TextEncoder enc = new TextEncoder().setMaxLength(maxLength).setStride(stride)
        .setLongText(longText).setPooling(pooling).setNormalize(normalize).setBatchSize(2)
        .setPromptText(promptText).setDimensions(dimensions)
        .setNTokensCol("n_tokens").setTruncatedCol("truncated").setErrorCol("error");
    Map<String, Result> r = new HashMap<>();
    for (Row row : enc.transform(df).collectAsList()) {
      assertTrue(row.isNullAt(row.fieldIndex("error")), String.valueOf(row));
      r.put(row.getAs("id"), new Result(floats(row.getList(row.fieldIndex("embedding"))),
          row.getAs("n_tokens"), row.getAs("truncated")));
    }
    return r;
  }

  static float[] floats(List<Float> v) {
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) out[i] = v.get(i);
    return out;
  }
}
