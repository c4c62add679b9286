package io.corpusencoder.core.tokenize;

/** HF's Prepend normalizer: {@code prepend} before a non-empty text, with the first unit's span. */
public record Prepend(String prepend) implements Normalizer {
  @Override
  public NormalizedText normalize(NormalizedText in) {
    return prepend(in, prepend);
  }

  /** HF's NormalizedString::prepend (also used by Metaspace). */
  static NormalizedText prepend(NormalizedText in, String s) {
    if (in.isEmpty() || s.isEmpty()) return in;
    int first = in.codePointAt(0);
    NormalizedText.Rewrite out = in.rewrite(0, Character.charCount(first), 0);
    int change = 0;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      out.emit(c, change);
      change = 1;
    }
    out.emit(first, 1);
    return out.done();
  }
}
