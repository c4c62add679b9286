package io.corpusencoder.core.model;

/**
 * A local attention layer's window: query q sees key k only when |q − k| ≤ halfWidth, as
 * transformers' ModernBertModel._update_attention_mask builds sliding_window_mask (local_attention
 * // 2 either side; keys outside weigh exactly zero). Attention computes only a query block's band
 * [q0 − halfWidth, q1 + halfWidth) and this masks the corners of the band the window excludes.
 */
public record SlidingWindow(int halfWidth) implements AttentionBias {
  @Override
  public void addTo(int head, int len, int q0, int q1, int k0, int k1, float[] scores, int lds) {
    for (int q = q0; q < q1; q++) {
      int row = (q - q0) * lds - k0;
      for (int k = k0; k < Math.min(k1, q - halfWidth); k++) {
        scores[row + k] = Float.NEGATIVE_INFINITY;
      }
      for (int k = Math.max(k0, q + halfWidth + 1); k < k1; k++) {
        scores[row + k] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  @Override
  public int firstKey(int q0) {
    return Math.max(0, q0 - halfWidth);
  }

  @Override
  public int endKey(int q1, int len) {
    // The block's last query is q1 − 1; it sees up to q1 − 1 + halfWidth.
    return (int) Math.min(len, (long) q1 + halfWidth);
  }

  @Override
  public float[] weights() {
    return new float[0];
  }
}
