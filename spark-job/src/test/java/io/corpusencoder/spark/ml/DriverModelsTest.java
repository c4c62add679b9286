package io.corpusencoder.spark.ml;

import static io.corpusencoder.spark.job.SparkTestSupport.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The Transformer neither keeps every model it ever loaded nor a broadcast per transform(). */
class DriverModelsTest {
  private Dataset<Row> frame() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) rows.add(RowFactory.create(i, "the quick brown fox " + i));
    StructType schema = new StructType().add("n", DataTypes.IntegerType)
        .add("body", DataTypes.StringType);
    return spark().createDataFrame(rows, schema).repartition(2);
  }

  private static List<Row> vectors(Dataset<Row> d) {
    return d.orderBy("n").select("vec").collectAsList();
  }

  @Test
  void reusesOneBroadcastPerSettingsAndKeepsTheLastTwo() {
    Dataset<Row> df = frame();
    TextEncoder enc = new TextEncoder().setInputCol("body").setOutputCol("vec")
        .setModel("all-minilm-l6-v2");
    Dataset<Row> first = enc.transform(df);
    List<Row> before = vectors(first);
    List<Long> once = DriverModels.broadcastIds();
    enc.transform(df).count();
    enc.transform(df).count();
    assertEquals(once, DriverModels.broadcastIds(), "the same settings reuse their broadcast");
    long firstId = once.get(once.size() - 1);

    for (int len : new int[] {8, 12, 16}) {
      enc.copy(new org.apache.spark.ml.param.ParamMap()).setMaxLength(len).transform(df).count();
    }
    List<Long> kept = DriverModels.broadcastIds();
    assertEquals(DriverModels.CAPACITY, kept.size(), "kept: " + kept);
    assertFalse(kept.contains(firstId), "the least recently used broadcast is released");
    // A Dataset planned on a released broadcast still runs, with the same vectors.
    assertEquals(before, vectors(first));
  }

  @Test
  void keepsTheLastTwoModelsLoaded() {
    for (String name : new String[] {"bge-small-en-v1.5", "e5-small-v2", "all-minilm-l6-v2"}) {
      DriverModels.load(name);
    }
    assertEquals(DriverModels.CAPACITY, DriverModels.loadedCount());
    assertTrue(DriverModels.load("e5-small-v2") == DriverModels.load("e5-small-v2"),
        "a kept model is not reloaded");
  }
}
