package io.corpusencoder.core.model.families;

import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.model.Encoder;
import io.corpusencoder.core.model.EncoderLayer;
import io.corpusencoder.core.model.LayerNorm;
import io.corpusencoder.core.model.PositionIds;
import io.corpusencoder.core.model.RotaryEmbedding;
import io.corpusencoder.core.model.SelfAttention;
import io.corpusencoder.core.model.SlidingWindow;
import io.corpusencoder.core.weights.WeightMap;

/**
 * ModernBERT (transformers' modeling_modernbert; model_type "modernbert", ModernBertModel or
 * "model."-prefixed ModernBertForMaskedLM checkpoints): token embeddings only, LayerNorm; then
 * pre-LayerNorm layers without any bias: x += Wo(attention(attn_norm(x))) with one fused Wqkv and
 * rotary queries and keys (layer 0's attn_norm is the identity), x += Wo(GeGLU(Wi(mlp_norm(x)))).
 * Every global_attn_every_n_layers-th layer (from 0) is global, rotary base global_rope_theta;
 * the others are local: rotary base local_rope_theta, keys within local_attention // 2 either side.
 * A final LayerNorm closes the encoder. LayerNorms have no bias (norm_bias false): zero here.
 */
final class ModernBertFamily implements Family {
  static final String PREFIX = "model.";

  // ModernBERT's checkpoint names, all in this one place.
  static final String TOKEN_EMBEDDINGS = "embeddings.tok_embeddings.weight";
  static final String EMBEDDINGS_NORM = "embeddings.norm.weight";
  static final String FINAL_NORM = "final_norm.weight";

  static String layer(int l) {
    return "layers." + l + ".";
  }

  @Override
  public Encoder build(EncoderConfig config, WeightMap checkpoint) {
    WeightMap w = checkpoint.withoutPrefix(PREFIX);
    EncoderConfig.Rotary rotary = config.rotary();
    int h = config.hiddenSize();
    int ff = config.intermediateSize();
    float eps = config.layerNormEps();
    float[] word = w.matrix(TOKEN_EMBEDDINGS, config.vocabSize(), h);
    LayerNorm embeddingNorm = norm(w, EMBEDDINGS_NORM, h, eps);
    // One rotary table per base, shared by the layers that use it.
    RotaryEmbedding global = new RotaryEmbedding(config.headSize(), rotary.globalBase());
    RotaryEmbedding local = new RotaryEmbedding(config.headSize(), rotary.localBase());
    SlidingWindow window = new SlidingWindow(rotary.window() / 2);
    EncoderLayer[] layers = new EncoderLayer[config.numLayers()];
    for (int l = 0; l < layers.length; l++) {
      String p = layer(l);
      boolean isGlobal = rotary.global(l);
      SelfAttention attention = new SelfAttention(
          Parts.biasFree(w, p + "attn.Wqkv.weight", h, 3 * h), config.numHeads(), h,
          isGlobal ? null : window, isGlobal ? global : local);
      layers[l] = new EncoderLayer(
          attention,
          Parts.biasFree(w, p + "attn.Wo.weight", h, h),
          l == 0 ? null : norm(w, p + "attn_norm.weight", h, eps),
          Parts.biasFree(w, p + "mlp.Wi.weight", h, 2 * ff),
          config.activation(),
          Parts.biasFree(w, p + "mlp.Wo.weight", ff, h),
          norm(w, p + "mlp_norm.weight", h, eps),
          true,
          true);
    }
    return Encoder.of(config, word, null, PositionIds.FROM_ZERO, null, embeddingNorm, 1f, layers,
        norm(w, FINAL_NORM, h, eps), null);
  }

  /** A LayerNorm without bias. */
  private static LayerNorm norm(WeightMap w, String name, int n, float eps) {
    return new LayerNorm(w.vector(name, n), new float[n], eps);
  }
}
