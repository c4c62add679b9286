package io.corpusencoder.spark.job;

import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelIdentity;
import io.corpusencoder.core.math.Ops;
import java.util.LinkedHashMap;
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

  /**
   * The model's identity (name, weights' and tokenizer's sha256), dimension, pooling,
   * normalization, lengths, version.
   */
  public static Metadata embeddingMetadata(EmbeddingModel m, JobOptions o, String version) {
    MetadataBuilder b = identityMetadata(m.identity())
        .putLong("dimension", m.dimension())
        .putString("pooling", m.pooling().name().toLowerCase(java.util.Locale.ROOT))
        .putBoolean("normalize", m.normalize())
        .putLong("max_length", m.maxLength())
        .putLong("stride", o.getInt("stride"))
        .putString("long_text", o.get("long-text"))
        .putString("corpus_encoder_version", version)
        .putLong("numerics_revision", Ops.NUMERICS_REVISION);
    return b.build();
  }

  /** {model, weights_sha256, tokenizer_sha256} as field metadata (the job's and TextEncoder's). */
  public static MetadataBuilder identityMetadata(ModelIdentity id) {
    MetadataBuilder b = new MetadataBuilder();
    id.fields().forEach(b::putString);
    return b;
  }

  /** The metadata as a plain map, for the report. */
  public static Map<String, Object> asMap(EmbeddingModel m, JobOptions o, String version) {
    Map<String, Object> r = new LinkedHashMap<>(m.identity().fields());
    r.put("dimension", m.dimension());
    r.put("pooling", m.pooling().name().toLowerCase(java.util.Locale.ROOT));
    r.put("normalize", m.normalize());
    r.put("max_length", m.maxLength());
    r.put("stride", o.getInt("stride"));
    r.put("long_text", o.get("long-text"));
    r.put("corpus_encoder_version", version);
    r.put("numerics_revision", Ops.NUMERICS_REVISION);
    return r;
  }
}
