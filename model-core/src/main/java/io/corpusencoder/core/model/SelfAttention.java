package io.corpusencoder.core.model;

import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.math.Ops;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Multi-head scaled dot-product self-attention, softmax(QKᵀ/√d_head + mask)·V, with Q, K and V
 * projected by one fused product. Runs per sequence on that sequence's own length, its Q, K and V
 * rows gathered in token order, so padding is never computed and a text's result does not depend
 * on its batch neighbours. {@code positionBias}, when not null, is added to every head's scaled
 * scores before the mask (MPNet's relative-position bias, a local layer's window);
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
   * row {@link BatchLayout#firstTokenRow}(s) of the first-token layout. Its attention is computed
   * exactly as in the full pass (the same products, every query), so that row is bitwise the full
   * pass's.
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
      attend(ws, len, keyMask, layout.seqStart(s));
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
   * [len, hidden]; its key mask entries start at keyMask[maskStart].
   */
  private void attend(Workspace ws, int len, boolean[] keyMask, int maskStart) {
    int ld = 3 * hiddenSize;
    int hs = headSize();
    float scale = (float) (1.0 / Math.sqrt(hs));
    float[] qkv = ws.seqQkv;
    float[] scores = ws.scores;
    // Score rows padded to whole SIMD vectors with -∞ (weight exactly 0): no scalar tails, and
    // the same padded width on every CPU, so the sums keep one order everywhere.
    int lds = Workspace.paddedLength(len);
    for (int h = 0; h < numHeads; h++) {
      int qOff = h * hs;
      int kOff = hiddenSize + h * hs;
      int vOff = 2 * hiddenSize + h * hs;
      // scores [len, len] = scale · Q_h · K_hᵀ (HF scales before adding the mask)
      Blas.gemmNT(len, len, hs, scale, qkv, qOff, ld, qkv, kOff, ld, 0f, scores, 0, lds);
      // + position bias (MPNet: "attention_scores += position_bias", after the scaling)
      if (positionBias != null) positionBias.addTo(h, len, scores, lds);
      for (int q = 0; q < len; q++) {
        Arrays.fill(scores, q * lds + len, (q + 1) * lds, Float.NEGATIVE_INFINITY);
      }
      if (keyMask != null) applyMask(scores, len, lds, keyMask, maskStart);
      Ops.softmaxNumeratorsInPlace(scores, 0, len, lds, lds, ws.rowInv);
      // context_h [len, hs] = P · V_h, written into its head's columns; the softmax's division
      // is applied here, to hs values per row rather than len.
      int cOff = h * hs;
      Blas.gemmNN(len, hs, len, 1f, scores, 0, lds, qkv, vOff, ld, 0f, ws.seqContext, cOff,
          hiddenSize);
      Ops.scaleRowsInPlace(ws.seqContext, cOff, len, hs, hiddenSize, ws.rowInv);
    }
  }

  private static void applyMask(float[] scores, int len, int lds, boolean[] keyMask,
      int maskStart) {
    for (int k = 0; k < len; k++) {
      if (keyMask[maskStart + k]) continue;
      for (int q = 0; q < len; q++) scores[q * lds + k] = Float.NEGATIVE_INFINITY;
    }
  }
}
