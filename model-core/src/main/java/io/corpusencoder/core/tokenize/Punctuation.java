package io.corpusencoder.core.tokenize;

import java.util.List;

/** HF's Punctuation pre-tokenizer: ASCII punctuation and Unicode P* split per the behavior. */
public record Punctuation(SplitBehavior behavior) implements PreTokenizer {
  @Override
  public void split(NormalizedText piece, List<NormalizedText> out) {
    behavior.split(piece, SplitBehavior.findChars(piece, CharClasses::isPunctuation), out);
  }
}
