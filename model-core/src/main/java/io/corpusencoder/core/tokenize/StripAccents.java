package io.corpusencoder.core.tokenize;

/**
 * HF's StripAccents normalizer: every combining mark (Mn, Mc, Me of Unicode 9.0, as
 * unicode-normalization-alignments' is_combining_mark) removed.
 */
public record StripAccents() implements Normalizer {
  @Override
  public NormalizedText normalize(NormalizedText in) {
    NormalizedText.Rewrite out = in.rewrite(0);
    for (int i = 0; i < in.length(); ) {
      int cp = in.codePointAt(i);
      i += Character.charCount(cp);
      if (isCombiningMark(cp)) {
        out.drop();
      } else {
        out.emit(cp, 0);
      }
    }
    return out.done();
  }

  static boolean isCombiningMark(int cp) {
    return CharClasses.isCombiningMark(cp);
  }
}
