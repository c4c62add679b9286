package io.corpusencoder.core.model;

import io.corpusencoder.core.config.Activation;
import io.corpusencoder.core.math.Ops;
import java.io.Serializable;

/**
 * One encoder layer: self-attention, output projection, residual + LayerNorm, then the
 * feed-forward (dense, activation, dense), residual + LayerNorm. Post-LayerNorm as BERT; with
 * {@code preLayerNorm} each LayerNorm moves in front of its sub-layer instead.
 */
record EncoderLayer(
    SelfAttention attention,
    Dense attentionOutput,
    LayerNorm attentionNorm,
    Dense intermediate,
    Activation activation,
    Dense output,
    LayerNorm outputNorm,
    boolean preLayerNorm)
    implements Serializable {

  /** ws.hidden [tokens, hidden] -> ws.hidden, through ws's scratch buffers. */
  void forward(Workspace ws, int[] seqStart, int[] seqLen, int numSeqs, boolean[] keyMask) {
    int tokens = seqStart[numSeqs - 1] + seqLen[numSeqs - 1];
    int hidden = attentionOutput.out();
    if (!preLayerNorm) {
      attention.forward(ws.hidden, ws, seqStart, seqLen, numSeqs, keyMask, ws.context);
      attentionOutput.forwardWithoutBias(ws.context, tokens, ws.scratch);
      // Add & Norm, with the projection's bias fused in
      attentionNorm.biasResidualForwardInPlace(ws.scratch, attentionOutput.bias(), ws.hidden, tokens);
      ws.swapHiddenAndScratch();
      intermediateActivated(ws.hidden, tokens, ws.ffn);
      output.forwardWithoutBias(ws.ffn, tokens, ws.scratch);
      outputNorm.biasResidualForwardInPlace(ws.scratch, output.bias(), ws.hidden, tokens);
      ws.swapHiddenAndScratch();
    } else {
      System.arraycopy(ws.hidden, 0, ws.scratch, 0, tokens * hidden);
      attentionNorm.forwardInPlace(ws.scratch, tokens);
      attention.forward(ws.scratch, ws, seqStart, seqLen, numSeqs, keyMask, ws.context);
      attentionOutput.forward(ws.context, tokens, ws.scratch);
      addInPlace(ws.hidden, ws.scratch, tokens * hidden); // x = x + Attention(LN(x))
      System.arraycopy(ws.hidden, 0, ws.scratch, 0, tokens * hidden);
      outputNorm.forwardInPlace(ws.scratch, tokens);
      intermediate.forward(ws.scratch, tokens, ws.ffn);
      activate(ws.ffn, tokens * intermediate.out());
      output.forward(ws.ffn, tokens, ws.scratch);
      addInPlace(ws.hidden, ws.scratch, tokens * hidden); // x = x + FFN(LN(x))
    }
  }

  /**
   * The layer for the first token of each sequence only (a post-LayerNorm encoder's last layer
   * when only [CLS] is pooled): attention reads every token, the rest runs on one row per
   * sequence. ws.hidden [tokens, hidden] -> ws.hidden [numSeqs, hidden].
   */
  void forwardFirstTokens(Workspace ws, int[] seqStart, int[] seqLen, int numSeqs,
      boolean[] keyMask) {
    int d = attentionOutput.out();
    attention.forwardFirstQuery(ws.hidden, ws, seqStart, seqLen, numSeqs, keyMask, ws.context);
    attentionOutput.forwardWithoutBias(ws.context, numSeqs, ws.scratch);
    for (int s = 0; s < numSeqs; s++) {
      System.arraycopy(ws.hidden, seqStart[s] * d, ws.context, s * d, d); // residual rows
    }
    attentionNorm.biasResidualForwardInPlace(ws.scratch, attentionOutput.bias(), ws.context,
        numSeqs);
    intermediateActivated(ws.scratch, numSeqs, ws.ffn);
    output.forwardWithoutBias(ws.ffn, numSeqs, ws.hidden);
    outputNorm.biasResidualForwardInPlace(ws.hidden, output.bias(), ws.scratch, numSeqs);
  }

  /** ffn = activation(x · W_intermediateᵀ + bias); for GELU the bias is fused into it. */
  private void intermediateActivated(float[] x, int rows, float[] ffn) {
    if (activation == Activation.GELU) {
      intermediate.forwardWithoutBias(x, rows, ffn);
      Ops.biasGeluInPlace(ffn, intermediate.bias(), rows, intermediate.out());
    } else {
      intermediate.forward(x, rows, ffn);
      activate(ffn, rows * intermediate.out());
    }
  }

  private void activate(float[] x, int n) {
    switch (activation) {
      case GELU -> Ops.geluInPlace(x, n);
      case GELU_TANH -> Ops.geluTanhInPlace(x, n);
      case RELU -> Ops.reluInPlace(x, n);
    }
  }

  private static void addInPlace(float[] x, float[] y, int n) {
    Ops.addInPlace(x, y, n);
  }
}
