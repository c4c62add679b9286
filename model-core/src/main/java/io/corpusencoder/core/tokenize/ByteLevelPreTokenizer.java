package io.corpusencoder.core.tokenize;

import java.util.List;

/**
 * HF's ByteLevel pre-tokenizer: optionally a space before each piece that does not start with
 * one, optionally the GPT-2 split, then every UTF-8 byte of each piece rewritten as one character
 * of GPT-2's byte-to-unicode map. Each byte character keeps the span of the whole input character
 * it came from (HF's alignments: the first byte replaces the character, the others are inserted
 * after it), so token spans always cover whole input characters.
 *
 * <p>{@code trim_offsets} matters only for ByteLevel as a post-processor (the Tokenizer's offset
 * trimming), not here.
 */
public record ByteLevelPreTokenizer(boolean addPrefixSpace, boolean useRegex)
    implements PreTokenizer {
  private static final long serialVersionUID = 1L;

  /** The GPT-2 pattern as HF spells it; {@link #gpt2Split} implements it. */
  static final String GPT2_PATTERN =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

  /** GPT-2's bytes_to_unicode: byte b is written as the character BYTE_CHARS[b]. */
  static final char[] BYTE_CHARS = new char[256];

  static {
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      BYTE_CHARS[b] = printable ? (char) b : (char) (256 + n++);
    }
  }

  static ByteLevelPreTokenizer fromJson(JsonField p) {
    return new ByteLevelPreTokenizer(
        p.get("add_prefix_space").bool(true), p.get("use_regex").bool(true));
  }

  @Override
  public void split(NormalizedText piece, List<NormalizedText> out) {
    NormalizedText t = piece;
    if (addPrefixSpace && !t.isEmpty() && t.charAt(0) != ' ') {
      int first = t.codePointAt(0);
      t = t.rewrite(0, Character.charCount(first), 0).emit(' ', 0).emit(first, 1).done();
    }
    if (!useRegex) {
      out.add(toBytes(t));
      return;
    }
    String s = t.toString();
    int n = s.length();
    int i = 0;
    while (i < n) {
      int end = gpt2Match(s, i);
      out.add(toBytes(t.slice(i, end)));
      i = end;
    }
  }

  /**
   * The end of the GPT-2 pattern's match at {@code i} of {@code s}, as Oniguruma finds it
   * (leftmost alternative first). Every position starts a match, so the matches tile the text.
   */
  static int gpt2Match(String s, int i) {
    int n = s.length();
    int c = s.codePointAt(i);
    if (c == '\'' && i + 1 < n) {
      char d = s.charAt(i + 1);
      if (d == 's' || d == 't' || d == 'm' || d == 'd') return i + 2;
      if (i + 2 < n) {
        char e = s.charAt(i + 2);
        if ((d == 'r' && e == 'e') || (d == 'v' && e == 'e') || (d == 'l' && e == 'l')) {
          return i + 3;
        }
      }
    }
    int start = i;
    int cls = gpt2Class(c);
    if (c == ' ' && i + 1 < n) {
      int next = gpt2Class(s.codePointAt(i + 1));
      if (next != WS) {
        cls = next;
        start = i + 1;
      }
    }
    if (cls != WS) {
      // ` ?\p{L}+`, ` ?\p{N}+` or ` ?[^\s\p{L}\p{N}]+`: the run of that class.
      int j = start;
      while (j < n) {
        int d = s.codePointAt(j);
        if (gpt2Class(d) != cls) break;
        j += Character.charCount(d);
      }
      return j;
    }
    // `\s+(?!\S)|\s+`: a whitespace run, less its last character when a non-space follows it
    // and the run has more than one character.
    int j = i;
    int last = i;
    while (j < n) {
      int d = s.codePointAt(j);
      if (!UnicodeTable.isWhiteSpace(d)) break;
      last = j;
      j += Character.charCount(d);
    }
    if (j < n && last > i) return last;
    return j;
  }

  private static final int LETTER = 0, NUMBER = 1, OTHER = 2, WS = 3;

  private static int gpt2Class(int c) {
    if (c < 0x80) {
      if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return LETTER;
      if (c >= '0' && c <= '9') return NUMBER;
      if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return WS;
      return OTHER;
    }
    if (UnicodeTable.isLetter(c)) return LETTER;
    if (UnicodeTable.isNumber(c)) return NUMBER;
    if (UnicodeTable.isWhiteSpace(c)) return WS;
    return OTHER;
  }

  /** Every UTF-8 byte of {@code t} as one byte character (HF's ByteLevel transform). */
  static NormalizedText toBytes(NormalizedText t) {
    int n = t.length();
    NormalizedText.Rewrite r = t.rewrite(0);
    for (int i = 0; i < n; ) {
      int c = t.codePointAt(i);
      i += Character.charCount(c);
      if (c < 0x80) {
        r.emit(BYTE_CHARS[c], 0);
        continue;
      }
      if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD; // a lone surrogate: not UTF-8 encodable
      if (c < 0x800) {
        r.emit(BYTE_CHARS[0xC0 | (c >> 6)], 0);
      } else if (c < 0x10000) {
        r.emit(BYTE_CHARS[0xE0 | (c >> 12)], 0);
        r.emit(BYTE_CHARS[0x80 | ((c >> 6) & 0x3F)], 1);
      } else {
        r.emit(BYTE_CHARS[0xF0 | (c >> 18)], 0);
        r.emit(BYTE_CHARS[0x80 | ((c >> 12) & 0x3F)], 1);
        r.emit(BYTE_CHARS[0x80 | ((c >> 6) & 0x3F)], 1);
      }
      r.emit(BYTE_CHARS[0x80 | (c & 0x3F)], 1);
    }
    return r.done();
  }
}
