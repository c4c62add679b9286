package io.corpusencoder.core.tokenize;

import java.util.List;

/**
 * HF's Whitespace pre-tokenizer: the matches of {@code \w+|[^\w\s]+} (Rust regex, Unicode \w and
 * \s, Unicode 16.0 tables) are the pieces; the whitespace between them is removed. So: maximal runs
 * of word characters and maximal runs of other non-space characters.
 */
public record WhitespacePreTokenizer() implements PreTokenizer {
  private static final long serialVersionUID = 1L;

  private static final int WORD = 0, OTHER = 1, SPACE = 2;

  private static int kind(int c) {
    if (c < 0x80) {
      if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z' || (c >= '0' && c <= '9') || c == '_') return WORD;
      if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return SPACE;
      return OTHER;
    }
    if (UnicodeTable.isWord(c)) return WORD;
    if (UnicodeTable.isWhiteSpace(c)) return SPACE;
    return OTHER;
  }

  @Override
  public void split(NormalizedText s, List<NormalizedText> out) {
    int n = s.length();
    int runStart = -1;
    int runKind = SPACE;
    for (int i = 0; i < n; ) {
      int cp = s.codePointAt(i);
      int k = kind(cp);
      if (k != runKind) {
        if (runKind != SPACE) out.add(s.slice(runStart, i));
        runStart = i;
        runKind = k;
      }
      i += Character.charCount(cp);
    }
    if (runKind != SPACE) out.add(s.slice(runStart, n));
  }
}
