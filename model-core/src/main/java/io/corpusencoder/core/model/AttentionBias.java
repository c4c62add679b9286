package io.corpusencoder.core.model;

import java.io.Serializable;

/**
 * A bias added to one head's attention scores after scaling and before the mask, a function of the
 * sequence's length and the query and key positions only (so a text's scores never depend on its
 * batch). It may also bound which keys a query can see at all ({@link #firstKey}, {@link #endKey}):
 * attention then computes only that band, and keys outside it weigh exactly zero.
 */
public interface AttentionBias extends Serializable {
  /**
   * For the query block [q0, q1) and key range [k0, k1) of a sequence of {@code len} tokens:
   * scores [q1 − q0, lds] (row q − q0, column k − k0) += bias of head {@code head} for (q, k).
   */
  void addTo(int head, int len, int q0, int q1, int k0, int k1, float[] scores, int lds);

  /** The first key any query of a block starting at {@code q0} may see. */
  default int firstKey(int q0) {
    return 0;
  }

  /** One past the last key any query of a block ending at {@code q1} (exclusive) may see. */
  default int endKey(int q1, int len) {
    return len;
  }

  /** The parameters, for the model's weight digest. */
  float[] weights();
}
