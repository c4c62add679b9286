package io.corpusencoder.core.tokenize;

import java.io.Serializable;

/**
 * A token matched whole in the text before WordPiece, as tokenizer.json's added_tokens: [CLS],
 * [SEP], [MASK] and the like. {@code normalized} tokens are matched in the normalized text, the
 * others in the raw input.
 */
public record AddedToken(
    int id, String content, boolean singleWord, boolean lstrip, boolean rstrip,
    boolean normalized, boolean special)
    implements Serializable {}
