package io.corpusencoder.core.embed;

import io.corpusencoder.core.math.Ops;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every embedding output records about how its vectors were made, in this order: model,
 * weights_sha256, tokenizer_sha256, dimension, pooling, normalize, max_length, stride, long_text,
 * prompt, pooling_include_prompt, dense, truncate_dim, corpus_encoder_version,
 * numerics_revision. The job's Parquet footers and report and the
 * Transformer's column metadata are all built from {@link #fields}.
 */
public final class EmbeddingMetadata {
  private EmbeddingMetadata() {}

  /**
   * The fields for {@code encoder}'s resolved model and settings; values are String, Long or
   * Boolean. {@code version}: the build's version (the caller reads it; model-core has none).
   */
  public static Map<String, Object> fields(RecordEncoder encoder, String version) {
    return fields(encoder.model(), encoder.settings(), version);
  }

  /** As {@link #fields(RecordEncoder, String)}, for {@code model} with settings {@code s}. */
  public static Map<String, Object> fields(EmbeddingModel model, EncodeSettings s,
      String version) {
    EmbeddingModel m = s.resolve(model); // as the encoder sees it (no-op when resolved already)
    Map<String, Object> r = new LinkedHashMap<>(m.identity().fields());
    r.put("dimension", (long) m.dimension());
    r.put("pooling", m.pooling().optionValue());
    r.put("normalize", m.normalize());
    r.put("max_length", (long) m.maxLength());
    r.put("stride", (long) s.stride());
    r.put("long_text", s.longText().optionValue());
    r.put("prompt", m.prompt());
    r.put("pooling_include_prompt", m.head().includePrompt());
    r.put("dense", String.join(", ", m.head().dense().stream().map(d -> d.describe()).toList()));
    r.put("truncate_dim", (long) m.dimensions());
    r.put("corpus_encoder_version", java.util.Objects.requireNonNull(version, "version"));
    r.put("numerics_revision", (long) Ops.NUMERICS_REVISION);
    return Collections.unmodifiableMap(r);
  }
}
