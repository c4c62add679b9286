package io.corpusencoder.core.model;

/**
 * A local attention layer's window: query q sees key k only when |q − k| ≤ halfWidth, as
 * transformers' ModernBertModel._update_attention_mask builds sliding_window_mask (local_attention
 * // 2 either side; keys outside weigh exactly zero).
 */
public record SlidingWindow(int halfWidth) implements AttentionBias {
  @Override
  public void addTo(int head, int len, float[] scores, int lds) {
    for (int q = 0; q < len; q++) {
      int row = q * lds;
      for (int k = 0; k < q - halfWidth; k++) scores[row + k] = Float.NEGATIVE_INFINITY;
      for (int k = Math.max(0, q + halfWidth + 1); k < len; k++) {
        scores[row + k] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  @Override
  public float[] weights() {
    return new float[0];
  }
}
