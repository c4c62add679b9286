package io.corpusencoder.core.model;

import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.math.Ops;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Multi-head scaled dot-product self-attention, softmax(QKᵀ/√d_head + mask)·V, with Q, K and V
 * projected by one fused product. Runs per sequence on that sequence's own length, so padding is
 * never computed and a text's result does not depend on its batch neighbours.
 */
record SelfAttention(Dense qkv /* [3·hidden, hidden] */, int numHeads, int hiddenSize)
    implements Serializable {

  int headSize() {
    return hiddenSize / numHeads;
  }

  /**
   * x [tokens, hidden] (sequences packed one after another) -> context [tokens, hidden];
   * {@code keyMask}, when not null, holds per packed token whether it may be attended to.
   */
  void forward(float[] x, Workspace ws, int[] seqStart, int[] seqLen, int numSeqs,
      boolean[] keyMask, float[] context) {
    qkv.forward(x, seqStart[numSeqs - 1] + seqLen[numSeqs - 1], ws.qkv);
    for (int s = 0; s < numSeqs; s++) {
      attend(ws, seqStart[s], seqLen[s], seqLen[s], keyMask, context, seqStart[s] * hiddenSize);
    }
  }

  /**
   * Attention for the first query of each sequence only (its [CLS] token), keys and values from
   * all of its tokens: context [numSeqs, hidden], row s for sequence s.
   */
  void forwardFirstQuery(float[] x, Workspace ws, int[] seqStart, int[] seqLen, int numSeqs,
      boolean[] keyMask, float[] context) {
    qkv.forward(x, seqStart[numSeqs - 1] + seqLen[numSeqs - 1], ws.qkv);
    for (int s = 0; s < numSeqs; s++) {
      attend(ws, seqStart[s], seqLen[s], 1, keyMask, context, s * hiddenSize);
    }
  }

  /**
   * One sequence, every head: the first {@code queries} of its {@code len} tokens attend to all
   * of them; their context rows are written from context[ctxOff] on, row stride hidden.
   */
  private void attend(Workspace ws, int start, int len, int queries, boolean[] keyMask,
      float[] context, int ctxOff) {
    int ld = 3 * hiddenSize;
    int hs = headSize();
    float scale = (float) (1.0 / Math.sqrt(hs));
    float[] scores = ws.scores;
    // Score rows padded to whole SIMD vectors with -∞ (weight exactly 0): no scalar tails, and
    // the same padded width on every CPU, so the sums keep one order everywhere.
    int lds = Workspace.paddedLength(len);
    int rowOff = start * ld;
    for (int h = 0; h < numHeads; h++) {
      int qOff = rowOff + h * hs;
      int kOff = rowOff + hiddenSize + h * hs;
      int vOff = rowOff + 2 * hiddenSize + h * hs;
      // scores [queries, len] = scale · Q_h · K_hᵀ (HF scales before adding the mask)
      Blas.gemmNT(queries, len, hs, scale, ws.qkv, qOff, ld, ws.qkv, kOff, ld, 0f, scores, 0, lds);
      for (int q = 0; q < queries; q++) {
        Arrays.fill(scores, q * lds + len, (q + 1) * lds, Float.NEGATIVE_INFINITY);
      }
      if (keyMask != null) applyMask(scores, queries, len, lds, keyMask, start);
      Ops.softmaxNumeratorsInPlace(scores, 0, queries, lds, lds, ws.rowInv);
      // context_h [queries, hs] = P · V_h, written into its head's columns; the softmax's
      // division is applied here, to hs values per row rather than len.
      int cOff = ctxOff + h * hs;
      Blas.gemmNN(queries, hs, len, 1f, scores, 0, lds, ws.qkv, vOff, ld, 0f, context, cOff,
          hiddenSize);
      Ops.scaleRowsInPlace(context, cOff, queries, hs, hiddenSize, ws.rowInv);
    }
  }

  private static void applyMask(float[] scores, int queries, int len, int lds,
      boolean[] keyMask, int start) {
    for (int k = 0; k < len; k++) {
      if (keyMask[start + k]) continue;
      for (int q = 0; q < queries; q++) scores[q * lds + k] = Float.NEGATIVE_INFINITY;
    }
  }
}
