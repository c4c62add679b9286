package io.corpusencoder.core.tokenize;

import java.util.List;

/** HF's BertPreTokenizer: split on whitespace (dropped), each punctuation character alone. */
public record BertPreTokenizer() implements PreTokenizer {
  @Override
  public void split(NormalizedText s, List<NormalizedText> out) {
    int n = s.length();
    int wordStart = -1;
    int i = 0;
    while (i < n) {
      int cp = s.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (CharClasses.isWhitespace(cp)) {
        if (wordStart >= 0) out.add(s.slice(wordStart, i));
        wordStart = -1;
      } else if (CharClasses.isPunctuation(cp)) {
        if (wordStart >= 0) out.add(s.slice(wordStart, i));
        wordStart = -1;
        out.add(s.slice(i, next));
      } else if (wordStart < 0) {
        wordStart = i;
      }
      i = next;
    }
    if (wordStart >= 0) out.add(s.slice(wordStart, n));
  }
}
