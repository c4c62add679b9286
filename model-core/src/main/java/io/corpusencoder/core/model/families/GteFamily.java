package io.corpusencoder.core.model.families;

import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.model.Dense;
import io.corpusencoder.core.model.Encoder;
import io.corpusencoder.core.model.EncoderLayer;
import io.corpusencoder.core.model.LayerNorm;
import io.corpusencoder.core.model.PositionIds;
import io.corpusencoder.core.model.RotaryEmbedding;
import io.corpusencoder.core.model.SelfAttention;
import io.corpusencoder.core.weights.WeightMap;

/**
 * GTE's NewModel (model_type "new": gte-base-en-v1.5, gte-large-en-v1.5, gte-multilingual-base;
 * Alibaba-NLP's new-impl modeling code, which ships with the checkpoints, not in transformers):
 * word (+ token type when type_vocab_size > 0) embeddings, LayerNorm, no position table; then
 * post-LayerNorm layers: x = attn_ln(x + o_proj(attention(x))) with one fused qkv_proj (with
 * bias) and rotate-half rotary queries and keys (base rope_theta, fixed NTK rope_scaling), then
 * x = mlp_ln(x + down_proj(act(gate) · up)) where up, gate = up_gate_proj(x) split in halves (no
 * bias). Saved bare (NewModel) or under "new." (NewForMaskedLM, NewForTokenClassification, ...).
 */
final class GteFamily implements Family {
  static final String PREFIX = "new.";

  // NewModel's checkpoint names, all in this one place.
  static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
  static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";
  static final String EMBEDDINGS_NORM = "embeddings.LayerNorm.";

  static String layer(int l) {
    return "encoder.layer." + l + ".";
  }

  @Override
  public Encoder build(EncoderConfig config, WeightMap checkpoint) {
    WeightMap w = checkpoint.withoutPrefix(PREFIX);
    int h = config.hiddenSize();
    int ff = config.intermediateSize();
    float eps = config.layerNormEps();
    float[] word = w.matrix(WORD_EMBEDDINGS, config.vocabSize(), h);
    float[] tokenType = config.typeVocabSize() == 0 ? null
        : w.matrix(TOKEN_TYPE_EMBEDDINGS, config.typeVocabSize(), h);
    LayerNorm embeddingNorm = Parts.norm(w, EMBEDDINGS_NORM, h, eps);
    EncoderConfig.Rotary r = config.rotary();
    RotaryEmbedding rotary = r.ntkFactor() == 1.0
        ? new RotaryEmbedding(config.headSize(), r.globalBase())
        : RotaryEmbedding.fixedNtk(config.headSize(), r.globalBase(), r.ntkFactor());
    EncoderLayer[] layers = new EncoderLayer[config.numLayers()];
    for (int l = 0; l < layers.length; l++) {
      String p = layer(l);
      layers[l] = new EncoderLayer(
          new SelfAttention(Parts.dense(w, p + "attention.qkv_proj.", h, 3 * h),
              config.numHeads(), h, null, rotary),
          Parts.dense(w, p + "attention.o_proj.", h, h),
          Parts.norm(w, p + "attn_ln.", h, eps),
          gateFirst(w, p + "mlp.up_gate_proj.weight", h, ff),
          config.activation(),
          Parts.dense(w, p + "mlp.down_proj.", ff, h),
          Parts.norm(w, p + "mlp_ln.", h, eps),
          false,
          true);
    }
    return Encoder.of(config, word, null, PositionIds.FROM_ZERO, tokenType, embeddingNorm, 1f,
        layers, null, null);
  }

  /**
   * up_gate_proj [2·ff, h] holds up then gate; the gated layer activates its first half, so the
   * gate's rows go first: act(gate(x)) · up(x).
   */
  private static Dense gateFirst(WeightMap w, String name, int h, int ff) {
    float[] upGate = w.matrix(name, 2 * ff, h);
    float[] stacked = new float[2 * ff * h];
    System.arraycopy(upGate, ff * h, stacked, 0, ff * h);
    System.arraycopy(upGate, 0, stacked, ff * h, ff * h);
    return new Dense(stacked, new float[2 * ff], h, 2 * ff);
  }
}
