package io.corpusencoder.core.tokenize;

import java.text.Normalizer.Form;

/**
 * Hugging Face's BertNormalizer: clean text, pad CJK ideographs with spaces, strip accents (NFD,
 * drop non-spacing marks), lowercase; in that order, as tokenizers' Rust code does it.
 *
 * <p>Each step at HF's Unicode versions ({@link CharClasses}): control characters are Cc/Cf of
 * Unicode 8.0 (unassigned code points are kept), NFD is Unicode 9.0's (a character newer than
 * that is left whole), the marks dropped are 8.0's Mn, and lowercasing is Rust's
 * char::to_lowercase (Unicode 17.0) per character with the full context-free mapping: 'Σ' always
 * becomes 'σ', never the final 'ς' that String.toLowerCase gives.
 */
public record BertNormalizer(
    boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase)
    implements Normalizer {

  /** From tokenizer.json; strip_accents null means "follow lowercase", as in HF. */
  static BertNormalizer fromJson(JsonField n) {
    boolean lowercase = n.get("lowercase").bool(true);
    return new BertNormalizer(n.get("clean_text").bool(true),
        n.get("handle_chinese_chars").bool(true), n.get("strip_accents").bool(lowercase),
        lowercase);
  }

  @Override
  public NormalizedText normalize(NormalizedText in) {
    NormalizedText.Rewrite out = in.rewrite(0);
    int n = in.length();
    int i = 0;
    while (i < n) {
      int cp = in.codePointAt(i);
      i += Character.charCount(cp);
      appendNormalized(cp, out);
    }
    return out.done();
  }

  /** Emits what {@code cp} becomes: the first output replaces it, the others are inserted. */
  private void appendNormalized(int cp, NormalizedText.Rewrite out) {
    if (cleanText) {
      if (cp == 0 || cp == 0xFFFD || CharClasses.isControl(cp)) {
        out.drop();
        return;
      }
      if (CharClasses.isWhitespace(cp)) cp = ' ';
    }
    boolean pad = handleChineseChars && CharClasses.isChinese(cp);
    int[] change = {0};
    if (pad) emit(' ', change, out);
    if (cp < 0x80) {
      // ASCII: NFD is the identity and there are no marks.
      if (lowercase && cp >= 'A' && cp <= 'Z') cp += 32;
      emit(cp, change, out);
    } else if (stripAccents) {
      if (!CharClasses.isKnownToNormalizer(cp)) {
        // Newer than HF's Unicode 9.0 normalization tables: its own NFD there, and no 8.0 mark.
        emitCased(cp, change, out);
      } else {
        String nfd = java.text.Normalizer.normalize(new String(Character.toChars(cp)), Form.NFD);
        for (int j = 0; j < nfd.length(); ) {
          int c = nfd.codePointAt(j);
          j += Character.charCount(c);
          if (CharClasses.isBertNonspacingMark(c)) continue;
          emitCased(c, change, out);
        }
      }
    } else {
      emitCased(cp, change, out);
    }
    if (pad) emit(' ', change, out);
    if (change[0] == 0) out.drop(); // everything stripped: the character is removed
  }

  private void emitCased(int cp, int[] change, NormalizedText.Rewrite out) {
    if (!lowercase) {
      emit(cp, change, out);
    } else if (cp == CharClasses.LOWERCASE_EXPANDS) {
      // 'İ' is the one unconditional multi-character lowercase mapping: "i" + combining dot.
      emit('i', change, out);
      emit('\u0307', change, out);
    } else {
      emit(CharClasses.toLowerCase(cp), change, out);
    }
  }

  private static void emit(int cp, int[] change, NormalizedText.Rewrite out) {
    out.emit(cp, change[0]);
    change[0] = 1;
  }
}
