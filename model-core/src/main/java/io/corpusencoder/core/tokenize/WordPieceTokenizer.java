package io.corpusencoder.core.tokenize;

/**
 * Greedy longest-match-first WordPiece over one pre-tokenized word, as HF tokenizers' WordPiece
 * model: continuation pieces carry {@code continuingSubwordPrefix}; a word longer than
 * {@code maxInputCharsPerWord} code points, or one with any part not in the vocabulary, becomes a
 * single unknown token.
 */
public record WordPieceTokenizer(
    Vocab vocab, int unkId, String continuingSubwordPrefix, int maxInputCharsPerWord)
    implements TokenModel {

  public WordPieceTokenizer {
    if (unkId < 0) throw new IllegalArgumentException("unknown-token id must be >= 0");
    if (maxInputCharsPerWord <= 0) {
      throw new IllegalArgumentException(
          "max_input_chars_per_word must be > 0, got " + maxInputCharsPerWord);
    }
  }

  /** From tokenizer.json's model section ("type": "WordPiece"). */
  static WordPieceTokenizer fromJson(JsonField m) {
    Vocab vocab = Vocab.fromJsonObject(m.get("vocab"));
    JsonField unkField = m.get("unk_token");
    String unk = unkField.string("[UNK]");
    int unkId = vocab.id(unk);
    if (unkId < 0) throw unkField.error("a token of the vocabulary");
    int maxChars = m.get("max_input_chars_per_word").integer(100);
    if (maxChars <= 0) throw m.get("max_input_chars_per_word").error("a count > 0");
    return new WordPieceTokenizer(
        vocab, unkId, m.get("continuing_subword_prefix").string("##"), maxChars);
  }

  @Override
  public void tokenize(NormalizedText piece, TokenList out) {
    String word = piece.toString();
    int from = 0;
    int to = word.length();
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
