package io.corpusencoder.core.tokenize;

/**
 * Character predicates exactly as Hugging Face tokenizers defines them, for every code point: each
 * at the Unicode version of the code HF runs (see {@link UnicodeTables}), never Java's own
 * (Character is Unicode 13.0 in Java 17). Checked for all of U+0000..U+10FFFF by UnicodeSweepTest.
 */
final class CharClasses {
  private CharClasses() {}

  /**
   * Rust's char::is_whitespace (White_Space, which includes \t \n \r): BertNormalizer's and the
   * pre-tokenizers' whitespace; not Java's isWhitespace.
   */
  static boolean isWhitespace(int c) {
    if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
    return UnicodeTables.contains(UnicodeTables.WHITE_SPACE, c);
  }

  /**
   * BertNormalizer's control characters, which clean_text drops: unicode_categories' is_other
   * (Cc and Cf of Unicode 8.0, and private use) except \t \n \r. Unassigned code points (Cn) are
   * not "other" there, so they are kept.
   */
  static boolean isControl(int c) {
    if (c < 0x80) return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
    return UnicodeTables.contains(UnicodeTables.BERT_OTHER, c);
  }

  /**
   * BertPreTokenizer's and Punctuation's punctuation: ASCII punctuation (which includes symbols
   * such as $ + < = > ^ ` | ~) or P* of Unicode 8.0 (unicode_categories).
   */
  static boolean isPunctuation(int c) {
    if (c < 0x80) {
      return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96)
          || (c >= 123 && c <= 126);
    }
    return UnicodeTables.contains(UnicodeTables.BERT_PUNCTUATION, c);
  }

  /**
   * Rust regex's Unicode \w (regex-syntax 0.8.5, Unicode 16.0), which HF's added tokens use for
   * single_word: Alphabetic, marks, decimal digits, connector punctuation, U+200C and U+200D.
   */
  static boolean isWordChar(int c) {
    if (c < 0x80) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
    return UnicodeTable.isWord(c);
  }

  /** Rust's char::is_numeric (general categories Nd, Nl and No): the Digits pre-tokenizer's. */
  static boolean isNumeric(int c) {
    if (c < 0x80) return c >= '0' && c <= '9';
    return UnicodeTables.contains(UnicodeTables.NUMERIC, c);
  }

  /** The CJK ideograph blocks that BERT splits into single-character words. */
  static boolean isChinese(int c) {
    return (c >= 0x4E00 && c <= 0x9FFF)
        || (c >= 0x3400 && c <= 0x4DBF)
        || (c >= 0x20000 && c <= 0x2A6DF)
        || (c >= 0x2A700 && c <= 0x2B73F)
        || (c >= 0x2B740 && c <= 0x2B81F)
        || (c >= 0x2B920 && c <= 0x2CEAF)
        || (c >= 0xF900 && c <= 0xFAFF)
        || (c >= 0x2F800 && c <= 0x2FA1F);
  }

  /**
   * Mn of Unicode 8.0 (unicode_categories' is_mark_nonspacing): what BertNormalizer's
   * strip_accents removes after NFD.
   */
  static boolean isBertNonspacingMark(int c) {
    return c >= 0x300 && UnicodeTables.contains(UnicodeTables.BERT_NONSPACING_MARK, c);
  }

  /**
   * Mn, Mc or Me of Unicode 9.0 (unicode-normalization-alignments' is_combining_mark): what the
   * StripAccents normalizer removes.
   */
  static boolean isCombiningMark(int c) {
    return c >= 0x300 && UnicodeTables.contains(UnicodeTables.COMBINING_MARK_9, c);
  }

  /**
   * Whether HF's normalization tables (unicode-normalization-alignments, Unicode 9.0) know
   * {@code c}; any other code point is its own NFD and NFKD there, though a newer Java may
   * decompose it (U+11938 already in Java 17).
   */
  static boolean isKnownToNormalizer(int c) {
    return c < 0x80 || UnicodeTables.contains(UnicodeTables.ASSIGNED_9, c);
  }

  /**
   * Rust's char::to_lowercase (Unicode 17.0) when that is one character, which it is for all but
   * U+0130 ('İ', whose lowercase is "i" + U+0307: see {@link #LOWERCASE_EXPANDS}).
   */
  static int toLowerCase(int c) {
    if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
    return UnicodeTables.toLowerCase(c);
  }

  /** The one code point whose lowercase is two characters: 'İ' becomes 'i' U+0307. */
  static final int LOWERCASE_EXPANDS = 0x130;
}
