package io.corpusencoder.core.model;

import java.io.Serializable;

/** Which row of the position embedding table each token of a sequence reads. */
public sealed interface PositionIds extends Serializable {

  /** ids [len] -> positions [len] (written into {@code out}). */
  void fill(int[] ids, int[] out);

  /** Rows of the table below the first position: at most tableRows - reserved() tokens. */
  int reserved();

  /** BERT: token t reads row t. */
  PositionIds FROM_ZERO = new FromZero();

  /**
   * fairseq's make_positions, as transformers' create_position_ids_from_input_ids (RoBERTa,
   * XLM-RoBERTa, MPNet): a token that is not {@code paddingIdx} reads row paddingIdx + (how many
   * such tokens there are up to and including it), a {@code paddingIdx} token row paddingIdx. In a
   * sequence without that id token t reads row t + paddingIdx + 1.
   */
  static PositionIds afterPadding(int paddingIdx) {
    return new AfterPadding(paddingIdx);
  }

  /** Positions 0, 1, 2, ... */
  record FromZero() implements PositionIds {
    @Override
    public void fill(int[] ids, int[] out) {
      for (int t = 0; t < ids.length; t++) out[t] = t;
    }

    @Override
    public int reserved() {
      return 0;
    }
  }

  /** Positions counted from paddingIdx + 1 over the tokens that are not paddingIdx. */
  record AfterPadding(int paddingIdx) implements PositionIds {
    public AfterPadding {
      if (paddingIdx < 0) throw new IllegalArgumentException("padding_idx " + paddingIdx);
    }

    @Override
    public void fill(int[] ids, int[] out) {
      int count = 0; // cumsum(ids != paddingIdx) * (ids != paddingIdx) + paddingIdx
      for (int t = 0; t < ids.length; t++) {
        if (ids[t] == paddingIdx) {
          out[t] = paddingIdx;
        } else {
          out[t] = paddingIdx + ++count;
        }
      }
    }

    @Override
    public int reserved() {
      return paddingIdx + 1;
    }
  }
}
