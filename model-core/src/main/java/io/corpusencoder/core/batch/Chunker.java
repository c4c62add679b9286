package io.corpusencoder.core.batch;

import io.corpusencoder.core.tokenize.BertTokenizer;
import io.corpusencoder.core.tokenize.BertTokenizer.SpecialTemplate;
import io.corpusencoder.core.tokenize.Encoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a text into token windows of at most {@code maxLength} tokens (special tokens included):
 * consecutive windows share {@code stride} content tokens, and together they cover every token of
 * the text. In truncate mode only the first window is kept and flagged truncated.
 */
public final class Chunker {
  private final BertTokenizer tokenizer;
  private final int maxLength;
  private final int stride;
  private final boolean truncate;
  private final int window; // content tokens per chunk

  public Chunker(BertTokenizer tokenizer, int maxLength, int stride, boolean truncate) {
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
    Encoding all = tokenizer.tokenize(text == null ? "" : text);
    int n = all.length();
    List<Chunk> out = new ArrayList<>();
    if (n == 0) {
      out.add(new Chunk(0, 0, 0, tokenizer.encode("", maxLength)));
      return out;
    }
    int step = window - stride;
    for (int from = 0, index = 0; ; from += step, index++) {
      int to = Math.min(n, from + window);
      boolean cut = truncate && n > window;
      out.add(new Chunk(index, all.starts()[from], all.ends()[to - 1], withSpecials(all, from, to, cut)));
      if (to == n || truncate) break;
    }
    return out;
  }

  private Encoding withSpecials(Encoding all, int from, int to, boolean truncated) {
    SpecialTemplate t = tokenizer.template();
    int pre = t.prefixIds().length;
    int total = pre + (to - from) + t.suffixIds().length;
    int[] ids = new int[total];
    int[] types = new int[total];
    int[] starts = new int[total];
    int[] ends = new int[total];
    boolean[] special = new boolean[total];
    for (int i = 0; i < pre; i++) {
      ids[i] = t.prefixIds()[i];
      types[i] = t.prefixTypeIds()[i];
      special[i] = true;
    }
    for (int i = from; i < to; i++) {
      int k = pre + i - from;
      ids[k] = all.ids()[i];
      types[k] = t.sequenceTypeId();
      starts[k] = all.starts()[i];
      ends[k] = all.ends()[i];
      special[k] = all.special()[i];
    }
    for (int i = 0; i < t.suffixIds().length; i++) {
      int k = pre + (to - from) + i;
      ids[k] = t.suffixIds()[i];
      types[k] = t.suffixTypeIds()[i];
      special[k] = true;
    }
    int[] mask = new int[total];
    Arrays.fill(mask, 1);
    return new Encoding(ids, types, mask, starts, ends, special, truncated);
  }
}
