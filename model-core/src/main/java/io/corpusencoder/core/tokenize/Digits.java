package io.corpusencoder.core.tokenize;

import java.util.List;

/** HF's Digits: numeric characters (Nd, Nl, No) split off, each alone or in runs. */
public record Digits(boolean individualDigits) implements PreTokenizer {
  @Override
  public void split(NormalizedText piece, List<NormalizedText> out) {
    SplitBehavior b = individualDigits ? SplitBehavior.ISOLATED : SplitBehavior.CONTIGUOUS;
    b.split(piece, SplitBehavior.findChars(piece, CharClasses::isNumeric), out);
  }
}
