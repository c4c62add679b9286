package io.corpusencoder.core.tokenize;

import java.io.Serializable;

/** A tokenizer.json model (WordPiece, Unigram, BPE): one pre-tokenized piece to token ids. */
public interface TokenModel extends Serializable {
  /**
   * Appends the tokens of {@code piece} to {@code out}, each with its span in units of the piece:
   * [start, end) with 0 <= start < end <= piece.length().
   */
  void tokenize(NormalizedText piece, TokenList out);

  /** The model's vocabulary: every id it can produce, and its token string. */
  Vocab vocab();
}
