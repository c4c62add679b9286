package io.corpusencoder.core.tokenize;

import java.util.List;

/** HF's normalizers.Sequence: each normalizer in turn. */
public record NormalizerSequence(List<Normalizer> normalizers) implements Normalizer {
  public NormalizerSequence {
    normalizers = List.copyOf(normalizers);
  }

  @Override
  public NormalizedText normalize(NormalizedText text) {
    for (Normalizer n : normalizers) text = n.normalize(text);
    return text;
  }
}
