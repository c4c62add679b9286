package io.corpusencoder.core.model.families;

import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.config.EncoderConfig.Positions;
import io.corpusencoder.core.model.AttentionBias;
import io.corpusencoder.core.model.Encoder;
import io.corpusencoder.core.model.EncoderLayer;
import io.corpusencoder.core.model.LayerNorm;
import io.corpusencoder.core.model.PositionIds;
import io.corpusencoder.core.model.SelfAttention;
import io.corpusencoder.core.weights.BertNames;
import io.corpusencoder.core.weights.ModelFormatException;
import io.corpusencoder.core.weights.WeightMap;

/**
 * BERT (transformers' modeling_bert): word + token type + learned absolute position embeddings
 * counted from 0, LayerNorm, then post-LayerNorm layers (fused Q/K/V attention, output + Add &amp;
 * Norm, GELU feed-forward + Add &amp; Norm). Also the pre-LayerNorm and sinusoidal variants
 * {@link EncoderConfig} describes. Names: {@link BertNames} (a "bert." prefix is removed on read).
 */
final class BertFamily implements Family {

  @Override
  public Encoder build(EncoderConfig config, WeightMap w) {
    int h = config.hiddenSize();
    float eps = config.layerNormEps();
    float[] word = w.matrix(BertNames.WORD_EMBEDDINGS, config.vocabSize(), h);
    float[] pos;
    float scale;
    if (config.positions() == Positions.LEARNED) {
      pos = w.matrix(BertNames.POSITION_EMBEDDINGS, config.maxPositions(), h);
      scale = 1f;
    } else {
      pos = Encoder.sinusoidTable(config.maxPositions(), h);
      scale = (float) Math.sqrt(h);
    }
    float[] type = config.typeVocabSize() > 0
        ? w.matrix(BertNames.TOKEN_TYPE_EMBEDDINGS, config.typeVocabSize(), h) : null;
    LayerNorm embNorm = w.contains(BertNames.EMBEDDINGS_LN_WEIGHT)
        ? new LayerNorm(w.vector(BertNames.EMBEDDINGS_LN_WEIGHT, h),
            w.vector(BertNames.EMBEDDINGS_LN_BIAS, h), eps)
        : null;
    if (embNorm == null && config.positions() == Positions.LEARNED) {
      throw new ModelFormatException(w.source() + ": tensor " + BertNames.EMBEDDINGS_LN_WEIGHT
          + " is missing");
    }
    EncoderLayer[] layers = new EncoderLayer[config.numLayers()];
    for (int l = 0; l < layers.length; l++) layers[l] = layer(config, w, l, null);
    LayerNorm finalNorm = config.preLayerNorm()
        ? new LayerNorm(w.vector(BertNames.FINAL_LN_WEIGHT, h), w.vector(BertNames.FINAL_LN_BIAS, h),
            eps)
        : null;
    return Encoder.of(config, word, pos, PositionIds.FROM_ZERO, type, embNorm, scale, layers,
        finalNorm, null);
  }

  /**
   * BertLayer l under {@link BertNames}: self-attention (Q, K, V fused; {@code bias} added to its
   * scores, or null), output dense + Add &amp; Norm, intermediate + activation, output dense + Add
   * &amp; Norm. RobertaLayer and XLMRobertaLayer are copies of it in transformers.
   */
  static EncoderLayer layer(EncoderConfig config, WeightMap w, int l, AttentionBias bias) {
    int h = config.hiddenSize();
    int ff = config.intermediateSize();
    float eps = config.layerNormEps();
    return new EncoderLayer(
        new SelfAttention(Parts.fusedQkv(w, BertNames.query(l, ""), BertNames.key(l, ""),
            BertNames.value(l, ""), h), config.numHeads(), h, bias),
        Parts.dense(w, BertNames.attentionOutput(l, ""), h, h),
        Parts.norm(w, BertNames.attentionLayerNorm(l, ""), h, eps),
        Parts.dense(w, BertNames.intermediate(l, ""), h, ff),
        config.activation(),
        Parts.dense(w, BertNames.output(l, ""), ff, h),
        Parts.norm(w, BertNames.outputLayerNorm(l, ""), h, eps),
        config.preLayerNorm());
  }
}
