package io.corpusencoder.core.tokenize;

import java.io.Serializable;
import java.text.Normalizer;

/**
 * Hugging Face's BertNormalizer: clean text, pad CJK ideographs with spaces, strip accents (NFD,
 * drop non-spacing marks), lowercase; in that order, as tokenizers' Rust code does it.
 *
 * <p>Lowercasing is per character with the full (context-free) mapping, as Rust's
 * char::to_lowercase: 'Σ' always becomes 'σ', never the final 'ς' that String.toLowerCase gives.
 */
public record BertNormalizer(
    boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase)
    implements Serializable {

  /** Normalizes {@code input[from, to)}, recording each output unit's input span. */
  NormalizedText normalize(String input, int from, int to) {
    NormalizedText out = new NormalizedText(to - from + 8);
    int i = from;
    while (i < to) {
      int cp = input.codePointAt(i);
      int end = i + Character.charCount(cp);
      appendNormalized(cp, i, end, out);
      i = end;
    }
    return out;
  }

  /** Normalizes a whole string without offsets (used for added-token contents). */
  String normalize(String s) {
    return normalize(s, 0, s.length()).text().toString();
  }

  private void appendNormalized(int cp, int start, int end, NormalizedText out) {
    if (cleanText) {
      if (cp == 0 || cp == 0xFFFD || CharClasses.isControl(cp)) return;
      if (CharClasses.isWhitespace(cp)) cp = ' ';
    }
    boolean pad = handleChineseChars && CharClasses.isChinese(cp);
    if (pad) out.append(' ', start, end);
    if (cp < 0x80) {
      // ASCII: NFD is the identity and there are no marks.
      if (lowercase && cp >= 'A' && cp <= 'Z') cp += 32;
      out.append((char) cp, start, end);
    } else if (stripAccents) {
      String nfd = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFD);
      for (int j = 0; j < nfd.length(); ) {
        int c = nfd.codePointAt(j);
        j += Character.charCount(c);
        if (Character.getType(c) == Character.NON_SPACING_MARK) continue;
        appendCased(c, start, end, out);
      }
    } else {
      appendCased(cp, start, end, out);
    }
    if (pad) out.append(' ', start, end);
  }

  private void appendCased(int cp, int start, int end, NormalizedText out) {
    if (!lowercase) {
      out.appendCodePoint(cp, start, end);
    } else if (cp == 0x130) {
      // 'İ' is the one unconditional multi-character lowercase mapping: "i" + combining dot.
      out.append('i', start, end);
      out.append('\u0307', start, end);
    } else {
      out.appendCodePoint(Character.toLowerCase(cp), start, end);
    }
  }
}
