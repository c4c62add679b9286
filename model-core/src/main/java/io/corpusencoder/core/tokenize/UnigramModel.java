package io.corpusencoder.core.tokenize;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * HF's Unigram model (SentencePiece): the Viterbi segmentation of a piece over the vocabulary's
 * log-probability scores. A character no piece starts with becomes the unknown token at the
 * lowest score minus 10; consecutive unknowns fuse into one token; with byte_fallback an unknown
 * run becomes one {@code <0xXX>} token per UTF-8 byte, each spanning the whole run.
 *
 * <p>Ties resolve as HF's: positions left to right, pieces shortest first, a later candidate
 * wins only with a strictly greater score; sums are in double, in the same order.
 */
public final class UnigramModel implements TokenModel {
  private static final long serialVersionUID = 1L;
  static final double UNK_PENALTY = 10.0;

  private final String[] pieces;
  private final double[] scores;
  private final int unkId; // -1: none
  private final boolean byteFallback;
  private final double unkScore;
  private final Vocab vocab;
  private transient CharTrie trie;
  private transient int[] byteIds; // <0xXX> -> id, -1 when absent

  public UnigramModel(String[] pieces, double[] scores, int unkId, boolean byteFallback) {
    if (pieces.length == 0) throw new IllegalArgumentException("Unigram vocabulary is empty");
    if (unkId >= pieces.length) {
      throw new IllegalArgumentException("unk_id " + unkId + " is not below the vocabulary size "
          + pieces.length);
    }
    this.pieces = pieces.clone();
    this.scores = scores.clone();
    this.unkId = unkId;
    this.byteFallback = byteFallback;
    double min = Double.POSITIVE_INFINITY;
    for (double s : scores) min = Math.min(min, s);
    this.unkScore = min - UNK_PENALTY;
    this.vocab = Vocab.ofList(this.pieces);
    index();
  }

  /** From tokenizer.json's model section ("type": "Unigram"). */
  static UnigramModel fromJson(JsonField m) {
    List<JsonField> entries = m.get("vocab").elements();
    if (entries.isEmpty()) throw m.get("vocab").error("a non-empty list of [piece, score]");
    String[] pieces = new String[entries.size()];
    double[] scores = new double[entries.size()];
    for (int i = 0; i < pieces.length; i++) {
      JsonField e = entries.get(i);
      if (!e.node().isArray() || e.node().size() != 2) throw e.error("[piece, score]");
      pieces[i] = e.get(0).string();
      scores[i] = e.get(1).number();
    }
    JsonField unk = m.get("unk_id");
    int unkId = unk.integer(-1);
    if (!unk.isAbsent() && (unkId < 0 || unkId >= pieces.length)) {
      throw unk.error("an id of the vocabulary (0.." + (pieces.length - 1) + ")");
    }
    return new UnigramModel(pieces, scores, unkId, m.get("byte_fallback").bool(false));
  }

  private void index() {
    int[] ids = new int[pieces.length];
    for (int i = 0; i < ids.length; i++) ids[i] = i;
    trie = CharTrie.build(pieces, ids);
    byteIds = new int[256];
    for (int b = 0; b < 256; b++) byteIds[b] = vocab.id(String.format("<0x%02X>", b));
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    index();
  }

  @Override
  public Vocab vocab() {
    return vocab;
  }

  @Override
  public void tokenize(NormalizedText piece, TokenList out) {
    int n = piece.length();
    if (n == 0) return;
    String s = piece.toString();
    double[] best = new double[n + 1];
    int[] from = new int[n + 1];
    int[] node = new int[n + 1];
    java.util.Arrays.fill(from, -1);
    for (int start = 0; start < n; ) {
      int charLen = Character.charCount(s.codePointAt(start));
      double base = best[start];
      boolean singleChar = false;
      int t = trie.root();
      for (int end = start; end < n; end++) {
        t = trie.child(t, s.charAt(end));
        if (t < 0) break;
        int id = trie.value(t);
        if (id < 0) continue;
        int stop = end + 1;
        double score = scores[id] + base;
        if (from[stop] < 0 || score > best[stop]) {
          best[stop] = score;
          from[stop] = start;
          node[stop] = id;
        }
        if (stop - start == charLen) singleChar = true;
      }
      if (!singleChar) {
        int stop = start + charLen;
        double score = unkScore + base;
        if (from[stop] < 0 || score > best[stop]) {
          if (unkId < 0) {
            throw new IllegalArgumentException("the tokenizer's Unigram model has no unk_id and "
                + "no piece for the character U+" + Integer.toHexString(s.codePointAt(start))
                .toUpperCase() + " at " + start + " of \"" + s + "\"");
          }
          best[stop] = score;
          from[stop] = start;
          node[stop] = unkId;
        }
      }
      start += charLen;
    }
    // Back from the end: the best path's pieces, consecutive unknowns fused.
    int[] bounds = new int[n + 1];
    int count = 0;
    int end = n;
    while (end > 0) {
      int start = from[end];
      if (node[end] == unkId) {
        while (start > 0 && node[start] == unkId) start = from[start];
      }
      bounds[count++] = end;
      end = start;
    }
    int start = 0;
    for (int k = count - 1; k >= 0; k--) {
      int stop = bounds[k];
      emit(s, start, stop, out);
      start = stop;
    }
  }

  private void emit(String s, int start, int stop, TokenList out) {
    int id = trie.get(s.substring(start, stop));
    if (id >= 0) {
      out.add(id, start, stop);
      return;
    }
    if (byteFallback) {
      byte[] utf8 = s.substring(start, stop).getBytes(StandardCharsets.UTF_8);
      boolean all = true;
      for (byte b : utf8) all &= byteIds[b & 0xFF] >= 0;
      if (all) {
        for (byte b : utf8) out.add(byteIds[b & 0xFF], start, stop);
        return;
      }
    }
    out.add(unkId, start, stop);
  }
}
