package io.corpusencoder.spark.ml;

import static io.corpusencoder.spark.job.SparkTestSupport.model;
import static io.corpusencoder.spark.job.SparkTestSupport.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
      String t = texts.get(i) == null ? "" : texts.get(i);
      float[] expected = model().embed(List.of(t)).get(0).vector();
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
