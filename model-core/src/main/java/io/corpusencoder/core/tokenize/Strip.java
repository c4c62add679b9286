package io.corpusencoder.core.tokenize;

/** HF's Strip normalizer: leading and/or trailing Unicode whitespace removed. */
public record Strip(boolean left, boolean right) implements Normalizer {
  @Override
  public NormalizedText normalize(NormalizedText in) {
    int n = in.length();
    int from = 0;
    if (left) {
      while (from < n && CharClasses.isWhitespace(in.codePointAt(from))) {
        from += Character.charCount(in.codePointAt(from));
      }
    }
    int to = n;
    if (right) {
      while (to > from && CharClasses.isWhitespace(codePointBefore(in, to))) {
        to -= Character.charCount(codePointBefore(in, to));
      }
    }
    if (from == 0 && to == n) return in;
    NormalizedText.Rewrite out = in.rewrite(0);
    for (int i = 0; i < from; ) {
      i += Character.charCount(in.codePointAt(i));
      out.drop();
    }
    out.keepUntil(to);
    return out.done();
  }

  static int codePointBefore(NormalizedText t, int i) {
    char c = t.charAt(i - 1);
    if (Character.isLowSurrogate(c) && i >= 2 && Character.isHighSurrogate(t.charAt(i - 2))) {
      return Character.toCodePoint(t.charAt(i - 2), c);
    }
    return c;
  }
}
