package io.corpusencoder.core.tokenize;

import java.text.Normalizer.Form;

/**
 * HF's NFC, NFD, NFKC and NFKD normalizers. Spans follow HF's rule: a character that decomposes
 * keeps its span on every part. Where characters compose into one, the result takes the span of
 * the first (the starter), as HF's composition replaces it and removes the others.
 */
public record UnicodeNormalizer(Form form) implements Normalizer {

  public UnicodeNormalizer(String type) {
    this(Form.valueOf(type));
  }

  @Override
  public NormalizedText normalize(NormalizedText in) {
    String s = in.toString();
    if (java.text.Normalizer.isNormalized(s, form)) return in;
    NormalizedText.Rewrite out = in.rewrite(0);
    int n = in.length();
    int i = 0;
    while (i < n) {
      // A segment: one character and the combining characters after it.
      int end = i + Character.charCount(in.codePointAt(i));
      while (end < n && continuesSegment(in.codePointAt(end))) {
        end += Character.charCount(in.codePointAt(end));
      }
      String seg = s.substring(i, end);
      String whole = java.text.Normalizer.normalize(seg, form);
      StringBuilder perChar = new StringBuilder();
      for (int j = 0; j < seg.length(); ) {
        int c = seg.codePointAt(j);
        j += Character.charCount(c);
        perChar.append(java.text.Normalizer.normalize(new String(Character.toChars(c)), form));
      }
      if (whole.contentEquals(perChar)) {
        // No composition or reordering across characters: each maps on its own.
        for (int j = 0; j < seg.length(); ) {
          int c = seg.codePointAt(j);
          j += Character.charCount(c);
          emitAll(java.text.Normalizer.normalize(new String(Character.toChars(c)), form), out);
        }
      } else {
        emitComposed(seg, i, whole, out);
        out.skipTo(end);
      }
      i = end;
    }
    return out.done();
  }

  private static boolean continuesSegment(int cp) {
    return StripAccents.isCombiningMark(cp) || (cp >= 0x1160 && cp <= 0x11FF)
        || (cp >= 0xD7B0 && cp <= 0xD7FF);
  }

  /** One input character's output: the first replaces it, the others are inserted. */
  private static void emitAll(String parts, NormalizedText.Rewrite out) {
    if (parts.isEmpty()) {
      out.drop();
      return;
    }
    int change = 0;
    for (int j = 0; j < parts.length(); ) {
      int c = parts.codePointAt(j);
      j += Character.charCount(c);
      out.emit(c, change);
      change = 1;
    }
  }

  /**
   * A segment whose characters compose or reorder: each output character takes the span of the
   * input character its decomposition starts with (HF: a composition replaces the starter and
   * removes what it absorbed), found in order among the input characters' decompositions.
   */
  private void emitComposed(String seg, int segStart, String whole, NormalizedText.Rewrite out) {
    Form decomposing = form == Form.NFKC || form == Form.NFKD ? Form.NFKD : Form.NFD;
    java.util.List<int[]> parts = new java.util.ArrayList<>(); // {code point, input unit}
    for (int j = 0; j < seg.length(); ) {
      int c = seg.codePointAt(j);
      String d = java.text.Normalizer.normalize(new String(Character.toChars(c)), decomposing);
      for (int k = 0; k < d.length(); ) {
        int p = d.codePointAt(k);
        k += Character.charCount(p);
        parts.add(new int[] {p, segStart + j});
      }
      j += Character.charCount(c);
    }
    boolean[] used = new boolean[parts.size()];
    int lastUnit = segStart;
    for (int j = 0; j < whole.length(); ) {
      int c = whole.codePointAt(j);
      j += Character.charCount(c);
      String d = java.text.Normalizer.normalize(new String(Character.toChars(c)), Form.NFD);
      int unit = -1;
      for (int k = 0; k < d.length(); ) {
        int p = d.codePointAt(k);
        k += Character.charCount(p);
        for (int q = 0; q < parts.size(); q++) {
          if (!used[q] && parts.get(q)[0] == p) {
            used[q] = true;
            if (unit < 0) unit = parts.get(q)[1];
            break;
          }
        }
      }
      if (unit < 0) unit = lastUnit; // not traceable: as an insertion after the last one
      out.emitFrom(c, unit);
      lastUnit = unit;
    }
  }
}
