package io.corpusencoder.core.model;

import io.corpusencoder.core.math.Ops;

/**
 * A learned bias per head and relative-position bucket (T5's bidirectional buckets), shared by
 * every layer, as MPNet's encoder computes it: relative position k - q falls in one of
 * {@code numBuckets} buckets (exact up to a distance of numBuckets / 4, then logarithmic up to
 * {@code maxDistance}, half the buckets for each direction), and the bias of (q, k) for head h is
 * table[bucket(k - q), h].
 */
public final class RelativePositionBias implements AttentionBias {
  private static final long serialVersionUID = 1L;

  private final float[] table; // [tableRows, numHeads], as the checkpoint's Embedding stores it
  private final int numHeads;
  private final int maxLen;
  private final float[] byOffset; // [numHeads, 2·maxLen - 1]: head h, k - q at (k - q) + maxLen - 1

  /**
   * {@code table} [tableRows, numHeads]; buckets 0..numBuckets-1 are used (numBuckets ≤
   * tableRows); sequences of at most {@code maxLen} tokens.
   */
  public RelativePositionBias(float[] table, int tableRows, int numHeads, int numBuckets,
      int maxDistance, int maxLen) {
    if (table.length != tableRows * numHeads || numBuckets > tableRows) {
      throw new IllegalArgumentException("relative bias table of " + table.length + " values for "
          + tableRows + " rows x " + numHeads + " heads, " + numBuckets + " buckets");
    }
    this.table = table;
    this.numHeads = numHeads;
    this.maxLen = maxLen;
    int width = 2 * maxLen - 1;
    this.byOffset = new float[numHeads * width];
    for (int r = -(maxLen - 1); r <= maxLen - 1; r++) {
      int b = bucket(r, numBuckets, maxDistance);
      for (int h = 0; h < numHeads; h++) {
        byOffset[h * width + r + maxLen - 1] = table[b * numHeads + h];
      }
    }
  }

  /**
   * transformers' MPNetEncoder.relative_position_bucket (and T5's, bidirectional), in the same
   * float32 steps: n = -relativePosition; half the buckets for n &lt; 0; |n| below numBuckets / 4
   * is its own bucket; beyond, numBuckets / 4 + (int) (log(|n| / max_exact) / log(maxDistance /
   * max_exact) · (numBuckets / 2 - max_exact)), at most numBuckets / 2 - 1.
   */
  public static int bucket(int relativePosition, int numBuckets, int maxDistance) {
    int half = numBuckets / 2;
    int ret = 0;
    int n = -relativePosition;
    if (n < 0) ret += half;
    n = Math.abs(n);
    int maxExact = half / 2;
    if (n < maxExact) return ret + n;
    // torch: log(n.float() / max_exact) / math.log(max_distance / max_exact) * (buckets - exact),
    // each step a float32 operation (the Python float divisor rounded to float32).
    float x = (float) n / (float) maxExact;
    float logRatio = (float) StrictMath.log(x);
    float large = logRatio / (float) StrictMath.log((double) maxDistance / maxExact)
        * (float) (half - maxExact);
    int val = maxExact + (int) large;
    return ret + Math.min(val, half - 1);
  }

  @Override
  public void addTo(int head, int len, int q0, int q1, int k0, int k1, float[] scores, int lds) {
    if (len > maxLen) {
      throw new IllegalArgumentException("sequence of " + len + " tokens; at most " + maxLen);
    }
    // Row q needs offsets k - q for k = k0..k1-1: one contiguous run of byOffset.
    int base = head * (2 * maxLen - 1) + maxLen - 1;
    for (int q = q0; q < q1; q++) {
      Ops.addInPlace(scores, (q - q0) * lds, byOffset, base + k0 - q, k1 - k0);
    }
  }

  @Override
  public float[] weights() {
    return table;
  }
}
