package io.corpusencoder.core.tokenize;

/** Character predicates exactly as Hugging Face tokenizers defines them for BERT. */
final class CharClasses {
  private CharClasses() {}

  /** \t, \n, \r, or Unicode White_Space (Rust's char::is_whitespace; not Java's isWhitespace). */
  static boolean isWhitespace(int c) {
    return (c >= 0x09 && c <= 0x0D)
        || c == 0x20
        || c == 0x85
        || c == 0xA0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000;
  }

  /** Unicode "Other" (Cc, Cf, Co, Cs, Cn) except \t \n \r, which count as whitespace. */
  static boolean isControl(int c) {
    if (c == '\t' || c == '\n' || c == '\r') return false;
    return switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE,
          Character.UNASSIGNED -> true;
      default -> false;
    };
  }

  /** ASCII punctuation (which includes symbols such as $ + < = > ^ ` | ~) or Unicode P*. */
  static boolean isPunctuation(int c) {
    if (c < 128) {
      return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96)
          || (c >= 123 && c <= 126);
    }
    return switch (Character.getType(c)) {
      case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION, Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION -> true;
      default -> false;
    };
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
}
