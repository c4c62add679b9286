package io.corpusencoder.core.weights;

import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.config.EncoderConfig.Positions;
import java.util.Random;

/**
 * Seeded random weights for any config, named as a checkpoint would name them: for the original
 * Transformer variant (no pretrained weights exist at hand) and for tests and benchmarks.
 * Matrices ~ N(0, 0.02²) as BERT's initializer; LayerNorm gains near 1.
 */
public final class RandomWeights {
  private RandomWeights() {}

  public static WeightMap generate(EncoderConfig c, long seed) {
    Random r = new Random(seed);
    WeightMap w = new WeightMap("random(seed=" + seed + ")");
    int h = c.hiddenSize();
    int ff = c.intermediateSize();
    put(w, r, BertNames.WORD_EMBEDDINGS, 0.02f, c.vocabSize(), h);
    if (c.positions() == Positions.LEARNED) {
      put(w, r, BertNames.POSITION_EMBEDDINGS, 0.02f, c.maxPositions(), h);
    }
    if (c.typeVocabSize() > 0) put(w, r, BertNames.TOKEN_TYPE_EMBEDDINGS, 0.02f, c.typeVocabSize(), h);
    if (c.positions() == Positions.LEARNED) {
      norm(w, r, BertNames.EMBEDDINGS_LN_WEIGHT, BertNames.EMBEDDINGS_LN_BIAS, h);
    }
    for (int l = 0; l < c.numLayers(); l++) {
      dense(w, r, BertNames.query(l, ""), h, h);
      dense(w, r, BertNames.key(l, ""), h, h);
      dense(w, r, BertNames.value(l, ""), h, h);
      dense(w, r, BertNames.attentionOutput(l, ""), h, h);
      norm(w, r, BertNames.attentionLayerNorm(l, "weight"), BertNames.attentionLayerNorm(l, "bias"), h);
      dense(w, r, BertNames.intermediate(l, ""), h, ff);
      dense(w, r, BertNames.output(l, ""), ff, h);
      norm(w, r, BertNames.outputLayerNorm(l, "weight"), BertNames.outputLayerNorm(l, "bias"), h);
    }
    if (c.preLayerNorm()) norm(w, r, BertNames.FINAL_LN_WEIGHT, BertNames.FINAL_LN_BIAS, h);
    return w;
  }

  private static void dense(WeightMap w, Random r, String prefix, int in, int out) {
    put(w, r, prefix + "weight", 0.02f, out, in);
    put(w, r, prefix + "bias", 0.02f, out);
  }

  private static void norm(WeightMap w, Random r, String gamma, String beta, int n) {
    float[] g = new float[n];
    for (int i = 0; i < n; i++) g[i] = 1f + 0.05f * (float) r.nextGaussian();
    w.put(new Tensor(gamma, new int[] {n}, g));
    put(w, r, beta, 0.02f, n);
  }

  private static void put(WeightMap w, Random r, String name, float std, int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    float[] data = new float[n];
    for (int i = 0; i < n; i++) data[i] = std * (float) r.nextGaussian();
    w.put(new Tensor(name, shape, data));
  }
}
