package io.corpusencoder.spark.ml;

import static io.corpusencoder.spark.job.SparkTestSupport.model;
import static io.corpusencoder.spark.job.SparkTestSupport.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.spark.job.SparkTestSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextEncoderTest {
  @TempDir Path tmp;

  private Dataset<Row> frame(List<String> texts) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) rows.add(RowFactory.create(i, texts.get(i)));
    StructType schema = new StructType().add("n", DataTypes.IntegerType)
        .add("body", DataTypes.StringType);
    return spark().createDataFrame(rows, schema).repartition(3);
  }

  @Test
  void aSavedAndReloadedPipelineGivesTheSameVectorsAsModelCore() throws Exception {
    List<String> texts = SparkTestSupport.texts(25);
    texts.set(3, null);
    Dataset<Row> df = frame(texts);
    TextEncoder enc = new TextEncoder().setInputCol("body").setOutputCol("vec").setBatchSize(4);
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {enc}).fit(df);
    String path = tmp.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    List<Row> a = fitted.transform(df).orderBy("n").collectAsList();
    Metadata md = fitted.transform(df).schema().apply("vec").metadata();
    // The reloaded pipeline must stand on what was saved: no model or broadcast of the fitted
    // one left in this driver, as in a new application.
    DriverModels.forgetAll();
    assertEquals(0, DriverModels.loadedCount());
    PipelineModel loaded = PipelineModel.load(path);
    TextEncoder stage = (TextEncoder) loaded.stages()[0];
    assertEquals("body", stage.getOrDefault(stage.inputCol()));
    assertEquals(4, stage.getOrDefault(stage.batchSize()));

    List<Row> b = loaded.transform(df).orderBy("n").collectAsList();
    assertEquals(1, DriverModels.loadedCount(), "the reloaded stage loaded its model anew");
    assertEquals(texts.size(), b.size());
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null) {
        // A row the encoder cannot take: a null vector, not a made-up one, nor a failed task.
        assertTrue(a.get(i).isNullAt(a.get(i).fieldIndex("vec")));
        assertTrue(b.get(i).isNullAt(b.get(i).fieldIndex("vec")));
        continue;
      }
      float[] expected = model().embed(List.of(texts.get(i))).get(0).vector();
      List<Float> va = a.get(i).getList(a.get(i).fieldIndex("vec"));
      List<Float> vb = b.get(i).getList(b.get(i).fieldIndex("vec"));
      for (int k = 0; k < expected.length; k++) {
        // Bitwise: README promises the same vector through every door and batching.
        assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(va.get(k)),
            "text " + i + " dim " + k + ": model-core " + expected[k] + ", Transformer "
                + va.get(k));
        assertEquals(Float.floatToRawIntBits(va.get(k)), Float.floatToRawIntBits(vb.get(k)),
            "reloaded pipeline, text " + i);
      }
    }
    assertEquals(md, loaded.transform(df).schema().apply("vec").metadata());
    assertEquals(model().identity().weightsSha256(), md.getString("weights_sha256"));
    assertEquals(model().identity().tokenizerSha256(), md.getString("tokenizer_sha256"));
    // Every field the job's footer has (the Transformer's used to lack numerics_revision).
    assertEquals(io.corpusencoder.core.math.Ops.NUMERICS_REVISION, md.getLong("numerics_revision"));
    assertEquals("chunk", md.getString("long_text"));
    assertEquals(0L, md.getLong("stride"));
    assertEquals(256L, md.getLong("max_length"));
    assertEquals(384L, md.getLong("dimension"));
    assertEquals("mean", md.getString("pooling"));
    assertTrue(md.getBoolean("normalize"));
    assertEquals(io.corpusencoder.spark.job.BuildVersion.current(),
        md.getString("corpus_encoder_version"));
  }

  /** The names PySpark's wrapper matches by: hand-written, so a rename fails here first. */
  @Test
  void paramNamesAreStable() {
    List<String> names = new ArrayList<>();
    for (org.apache.spark.ml.param.Param<?> p : new TextEncoder().params()) names.add(p.name());
    java.util.Collections.sort(names);
    assertEquals(List.of("batchSize", "batchTokens", "dimensions", "errorCol", "inputCol",
        "longText", "maxLength", "model", "nTokensCol", "normalize", "outputCol", "pooling",
        "prompt", "promptText", "sortWindow", "stride", "truncatedCol"), names);
    TextEncoder d = new TextEncoder();
    assertEquals(List.of("text", "embedding", "all-minilm-l6-v2", "model", "model", 0, 0,
        "chunk", 64, 4096, 1024, "", "", ""), List.of(d.getOrDefault(d.inputCol()),
        d.getOrDefault(d.outputCol()), d.getOrDefault(d.model()), d.getOrDefault(d.pooling()),
        d.getOrDefault(d.normalize()), d.getOrDefault(d.maxLength()),
        d.getOrDefault(d.stride()), d.getOrDefault(d.longText()), d.getOrDefault(d.batchSize()),
        d.getOrDefault(d.batchTokens()), d.getOrDefault(d.sortWindow()),
        d.getOrDefault(d.nTokensCol()), d.getOrDefault(d.truncatedCol()),
        d.getOrDefault(d.errorCol())));
    assertEquals(List.of("model", "", 0), List.of(d.getOrDefault(d.prompt()),
        d.getOrDefault(d.promptText()), d.getOrDefault(d.dimensions())));
  }

  @Test
  void longTextsAreChunkedAndTheOptionalColumnsSayWhatHappened() {
    String longText = "Spark executors decode the broadcast model once and share it. ".repeat(8);
    Dataset<Row> df = frame(java.util.Arrays.asList("short one", longText, null, ""));
    TextEncoder enc = new TextEncoder().setInputCol("body").setOutputCol("vec")
        .setMaxLength(24).setStride(3).setNTokensCol("n_tokens").setTruncatedCol("truncated")
        .setErrorCol("error");
    List<Row> rows = enc.transform(df).orderBy("n").collectAsList();
    var m = model().withMaxLength(24);
    var chunks = new io.corpusencoder.core.batch.Chunker(m.tokenizer(), 24, 3, false)
        .chunk(longText);
    assertTrue(chunks.size() > 3, "several chunks: " + chunks.size());
    // The mean of the chunks' vectors, each computed alone by model-core, then normalized.
    float[] mean = new float[m.dimension()];
    int tokens = 0;
    for (var c : chunks) {
      float[] v = m.embedEncodings(List.of(c.encoding()), false, false).get(0).vector();
      for (int d = 0; d < mean.length; d++) mean[d] += v[d];
      tokens += c.encoding().length();
    }
    for (int d = 0; d < mean.length; d++) mean[d] /= chunks.size();
    io.corpusencoder.core.math.Ops.l2NormalizeInPlace(mean, 0, mean.length);
    Row longRow = rows.get(1);
    List<Float> got = longRow.getList(longRow.fieldIndex("vec"));
    for (int d = 0; d < mean.length; d++) {
      assertEquals(Float.floatToRawIntBits(mean[d]), Float.floatToRawIntBits(got.get(d)),
          "dim " + d);
    }
    assertEquals(tokens, (int) longRow.getAs("n_tokens"));
    assertEquals(false, longRow.getAs("truncated"));
    assertTrue(longRow.isNullAt(longRow.fieldIndex("error")));
    assertEquals(4, (int) rows.get(0).getAs("n_tokens"));
    Row nullRow = rows.get(2);
    assertTrue(nullRow.isNullAt(nullRow.fieldIndex("vec")));
    assertTrue(nullRow.isNullAt(nullRow.fieldIndex("n_tokens")));
    assertEquals("text is null; expected a string", nullRow.getAs("error"));
    assertEquals(2, (int) rows.get(3).getAs("n_tokens"), "empty text: [CLS][SEP]");

    List<Row> cut = enc.setLongText("truncate").transform(df).orderBy("n").collectAsList();
    Row first = cut.get(1);
    assertEquals(24, (int) first.getAs("n_tokens"));
    assertEquals(true, first.getAs("truncated"));
    float[] window = m.embed(List.of(longText)).get(0).vector(); // embed() truncates
    List<Float> cutVec = first.getList(first.fieldIndex("vec"));
    for (int d = 0; d < window.length; d++) {
      assertEquals(Float.floatToRawIntBits(window[d]), Float.floatToRawIntBits(cutVec.get(d)));
    }
  }

  @Test
  void aWindowThatFailsIsRetriedTextByTextSoOnlyTheBadRowGetsAnError() {
    var good = new io.corpusencoder.core.embed.EncodedText(List.of(), new float[] {1f}, 3, false,
        false, null, null);
    List<io.corpusencoder.core.embed.EncodedText> out = TextEncoder.encodeOrIsolate(texts -> {
      if (texts.contains("boom")) throw new IllegalStateException("cannot encode boom");
      return texts.stream().map(t -> good).toList();
    }, List.of("a", "boom", "c"));
    assertEquals(3, out.size());
    assertEquals(good, out.get(0));
    assertEquals("IllegalStateException: cannot encode boom", out.get(1).error());
    assertEquals(good, out.get(2));
  }

  @Test
  void settingsTheModelCannotTakeAreNamedAsParams() {
    Dataset<Row> df = frame(List.of("x"));
    var e = assertThrows(IllegalArgumentException.class,
        () -> new TextEncoder().setInputCol("body").setMaxLength(16).setStride(20).transform(df));
    assertEquals("TextEncoder stride: stride 20 must be in [0, 14) for max length 16 (14 text "
        + "tokens per chunk)", e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> new TextEncoder().setInputCol("body").setMaxLength(1000).transform(df));
    assertEquals("TextEncoder maxLength 1000 is outside what model all-minilm-l6-v2 takes: 3 to "
        + "512", e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class,
        () -> new TextEncoder().setInputCol("body").setErrorCol("n").transform(df));
    assertEquals("TextEncoder errorCol \"n\" already exists", e3.getMessage());
  }

  @Test
  void schemaProblemsNameTheColumn() {
    Dataset<Row> df = frame(List.of("x"));
    var e = assertThrows(IllegalArgumentException.class,
        () -> new TextEncoder().setInputCol("text").transform(df));
    assertEquals("TextEncoder inputCol \"text\" is not a column; columns are [n, body]",
        e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> new TextEncoder().setInputCol("n").transform(df));
    assertEquals("TextEncoder inputCol \"n\" has type int; expected string", e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class,
        () -> new TextEncoder().setInputCol("body").setOutputCol("n").transform(df));
    assertEquals("TextEncoder outputCol \"n\" already exists", e3.getMessage());
  }
}
