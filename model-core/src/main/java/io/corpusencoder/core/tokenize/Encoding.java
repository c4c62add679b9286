package io.corpusencoder.core.tokenize;

/**
 * One tokenized text: ids with their type ids, attention mask and character spans.
 *
 * <p>{@code starts[i]}/{@code ends[i]} are UTF-16 indices into the input string (Java's String
 * indexing); special tokens have the empty span [0, 0). {@code truncated} is true when tokens were
 * cut to fit the maximum length.
 */
public record Encoding(
    int[] ids,
    int[] typeIds,
    int[] attentionMask,
    int[] starts,
    int[] ends,
    boolean[] special,
    boolean truncated) {

  /** Number of tokens, special tokens included. */
  public int length() {
    return ids.length;
  }
}
