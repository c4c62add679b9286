package io.corpusencoder.core.testing;

import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.config.EncoderConfig.Positions;
import io.corpusencoder.core.weights.BertNames;
import io.corpusencoder.core.weights.WeightMap;

/**
 * A transformer encoder written as plainly as possible, in double precision, one sequence at a
 * time: the independent reference for {@code Encoder} on configs that have no ONNX file.
 */
public final class ReferenceEncoder {
  private final EncoderConfig c;
  private final WeightMap w;

  public ReferenceEncoder(EncoderConfig c, WeightMap w) {
    this.c = c;
    this.w = w;
  }

  /** Last hidden state [len][hidden] of one sequence (type ids 0). */
  public double[][] forward(int[] ids) {
    int h = c.hiddenSize(), len = ids.length;
    double[][] x = new double[len][h];
    double[][] word = ReferenceOps.toDouble(w.get(BertNames.WORD_EMBEDDINGS).data(), c.vocabSize(), h);
    for (int t = 0; t < len; t++) {
      for (int i = 0; i < h; i++) {
        double pos;
        if (c.positions() == Positions.LEARNED) {
          pos = w.get(BertNames.POSITION_EMBEDDINGS).data()[t * h + i];
        } else {
          int pair = i - (i % 2);
          double angle = t / Math.pow(10000, (double) pair / h);
          pos = i % 2 == 0 ? Math.sin(angle) : Math.cos(angle);
        }
        double scale = c.positions() == Positions.LEARNED ? 1 : Math.sqrt(h);
        double type = c.typeVocabSize() > 0 ? w.get(BertNames.TOKEN_TYPE_EMBEDDINGS).data()[i] : 0;
        x[t][i] = word[ids[t]][i] * scale + type + pos;
      }
    }
    if (w.contains(BertNames.EMBEDDINGS_LN_WEIGHT)) {
      x = ln(x, BertNames.EMBEDDINGS_LN_WEIGHT, BertNames.EMBEDDINGS_LN_BIAS);
    }
    for (int l = 0; l < c.numLayers(); l++) {
      String an = BertNames.attentionLayerNorm(l, ""), on = BertNames.outputLayerNorm(l, "");
      if (!c.preLayerNorm()) {
        x = ln(add(x, dense(attention(x, l), BertNames.attentionOutput(l, ""))), an + "weight", an + "bias");
        x = ln(add(x, dense(act(dense(x, BertNames.intermediate(l, ""))), BertNames.output(l, ""))),
            on + "weight", on + "bias");
      } else {
        x = add(x, dense(attention(ln(x, an + "weight", an + "bias"), l), BertNames.attentionOutput(l, "")));
        x = add(x, dense(act(dense(ln(x, on + "weight", on + "bias"), BertNames.intermediate(l, ""))),
            BertNames.output(l, "")));
      }
    }
    if (c.preLayerNorm()) x = ln(x, BertNames.FINAL_LN_WEIGHT, BertNames.FINAL_LN_BIAS);
    return x;
  }

  private double[][] attention(double[][] x, int l) {
    int h = c.hiddenSize(), heads = c.numHeads(), hs = h / heads, len = x.length;
    double[][] q = dense(x, BertNames.query(l, "")), k = dense(x, BertNames.key(l, "")),
        v = dense(x, BertNames.value(l, ""));
    double[][] out = new double[len][h];
    for (int head = 0; head < heads; head++) {
      double[][] s = new double[len][len];
      for (int i = 0; i < len; i++)
        for (int j = 0; j < len; j++) {
          double d = 0;
          for (int e = 0; e < hs; e++) d += q[i][head * hs + e] * k[j][head * hs + e];
          s[i][j] = d / Math.sqrt(hs);
        }
      double[][] p = ReferenceOps.softmax(s);
      for (int i = 0; i < len; i++)
        for (int e = 0; e < hs; e++) {
          double acc = 0;
          for (int j = 0; j < len; j++) acc += p[i][j] * v[j][head * hs + e];
          out[i][head * hs + e] = acc;
        }
    }
    return out;
  }

  private double[][] dense(double[][] x, String prefix) {
    var wt = w.get(prefix + "weight");
    int out = wt.shape()[0], in = wt.shape()[1];
    double[][] y = ReferenceOps.matmul(x, ReferenceOps.transpose(ReferenceOps.toDouble(wt.data(), out, in)));
    float[] b = w.get(prefix + "bias").data();
    for (double[] row : y) for (int i = 0; i < out; i++) row[i] += b[i];
    return y;
  }

  private double[][] act(double[][] x) {
    double[][] y = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      y[t] = new double[x[t].length];
      for (int i = 0; i < x[t].length; i++) {
        double v = x[t][i];
        y[t][i] = switch (c.activation()) {
          case RELU -> Math.max(0, v);
          case GELU -> 0.5 * v * (1 + ReferenceOps.erfSeries(Math.max(-6, Math.min(6, v)) / Math.sqrt(2)));
          case SILU -> v / (1 + Math.exp(-v));
          case GELU_TANH -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
        };
      }
    }
    return y;
  }

  private static double[][] add(double[][] a, double[][] b) {
    double[][] y = new double[a.length][a[0].length];
    for (int t = 0; t < a.length; t++) for (int i = 0; i < a[0].length; i++) y[t][i] = a[t][i] + b[t][i];
    return y;
  }

  private double[][] ln(double[][] x, String g, String b) {
    double[][] y = new double[x.length][];
    double[] gd = ReferenceOps.toDouble(w.get(g).data()), bd = ReferenceOps.toDouble(w.get(b).data());
    for (int t = 0; t < x.length; t++) y[t] = ReferenceOps.layerNorm(x[t], gd, bd, c.layerNormEps());
    return y;
  }
}
