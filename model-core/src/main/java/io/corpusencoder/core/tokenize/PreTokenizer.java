package io.corpusencoder.core.tokenize;

import java.io.Serializable;
import java.util.List;

/**
 * One tokenizer.json pre-tokenizer: splits a piece of normalized text into the pieces the model
 * tokenizes one by one, and may rewrite them (Metaspace, ByteLevel). Each produced piece must be
 * a part of the input piece's original text, in order, as HF requires; empty pieces are dropped
 * by the caller.
 */
public interface PreTokenizer extends Serializable {
  /** Appends the pieces of {@code piece} to {@code out}. */
  void split(NormalizedText piece, List<NormalizedText> out);
}
