package io.corpusencoder.core.tokenize;

import java.util.ArrayList;
import java.util.List;

/** HF's pre_tokenizers.Sequence: each pre-tokenizer splits every piece the previous one made. */
public record PreTokenizerSequence(List<PreTokenizer> preTokenizers) implements PreTokenizer {
  public PreTokenizerSequence {
    preTokenizers = List.copyOf(preTokenizers);
  }

  @Override
  public void split(NormalizedText piece, List<NormalizedText> out) {
    List<NormalizedText> current = new ArrayList<>();
    current.add(piece);
    for (PreTokenizer p : preTokenizers) {
      List<NormalizedText> next = new ArrayList<>(current.size() * 2);
      for (NormalizedText t : current) {
        int mark = next.size();
        p.split(t, next);
        // HF drops empty pieces after every pre-tokenizer.
        for (int k = next.size() - 1; k >= mark; k--) if (next.get(k).isEmpty()) next.remove(k);
      }
      current = next;
    }
    out.addAll(current);
  }
}
