package io.corpusencoder.core.model.families;

import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.model.Encoder;
import io.corpusencoder.core.model.EncoderLayer;
import io.corpusencoder.core.model.LayerNorm;
import io.corpusencoder.core.model.PositionIds;
import io.corpusencoder.core.weights.BertNames;
import io.corpusencoder.core.weights.WeightMap;

/**
 * XLM-RoBERTa and RoBERTa (transformers' modeling_xlm_roberta / modeling_roberta; model_type
 * "xlm-roberta" / "roberta"): BERT's layers under BERT's tensor names, saved bare (XLMRobertaModel,
 * RobertaModel) or under "roberta." (the ForMaskedLM and other heads' checkpoints); what differs is
 * the embeddings' position ids, counted from padding_idx + 1 by create_position_ids_from_input_ids
 * (so max_position_embeddings 514 takes 512 tokens), and one token type.
 */
final class XlmRobertaFamily implements Family {
  static final String PREFIX = "roberta.";

  @Override
  public Encoder build(EncoderConfig config, WeightMap checkpoint) {
    WeightMap w = checkpoint.withoutPrefix(PREFIX);
    int h = config.hiddenSize();
    // XLMRobertaEmbeddings: (word + token type) + position[create_position_ids_from_input_ids],
    // LayerNorm
    float[] word = w.matrix(BertNames.WORD_EMBEDDINGS, config.vocabSize(), h);
    float[] position = w.matrix(BertNames.POSITION_EMBEDDINGS, config.maxPositions(), h);
    float[] tokenType = w.matrix(BertNames.TOKEN_TYPE_EMBEDDINGS, config.typeVocabSize(), h);
    LayerNorm norm = Parts.norm(w, "embeddings.LayerNorm.", h, config.layerNormEps());
    // XLMRobertaLayer = BertLayer
    EncoderLayer[] layers = new EncoderLayer[config.numLayers()];
    for (int l = 0; l < layers.length; l++) layers[l] = BertFamily.layer(config, w, l, null);
    return Encoder.of(config, word, position, PositionIds.afterPadding(config.paddingIdx()),
        tokenType, norm, 1f, layers, null, null);
  }
}
