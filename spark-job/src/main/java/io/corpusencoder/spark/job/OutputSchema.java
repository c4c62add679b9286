package io.corpusencoder.spark.job;

import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Columns of the job's output. The embedding column carries the model's identity and settings as
 * field metadata, which Spark stores in every Parquet file's footer
 * (org.apache.spark.sql.parquet.row.metadata) and returns as {@code schema("embedding").metadata}.
 */
public final class OutputSchema {
  static final List<String> FIXED = List.of("id", "chunk", "start", "end", "embedding",
      "n_tokens", "truncated", "empty", "text_repaired");
  static final List<String> TOKEN_COLUMNS = List.of("token_ids", "tokens", "token_starts",
      "token_ends", "token_vectors");

  private OutputSchema() {}

  public static StructType build(StructType records, List<String> keep, boolean vectorType,
      boolean tokenVectors, Metadata embeddingMetadata) {
    StructType s = new StructType()
        .add("id", DataTypes.StringType, false)
        .add("chunk", DataTypes.IntegerType, false)
        .add("start", DataTypes.IntegerType, false)
        .add("end", DataTypes.IntegerType, false)
        .add(new StructField("embedding", vectorType ? SQLDataTypes.VectorType()
            : new ArrayType(DataTypes.FloatType, false), false, embeddingMetadata))
        .add("n_tokens", DataTypes.IntegerType, false)
        .add("truncated", DataTypes.BooleanType, false)
        .add("empty", DataTypes.BooleanType, false)
        // Why TextRepair changed the text: invalid_utf8, lone_surrogate, or both; null: untouched.
        .add("text_repaired", DataTypes.StringType, true);
    if (tokenVectors) {
      s = s.add("token_ids", new ArrayType(DataTypes.IntegerType, false), true)
          .add("tokens", new ArrayType(DataTypes.StringType, true), true)
          .add("token_starts", new ArrayType(DataTypes.IntegerType, false), true)
          .add("token_ends", new ArrayType(DataTypes.IntegerType, false), true)
          .add("token_vectors", new ArrayType(new ArrayType(DataTypes.FloatType, false), false), true);
    }
    for (String k : keep) {
      if (FIXED.contains(k) || TOKEN_COLUMNS.contains(k)) {
        throw new IllegalArgumentException("--keep-columns: \"" + k + "\" would collide with the "
            + "output column of the same name");
      }
      s = s.add(records.apply(k));
    }
    return s;
  }

  /** {@link io.corpusencoder.core.embed.EmbeddingMetadata}'s fields as Spark field metadata. */
  public static Metadata embeddingMetadata(Map<String, Object> fields) {
    MetadataBuilder b = new MetadataBuilder();
    fields.forEach((k, v) -> {
      if (v instanceof String str) b.putString(k, str);
      else if (v instanceof Boolean bool) b.putBoolean(k, bool);
      else if (v instanceof Long n) b.putLong(k, n);
      else throw new IllegalArgumentException("metadata field " + k + ": " + v.getClass());
    });
    return b.build();
  }
}
