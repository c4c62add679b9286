package io.corpusencoder.core.tokenize;

/**
 * HF's ByteLevel normalizer: every UTF-8 byte of the text as one character of GPT-2's
 * byte-to-unicode map, each keeping the span of the input character it came from (as the
 * ByteLevel pre-tokenizer's rewrite, without its prefix space or split).
 */
public record ByteLevelNormalizer() implements Normalizer {
  private static final long serialVersionUID = 1L;

  @Override
  public NormalizedText normalize(NormalizedText text) {
    return text.isEmpty() ? text : ByteLevelPreTokenizer.toBytes(text);
  }
}
