package io.corpusencoder.core.tokenize;

/**
 * HF's Lowercase normalizer: Rust's char::to_lowercase per character (Unicode 17.0, not Java's
 * 13.0), the full context-free mapping ('İ' becomes "i̇", 'Σ' always 'σ'); extra characters are
 * inserted after the first.
 */
public record Lowercase() implements Normalizer {
  @Override
  public NormalizedText normalize(NormalizedText in) {
    NormalizedText.Rewrite out = in.rewrite(0);
    for (int i = 0; i < in.length(); ) {
      int cp = in.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == CharClasses.LOWERCASE_EXPANDS) {
        out.emit('i', 0).emit(0x307, 1);
      } else {
        out.emit(CharClasses.toLowerCase(cp), 0);
      }
    }
    return out.done();
  }
}
