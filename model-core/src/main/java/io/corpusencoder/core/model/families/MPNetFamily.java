package io.corpusencoder.core.model.families;

import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.model.Dense;
import io.corpusencoder.core.model.Encoder;
import io.corpusencoder.core.model.EncoderLayer;
import io.corpusencoder.core.model.LayerNorm;
import io.corpusencoder.core.model.PositionIds;
import io.corpusencoder.core.model.RelativePositionBias;
import io.corpusencoder.core.model.SelfAttention;
import io.corpusencoder.core.weights.WeightMap;

/**
 * MPNet (transformers' modeling_mpnet; model_type "mpnet", MPNetModel or "mpnet."-prefixed
 * MPNetForMaskedLM checkpoints, as all-mpnet-base-v2): word + learned position embeddings (no token
 * types), positions counted from padding_idx + 1 = 2 as RoBERTa's, LayerNorm; then post-LayerNorm
 * layers whose attention has separate q, k, v, o projections and adds, in every layer, one shared
 * relative-position bias: MPNetEncoder.relative_attention_bias [buckets, heads] looked up at
 * relative_position_bucket(k - q) with 32 buckets and max_distance 128 (compute_position_bias'
 * defaults, whatever relative_attention_num_buckets says).
 */
final class MPNetFamily implements Family {
  static final String PREFIX = "mpnet.";
  static final int MAX_DISTANCE = 128;

  // MPNet's checkpoint names, all in this one place.
  static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
  static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";
  static final String EMBEDDINGS_NORM = "embeddings.LayerNorm.";
  static final String RELATIVE_ATTENTION_BIAS = "encoder.relative_attention_bias.weight";

  static String layer(int l) {
    return "encoder.layer." + l + ".";
  }

  static String attn(int l, String projection) { // q, k, v, o
    return layer(l) + "attention.attn." + projection + ".";
  }

  @Override
  public Encoder build(EncoderConfig config, WeightMap checkpoint) {
    WeightMap w = checkpoint.withoutPrefix(PREFIX);
    int h = config.hiddenSize();
    int ff = config.intermediateSize();
    float eps = config.layerNormEps();
    // MPNetEmbeddings: word + position[create_position_ids_from_input_ids(ids, 1)], LayerNorm
    float[] word = w.matrix(WORD_EMBEDDINGS, config.vocabSize(), h);
    float[] position = w.matrix(POSITION_EMBEDDINGS, config.maxPositions(), h);
    LayerNorm embeddingNorm = Parts.norm(w, EMBEDDINGS_NORM, h, eps);
    // MPNetEncoder.compute_position_bias: one [heads, len, len] bias for every layer
    int tableRows = config.relativeAttentionNumBuckets();
    RelativePositionBias bias = new RelativePositionBias(
        w.matrix(RELATIVE_ATTENTION_BIAS, tableRows, config.numHeads()), tableRows,
        config.numHeads(), EncoderConfig.MPNET_BUCKETS, MAX_DISTANCE, config.maxLength());
    EncoderLayer[] layers = new EncoderLayer[config.numLayers()];
    for (int l = 0; l < layers.length; l++) {
      // MPNetLayer: MPNetAttention (attn: q, k, v -> scores / √d + bias -> softmax -> o;
      // LayerNorm(o + x)), MPNetIntermediate (dense, gelu), MPNetOutput (dense, LayerNorm(+ x))
      Dense qkv = Parts.fusedQkv(w, attn(l, "q"), attn(l, "k"), attn(l, "v"), h);
      layers[l] = new EncoderLayer(
          new SelfAttention(qkv, config.numHeads(), h, bias),
          Parts.dense(w, attn(l, "o"), h, h),
          Parts.norm(w, layer(l) + "attention.LayerNorm.", h, eps),
          Parts.dense(w, layer(l) + "intermediate.dense.", h, ff),
          config.activation(),
          Parts.dense(w, layer(l) + "output.dense.", ff, h),
          Parts.norm(w, layer(l) + "output.LayerNorm.", h, eps),
          false);
    }
    return Encoder.of(config, word, position, PositionIds.afterPadding(config.paddingIdx()), null,
        embeddingNorm, 1f, layers, null, bias);
  }
}
