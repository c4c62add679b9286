package io.corpusencoder.core.tokenize;

import java.io.Serializable;

/**
 * Greedy longest-match-first WordPiece over one pre-tokenized word, as HF tokenizers' WordPiece
 * model: continuation pieces carry {@code continuingSubwordPrefix}; a word longer than
 * {@code maxInputCharsPerWord} code points, or one with any part not in the vocabulary, becomes a
 * single unknown token.
 */
public record WordPieceTokenizer(
    Vocab vocab, int unkId, String continuingSubwordPrefix, int maxInputCharsPerWord)
    implements Serializable {

  public WordPieceTokenizer {
    if (unkId < 0) throw new IllegalArgumentException("unknown-token id must be >= 0");
    if (maxInputCharsPerWord <= 0) {
      throw new IllegalArgumentException(
          "max_input_chars_per_word must be > 0, got " + maxInputCharsPerWord);
    }
  }

  /**
   * Appends the pieces of {@code text[from, to)} (one word, in normalized units) to {@code out};
   * each piece's span is in the same units.
   */
  void tokenizeWord(CharSequence text, int from, int to, TokenList out) {
    String word = text.subSequence(from, to).toString();
    int nChars = word.codePointCount(0, word.length());
    if (nChars > maxInputCharsPerWord) {
      out.add(unkId, from, to);
      return;
    }
    int mark = out.size();
    int start = 0;
    int len = word.length();
    while (start < len) {
      int end = len;
      int found = -1;
      while (end > start) {
        String sub = word.substring(start, end);
        if (start > 0) sub = continuingSubwordPrefix + sub;
        int id = vocab.id(sub);
        if (id >= 0) {
          found = id;
          break;
        }
        end = Character.isLowSurrogate(word.charAt(end - 1)) && end - 2 >= start ? end - 2 : end - 1;
      }
      if (found < 0) {
        out.truncate(mark);
        out.add(unkId, from, to);
        return;
      }
      out.add(found, from + start, from + end);
      start = end;
    }
  }
}
