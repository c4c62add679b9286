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
 * NomicBERT (model_type "nomic_bert", NomicBertModel: nomic-embed-text v1 and v1.5; its modeling
 * code ships with the checkpoint, not in transformers): word + token type embeddings (no position
 * table), emb_ln; then post-LayerNorm layers without any Linear bias: x = norm1(x + out_proj(
 * attention(x))) with one fused Wqkv and rotate-half rotary queries and keys (base
 * rotary_emb_base, the whole head; with rotary_scaling_factor, dynamic NTK past
 * max_trained_positions, on each sequence's own length), then x = norm2(x + fc2(fc11(x) ·
 * silu(fc12(x)))): SwiGLU, fc12 the gate (llama.cpp's ffn_gate, through SiLU), fc11 the value
 * (ffn_up).
 */
final class NomicBertFamily implements Family {
  // NomicBERT's checkpoint names, all in this one place.
  static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
  static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";
  static final String EMBEDDINGS_NORM = "emb_ln.";

  static String layer(int l) {
    return "encoder.layers." + l + ".";
  }

  @Override
  public Encoder build(EncoderConfig config, WeightMap w) {
    int h = config.hiddenSize();
    int ff = config.intermediateSize();
    float eps = config.layerNormEps();
    float[] word = w.matrix(WORD_EMBEDDINGS, config.vocabSize(), h);
    float[] tokenType = w.matrix(TOKEN_TYPE_EMBEDDINGS, config.typeVocabSize(), h);
    LayerNorm embeddingNorm = Parts.norm(w, EMBEDDINGS_NORM, h, eps);
    RotaryEmbedding rotary = new RotaryEmbedding(config.headSize(), config.rotary().globalBase(),
        config.rotary().dynamicNtk());
    EncoderLayer[] layers = new EncoderLayer[config.numLayers()];
    for (int l = 0; l < layers.length; l++) {
      String p = layer(l);
      layers[l] = new EncoderLayer(
          new SelfAttention(Parts.biasFree(w, p + "attn.Wqkv.weight", h, 3 * h), config.numHeads(),
              h, null, rotary),
          Parts.biasFree(w, p + "attn.out_proj.weight", h, h),
          Parts.norm(w, p + "norm1.", h, eps),
          swiGluIntermediate(w, p, h, ff),
          config.activation(),
          Parts.biasFree(w, p + "mlp.fc2.weight", ff, h),
          Parts.norm(w, p + "norm2.", h, eps),
          false,
          true);
    }
    return Encoder.of(config, word, null, PositionIds.FROM_ZERO, tokenType, embeddingNorm, 1f,
        layers, null, null);
  }

  /**
   * fc12 (gate) over fc11 (value) as one [2·ff, h] product: the gated layer activates the first
   * half and multiplies by the second, silu(fc12(x)) · fc11(x).
   */
  private static Dense swiGluIntermediate(WeightMap w, String p, int h, int ff) {
    float[] stacked = new float[2 * ff * h];
    System.arraycopy(w.matrix(p + "mlp.fc12.weight", ff, h), 0, stacked, 0, ff * h);
    System.arraycopy(w.matrix(p + "mlp.fc11.weight", ff, h), 0, stacked, ff * h, ff * h);
    return new Dense(stacked, new float[2 * ff], h, 2 * ff);
  }
}
