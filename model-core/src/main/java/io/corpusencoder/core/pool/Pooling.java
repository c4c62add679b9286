package io.corpusencoder.core.pool;

import io.corpusencoder.core.model.HiddenStates;
import java.util.Arrays;
import java.util.Locale;

/**
 * How token vectors become one text vector, over the real (unpadded) tokens only, as
 * sentence-transformers' Pooling module computes each mode. The first {@code skip} tokens of a
 * sequence (a prompt's, with its leading special token, when the pooling config says
 * include_prompt false) are left out of every mode but CLS, as sentence-transformers zeroes their
 * attention mask.
 */
public enum Pooling {
  /** Mean over all tokens, special tokens included (sentence-transformers' mean pooling). */
  MEAN("mean", "pooling_mode_mean_tokens"),
  /** The first token's vector ([CLS]); never skipped. */
  CLS("cls", "pooling_mode_cls_token"),
  /** Per-dimension maximum over all tokens. */
  MAX("max", "pooling_mode_max_tokens"),
  /** The last token's vector (the template's closing special token where it has one). */
  LAST_TOKEN("lasttoken", "pooling_mode_lasttoken"),
  /** The sum divided by the square root of the token count. */
  MEAN_SQRT_LEN("mean_sqrt_len_tokens", "pooling_mode_mean_sqrt_len_tokens"),
  /** Mean weighted by 1-based position (SGPT's weighted mean). */
  WEIGHTED_MEAN("weightedmean", "pooling_mode_weightedmean_tokens");

  private final String optionValue;
  private final String configField;

  Pooling(String optionValue, String configField) {
    this.optionValue = optionValue;
    this.configField = configField;
  }

  /** As options and metadata spell it (sentence-transformers' pooling_mode names). */
  public String optionValue() {
    return optionValue;
  }

  /** The boolean field of 1_Pooling/config.json that selects it. */
  public String configField() {
    return configField;
  }

  /** Every option spelling, for help texts and errors. */
  public static String optionValues() {
    StringBuilder b = new StringBuilder();
    for (Pooling p : values()) b.append(b.length() == 0 ? "" : ", ").append(p.optionValue);
    return b.toString();
  }

  /** Parses an {@link #optionValue()} (any case), naming {@code option} in the error. */
  public static Pooling parse(String s, String option) {
    String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    for (Pooling p : values()) if (p.optionValue.equals(v)) return p;
    throw new IllegalArgumentException(
        option + ": \"" + s + "\" is not a pooling; expected one of " + optionValues());
  }

  /** Pools sequence s of {@code h} into a new vector, skipping nothing. */
  public float[] pool(HiddenStates h, int s) {
    return pool(h, s, 0);
  }

  /** Pools sequence s of {@code h} into a new vector, its first {@code skip} tokens left out. */
  public float[] pool(HiddenStates h, int s, int skip) {
    int d = h.hiddenSize();
    int len = h.seqLen()[s];
    int base = h.seqStart()[s] * d;
    float[] data = h.data();
    float[] out = new float[d];
    int from = this == CLS ? 0 : Math.min(skip, len);
    switch (this) {
      case CLS -> System.arraycopy(data, base, out, 0, d);
      case LAST_TOKEN -> {
        // sentence-transformers takes the last unmasked token; all masked gives zeros.
        if (from < len) System.arraycopy(data, base + (len - 1) * d, out, 0, d);
      }
      case MEAN, MEAN_SQRT_LEN, WEIGHTED_MEAN -> {
        double[] acc = new double[d];
        double weights = 0;
        for (int t = from; t < len; t++) {
          int o = base + t * d;
          double w = this == WEIGHTED_MEAN ? t + 1 : 1;
          weights += w;
          if (this == WEIGHTED_MEAN) {
            for (int c = 0; c < d; c++) acc[c] += w * data[o + c];
          } else {
            for (int c = 0; c < d; c++) acc[c] += data[o + c];
          }
        }
        // sentence-transformers clamps the divisor at 1e-9: no token left gives zeros.
        double div = Math.max(weights, 1e-9);
        if (this == MEAN_SQRT_LEN) div = Math.sqrt(div);
        for (int c = 0; c < d; c++) out[c] = (float) (acc[c] / div);
      }
      case MAX -> {
        if (from == len) {
          Arrays.fill(out, -1e9f); // every token masked: sentence-transformers' fill
        } else {
          System.arraycopy(data, base + from * d, out, 0, d);
          for (int t = from + 1; t < len; t++) {
            int o = base + t * d;
            for (int c = 0; c < d; c++) out[c] = Math.max(out[c], data[o + c]);
          }
        }
      }
    }
    return out;
  }
}
