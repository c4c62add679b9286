package io.corpusencoder.core.model;

import java.io.Serializable;

/**
 * A bias added to one head's attention scores after scaling and before the mask, a function of the
 * sequence's length and the query and key positions only (so a text's scores never depend on its
 * batch).
 */
public interface AttentionBias extends Serializable {
  /** scores [len, lds] (row q, column k, k &lt; len) += bias of head {@code head} for (q, k). */
  void addTo(int head, int len, float[] scores, int lds);

  /** The parameters, for the model's weight digest. */
  float[] weights();
}
