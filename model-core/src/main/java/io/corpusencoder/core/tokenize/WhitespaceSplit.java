package io.corpusencoder.core.tokenize;

import java.util.List;

/** HF's WhitespaceSplit: split on Unicode whitespace, which is dropped. */
public record WhitespaceSplit() implements PreTokenizer {
  @Override
  public void split(NormalizedText piece, List<NormalizedText> out) {
    SplitBehavior.REMOVED.split(
        piece, SplitBehavior.findChars(piece, CharClasses::isWhitespace), out);
  }
}
