package io.corpusencoder.core.batch;

import io.corpusencoder.core.tokenize.Tokenizer;
import io.corpusencoder.core.tokenize.Encoding;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a text into token windows of at most {@code maxLength} tokens (special tokens included):
 * consecutive windows share {@code stride} content tokens, and together they cover every token of
 * the text. In truncate mode only the first window is kept and flagged truncated.
 *
 * <p>With a prompt (sentence-transformers' prompts: "query: ", an instruction), the prompt and the
 * text are tokenized as one string, as sentence-transformers does, and the prompt's tokens (as
 * many as the prompt alone gives) open every window: they count against the maximum length, and a
 * long text's later windows carry them too. Spans stay indices into the text, not the prompt.
 */
public final class Chunker {
  private final Tokenizer tokenizer;
  private final int maxLength;
  private final int stride;
  private final boolean truncate;
  private final int window; // text tokens per chunk
  private final String prompt;
  private final int promptTokens; // the prompt's content tokens

  public Chunker(Tokenizer tokenizer, int maxLength, int stride, boolean truncate) {
    this(tokenizer, maxLength, stride, truncate, "");
  }

  /** With {@code prompt} ("" none) before every text. */
  public Chunker(Tokenizer tokenizer, int maxLength, int stride, boolean truncate, String prompt) {
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.stride = stride;
    this.truncate = truncate;
    this.prompt = prompt;
    this.promptTokens = prompt.isEmpty() ? 0 : tokenizer.tokenize(prompt).length();
    this.window = maxLength - tokenizer.numSpecialTokens() - promptTokens;
    if (window < 1) {
      throw new IllegalArgumentException("max length " + maxLength + " leaves no room for text "
          + "after " + tokenizer.numSpecialTokens() + " special tokens"
          + (promptTokens > 0 ? " and the prompt's " + promptTokens + " tokens" : ""));
    }
    if (stride < 0 || stride >= window) {
      throw new IllegalArgumentException("stride " + stride + " must be in [0, " + window
          + ") for max length " + maxLength + " (" + window + " text tokens per chunk)");
    }
  }

  public int maxLength() {
    return maxLength;
  }

  /** The prompt's content tokens at the start of every chunk (0 without a prompt). */
  public int promptTokens() {
    return promptTokens;
  }

  /** The chunks of {@code text}; a null, empty or token-less text gives one empty chunk. */
  public List<Chunk> chunk(String text) {
    if (!prompt.isEmpty()) return chunkWithPrompt(text == null ? "" : text);
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

  private List<Chunk> chunkWithPrompt(String text) {
    String t = prompt + text;
    Encoding all = tokenizer.tokenize(t);
    int p = Math.min(promptTokens, all.length());
    int n = all.length() - p; // the text's tokens
    int pre = tokenizer.template().prefixIds().length;
    List<Chunk> out = new ArrayList<>();
    int step = window - stride;
    for (int from = 0, index = 0; ; from += step, index++) {
      int to = Math.min(n, from + window);
      boolean cut = truncate && n > window;
      // The first window is the prompt and text tokenized as one, exactly; later ones put the
      // prompt's tokens before their own.
      Encoding e = from == 0 ? tokenizer.withSpecialTokens(t, all, 0, p + to, cut)
          : tokenizer.withSpecialTokens(t, promptAnd(all, p, p + from, p + to), 0, p + to - from,
              cut);
      e = shifted(e, prompt.length());
      int start = to > from ? e.starts()[pre + p] : 0;
      int end = to > from ? e.ends()[pre + p + (to - from) - 1] : 0;
      out.add(new Chunk(index, start, end, e));
      if (to >= n || truncate) break;
    }
    return out;
  }

  /** Tokens [0, p) and [from, to) of {@code all}, as one content encoding. */
  private static Encoding promptAnd(Encoding all, int p, int from, int to) {
    int k = p + to - from;
    int[] ids = new int[k];
    int[] types = new int[k];
    int[] mask = new int[k];
    int[] starts = new int[k];
    int[] ends = new int[k];
    boolean[] special = new boolean[k];
    for (int i = 0; i < k; i++) {
      int j = i < p ? i : from + i - p;
      ids[i] = all.ids()[j];
      types[i] = all.typeIds()[j];
      mask[i] = all.attentionMask()[j];
      starts[i] = all.starts()[j];
      ends[i] = all.ends()[j];
      special[i] = all.special()[j];
    }
    return new Encoding(ids, types, mask, starts, ends, special, false);
  }

  /** Spans moved from the prompted string to the text; the prompt's tokens get [0, 0). */
  private static Encoding shifted(Encoding e, int by) {
    int[] starts = e.starts().clone();
    int[] ends = e.ends().clone();
    for (int i = 0; i < starts.length; i++) {
      if (ends[i] <= by) {
        starts[i] = 0;
        ends[i] = 0;
      } else {
        starts[i] = Math.max(0, starts[i] - by);
        ends[i] -= by;
      }
    }
    return new Encoding(e.ids(), e.typeIds(), e.attentionMask(), starts, ends, e.special(),
        e.truncated());
  }
}
