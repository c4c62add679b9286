package io.corpusencoder.core.pool;

import io.corpusencoder.core.math.Ops;
import io.corpusencoder.core.model.HiddenStates;
import java.util.Locale;

/** How token vectors become one text vector, over the real (unpadded) tokens only. */
public enum Pooling {
  /** Mean over all tokens, special tokens included (sentence-transformers' mean pooling). */
  MEAN,
  /** The first token's vector ([CLS]). */
  CLS,
  /** Per-dimension maximum over all tokens. */
  MAX;

  /** Parses mean|cls|max, naming {@code option} in the error. */
  public static Pooling parse(String s, String option) {
    return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
      case "mean" -> MEAN;
      case "cls" -> CLS;
      case "max" -> MAX;
      default -> throw new IllegalArgumentException(
          option + ": \"" + s + "\" is not a pooling; expected one of mean, cls, max");
    };
  }

  /** Pools sequence s of {@code h} into a new vector, L2-normalized when {@code normalize}. */
  public float[] pool(HiddenStates h, int s, boolean normalize) {
    int d = h.hiddenSize();
    int len = h.seqLen()[s];
    int base = h.seqStart()[s] * d;
    float[] data = h.data();
    float[] out = new float[d];
    switch (this) {
      case CLS -> System.arraycopy(data, base, out, 0, d);
      case MEAN -> {
        double[] acc = new double[d];
        for (int t = 0; t < len; t++) {
          int o = base + t * d;
          for (int c = 0; c < d; c++) acc[c] += data[o + c];
        }
        for (int c = 0; c < d; c++) out[c] = (float) (acc[c] / len);
      }
      case MAX -> {
        System.arraycopy(data, base, out, 0, d);
        for (int t = 1; t < len; t++) {
          int o = base + t * d;
          for (int c = 0; c < d; c++) out[c] = Math.max(out[c], data[o + c]);
        }
      }
    }
    if (normalize) Ops.l2NormalizeInPlace(out, 0, d);
    return out;
  }
}
