package io.corpusencoder.core.tokenize;

import java.io.Serializable;

/** One tokenizer.json normalizer: rewrites text, keeping each unit's input span (HF semantics). */
public interface Normalizer extends Serializable {
  /** The normalized form of {@code text}; may return {@code text} itself when nothing changes. */
  NormalizedText normalize(NormalizedText text);
}
