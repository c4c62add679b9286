package io.corpusencoder.core.model;

import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.math.Ops;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Multi-head scaled dot-product self-attention, softmax(QKᵀ/√d_head + mask)·V, with Q, K and V
 * projected by one fused product. Runs per sequence on that sequence's own length, its Q, K and V
 * rows gathered in token order, so padding is never computed and a text's result does not depend
 * on its batch neighbours; queries run in fixed blocks, so memory grows linearly with the length.
 * {@code positionBias}, when not null, is added to every head's scaled scores before the mask
 * (MPNet's relative-position bias) and bounds the keys each block reads (a local layer's window);
 * {@code rotary}, when not null, rotates each token's queries and keys by its position first.
 */
public record SelfAttention(Dense qkv /* [3·hidden, hidden] */, int numHeads, int hiddenSize,
    AttentionBias positionBias, RotaryEmbedding rotary) implements Serializable {

  /** Without a position bias (BERT). */
  public SelfAttention(Dense qkv, int numHeads, int hiddenSize) {
    this(qkv, numHeads, hiddenSize, null, null);
  }

  /** With a position bias and no rotary positions (MPNet). */
  public SelfAttention(Dense qkv, int numHeads, int hiddenSize, AttentionBias positionBias) {
    this(qkv, numHeads, hiddenSize, positionBias, null);
  }

  int headSize() {
    return hiddenSize / numHeads;
  }

  /**
   * x [layout.rows(), hidden] -> context [layout.rows(), hidden], each token's row as the layout
   * places it (padding rows are not written); {@code keyMask}, when not null, holds per packed
   * token whether it may be attended to.
   */
  void forward(float[] x, Workspace ws, BatchLayout layout, boolean[] keyMask, float[] context) {
    forward(x, ws, layout, keyMask, context, false);
  }

  /**
   * As {@link #forward(float[], Workspace, BatchLayout, boolean[], float[])}; with
   * {@code firstTokensOnly} only each sequence's first token ([CLS]) gets its context, written to
   * row {@link BatchLayout#firstTokenRow}(s) of the first-token layout. Only the first query block
   * is computed, with exactly the products of the full pass's first block, so that row is bitwise
   * the full pass's.
   */
  void forward(float[] x, Workspace ws, BatchLayout layout, boolean[] keyMask, float[] context,
      boolean firstTokensOnly) {
    qkv.forward(x, layout.rows(), ws.qkv);
    int ld = 3 * hiddenSize;
    for (int s = 0; s < layout.numSequences(); s++) {
      int len = layout.seqLen(s);
      for (int t = 0; t < len; t++) {
        System.arraycopy(ws.qkv, layout.row(s, t) * ld, ws.seqQkv, t * ld, ld);
      }
      if (rotary != null) rotary.rotate(ws.seqQkv, len, ld, queryAndKeyOffsets());
      attend(ws, len, firstTokensOnly ? 1 : len, keyMask, layout.seqStart(s));
      if (firstTokensOnly) {
        System.arraycopy(ws.seqContext, 0, context, layout.firstTokenRow(s) * hiddenSize,
            hiddenSize);
      } else {
        for (int t = 0; t < len; t++) {
          System.arraycopy(ws.seqContext, t * hiddenSize, context,
              layout.row(s, t) * hiddenSize, hiddenSize);
        }
      }
    }
  }

  /**
   * Multiply-adds of {@link #forward} for one sequence of {@code len} tokens whose first
   * {@code queries} rows are wanted (len, or 1 for [CLS] only): the fused Q, K, V product over
   * every token, then per query block QKᵀ and P·V over the keys {@link #attend} reads (every key,
   * or a local layer's band: the block's rows by the band's keys, the window's masked corners
   * included, as they are computed). Rotary, bias, mask and softmax are not counted.
   */
  long multiplyAdds(int len, int queries) {
    long total = (long) len * qkv.in() * qkv.out();
    for (int q0 = 0; q0 < queries; q0 += Workspace.QUERY_BLOCK) {
      int q1 = Math.min(len, q0 + Workspace.QUERY_BLOCK);
      int k0 = positionBias == null ? 0 : positionBias.firstKey(q0);
      int k1 = positionBias == null ? len : positionBias.endKey(q1, len);
      total += 2L * (q1 - q0) * (k1 - k0) * hiddenSize; // QKᵀ and P·V, headSize × numHeads each
    }
    return total;
  }

  /** Where each head's query and key columns start in a row of the fused Q, K, V product. */
  private int[] queryAndKeyOffsets() {
    int[] offsets = new int[2 * numHeads];
    for (int h = 0; h < numHeads; h++) {
      offsets[h] = h * headSize();
      offsets[numHeads + h] = hiddenSize + h * headSize();
    }
    return offsets;
  }

  /**
   * One sequence of {@code len} tokens, every head: ws.seqQkv [len, 3·hidden] -> ws.seqContext
   * [len, hidden], rows [0, queries) rounded up to whole query blocks; its key mask entries start
   * at keyMask[maskStart].
   *
   * <p>Queries run in blocks of {@link Workspace#QUERY_BLOCK} rows starting at 0, so the score
   * buffer is [block, keys] (memory linear in the length) and the blocks are a function of the
   * sequence alone. Each block's softmax sees its whole key range at once, so it is exact without
   * online rescaling. The key range is the position bias's band (a local layer's window) or every
   * key.
   */
  private void attend(Workspace ws, int len, int queries, boolean[] keyMask, int maskStart) {
    int ld = 3 * hiddenSize;
    int hs = headSize();
    float scale = (float) (1.0 / Math.sqrt(hs));
    float[] qkv = ws.seqQkv;
    float[] scores = ws.scores;
    for (int h = 0; h < numHeads; h++) {
      int qOff = h * hs;
      int kOff = hiddenSize + h * hs;
      int vOff = 2 * hiddenSize + h * hs;
      int cOff = h * hs;
      for (int q0 = 0; q0 < queries; q0 += Workspace.QUERY_BLOCK) {
        int q1 = Math.min(len, q0 + Workspace.QUERY_BLOCK);
        int rows = q1 - q0;
        int k0 = positionBias == null ? 0 : positionBias.firstKey(q0);
        int k1 = positionBias == null ? len : positionBias.endKey(q1, len);
        int keys = k1 - k0;
        // Score rows padded to whole SIMD vectors with -∞ (weight exactly 0): no scalar tails,
        // and the same padded width on every CPU, so the sums keep one order everywhere.
        int lds = Workspace.paddedLength(keys);
        // scores [rows, keys] = scale · Q_h[q0, q1) · K_h[k0, k1)ᵀ (HF scales before the mask)
        Blas.gemmNT(rows, keys, hs, scale, qkv, q0 * ld + qOff, ld, qkv, k0 * ld + kOff, ld, 0f,
            scores, 0, lds);
        // + position bias (MPNet: "attention_scores += position_bias", after the scaling)
        if (positionBias != null) positionBias.addTo(h, len, q0, q1, k0, k1, scores, lds);
        for (int r = 0; r < rows; r++) {
          Arrays.fill(scores, r * lds + keys, (r + 1) * lds, Float.NEGATIVE_INFINITY);
        }
        if (keyMask != null) applyMask(scores, rows, k0, k1, lds, keyMask, maskStart);
        Ops.softmaxNumeratorsInPlace(scores, 0, rows, lds, lds, ws.rowInv);
        // context_h [rows, hs] = P · V_h[k0, k1), written into its head's columns; the softmax's
        // division is applied here, to hs values per row rather than one per key.
        Blas.gemmNN(rows, hs, keys, 1f, scores, 0, lds, qkv, k0 * ld + vOff, ld, 0f,
            ws.seqContext, q0 * hiddenSize + cOff, hiddenSize);
        Ops.scaleRowsInPlace(ws.seqContext, q0 * hiddenSize + cOff, rows, hs, hiddenSize,
            ws.rowInv);
      }
    }
  }

  /** Masked keys of [k0, k1) get -∞ in each of the block's {@code rows} score rows. */
  private static void applyMask(float[] scores, int rows, int k0, int k1, int lds,
      boolean[] keyMask, int maskStart) {
    for (int k = k0; k < k1; k++) {
      if (keyMask[maskStart + k]) continue;
      for (int r = 0; r < rows; r++) scores[r * lds + k - k0] = Float.NEGATIVE_INFINITY;
    }
  }
}
