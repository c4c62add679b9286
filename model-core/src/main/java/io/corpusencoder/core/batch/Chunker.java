package io.corpusencoder.core.batch;

import io.corpusencoder.core.tokenize.Tokenizer;
import io.corpusencoder.core.tokenize.Encoding;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a text into token windows of at most {@code maxLength} tokens (special tokens included):
 * consecutive windows share {@code stride} content tokens, and together they cover every token of
 * the text. In truncate mode only the first window is kept and flagged truncated.
 */
public final class Chunker {
  private final Tokenizer tokenizer;
  private final int maxLength;
  private final int stride;
  private final boolean truncate;
  private final int window; // content tokens per chunk

  public Chunker(Tokenizer tokenizer, int maxLength, int stride, boolean truncate) {
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.stride = stride;
    this.truncate = truncate;
    this.window = maxLength - tokenizer.numSpecialTokens();
    if (window < 1) {
      throw new IllegalArgumentException("max length " + maxLength + " leaves no room for text "
          + "after " + tokenizer.numSpecialTokens() + " special tokens");
    }
    if (stride < 0 || stride >= window) {
      throw new IllegalArgumentException("stride " + stride + " must be in [0, " + window
          + ") for max length " + maxLength + " (" + window + " text tokens per chunk)");
    }
  }

  public int maxLength() {
    return maxLength;
  }

  /** The chunks of {@code text}; a null, empty or token-less text gives one empty chunk. */
  public List<Chunk> chunk(String text) {
    String t = text == null ? "" : text;
    Encoding all = tokenizer.tokenize(t);
    int n = all.length();
    List<Chunk> out = new ArrayList<>();
    if (n == 0) {
      out.add(new Chunk(0, 0, 0, tokenizer.encode("", maxLength)));
      return out;
    }
    int pre = tokenizer.template().prefixIds().length;
    int step = window - stride;
    for (int from = 0, index = 0; ; from += step, index++) {
      int to = Math.min(n, from + window);
      boolean cut = truncate && n > window;
      Encoding e = tokenizer.withSpecialTokens(t, all, from, to, cut);
      // The window's own spans: offset trimming depends on where a window starts.
      out.add(new Chunk(index, e.starts()[pre], e.ends()[pre + (to - from) - 1], e));
      if (to == n || truncate) break;
    }
    return out;
  }
}
