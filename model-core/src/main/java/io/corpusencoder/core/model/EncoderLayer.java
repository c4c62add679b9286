package io.corpusencoder.core.model;

import io.corpusencoder.core.config.Activation;
import io.corpusencoder.core.math.Ops;
import java.io.Serializable;
import java.util.Arrays;

/**
 * One encoder layer: self-attention, output projection, residual + LayerNorm, then the
 * feed-forward (dense, activation, dense), residual + LayerNorm. Post-LayerNorm as BERT; with
 * {@code preLayerNorm} each LayerNorm moves in front of its sub-layer instead (a null
 * attentionNorm is then the identity: ModernBERT's first layer). A {@code gated} feed-forward is a
 * GLU: the intermediate product's first half, activated, times its second half, so a recipe
 * stacks its gate projection's rows first: GeGLU with GELU (ModernBERT's Wi: input, gate =
 * Wi(x).chunk(2)), SwiGLU with SILU (NomicBERT's fc12 over fc11: fc11(x) · silu(fc12(x))).
 */
public record EncoderLayer(
    SelfAttention attention,
    Dense attentionOutput,
    LayerNorm attentionNorm,
    Dense intermediate,
    Activation activation,
    Dense output,
    LayerNorm outputNorm,
    boolean preLayerNorm,
    boolean gated)
    implements Serializable {

  /** A layer with a plain (dense, activation, dense) feed-forward. */
  public EncoderLayer(SelfAttention attention, Dense attentionOutput, LayerNorm attentionNorm,
      Dense intermediate, Activation activation, Dense output, LayerNorm outputNorm,
      boolean preLayerNorm) {
    this(attention, attentionOutput, attentionNorm, intermediate, activation, output, outputNorm,
        preLayerNorm, false);
  }

  public EncoderLayer {
    if (gated && output.in() * 2 != intermediate.out()) {
      throw new IllegalArgumentException("a gated feed-forward needs an intermediate product "
          + "twice the output's input");
    }
    if (attentionNorm == null && !preLayerNorm) {
      throw new IllegalArgumentException("only a pre-LayerNorm layer may skip its attention norm");
    }
  }

  /** ws.hidden [rows, hidden] -> ws.hidden, through ws's scratch buffers; rows as layout's. */
  void forward(Workspace ws, BatchLayout layout, boolean[] keyMask) {
    int rows = layout.rows();
    int hidden = attentionOutput.out();
    if (!preLayerNorm) {
      attention.forward(ws.hidden, ws, layout, keyMask, ws.context);
      attentionOutput.forwardWithoutBias(ws.context, rows, ws.scratch);
      // Add & Norm, with the projection's bias fused in
      attentionNorm.biasResidualForwardInPlace(ws.scratch, attentionOutput.bias(), ws.hidden, rows);
      ws.swapHiddenAndScratch();
      intermediateActivated(ws.hidden, rows, ws.ffn);
      output.forwardWithoutBias(ws.ffn, rows, ws.scratch);
      outputNorm.biasResidualForwardInPlace(ws.scratch, output.bias(), ws.hidden, rows);
      ws.swapHiddenAndScratch();
    } else {
      if (attentionNorm != null) {
        attentionNorm.forward(ws.hidden, ws.scratch, rows);
      } else {
        System.arraycopy(ws.hidden, 0, ws.scratch, 0, rows * hidden);
      }
      attention.forward(ws.scratch, ws, layout, keyMask, ws.context);
      attentionOutput.forward(ws.context, rows, ws.scratch);
      addInPlace(ws.hidden, ws.scratch, rows * hidden); // x = x + Attention(LN(x))
      outputNorm.forward(ws.hidden, ws.scratch, rows);
      intermediateActivated(ws.scratch, rows, ws.ffn);
      output.forward(ws.ffn, rows, ws.scratch);
      addInPlace(ws.hidden, ws.scratch, rows * hidden); // x = x + FFN(LN(x))
    }
  }

  /**
   * The layer for the first token of each sequence only (a post-LayerNorm encoder's last layer
   * when only [CLS] is pooled): attention reads every token, the rest runs on the layout's
   * first-token rows. Each first token keeps its class and every product its kind of row count,
   * so the result is bitwise the full layer's.
   * ws.hidden [layout.rows(), hidden] -> ws.hidden [numSeqs, hidden].
   */
  void forwardFirstTokens(Workspace ws, BatchLayout layout, boolean[] keyMask) {
    int d = attentionOutput.out();
    int n = layout.numSequences();
    int rows = layout.firstTokenRows();
    Arrays.fill(ws.context, 0, rows * d, 0f); // padding rows of the first-token layout
    attention.forward(ws.hidden, ws, layout, keyMask, ws.context, true);
    attentionOutput.forwardWithoutBias(ws.context, rows, ws.scratch);
    for (int s = 0; s < n; s++) { // residual rows
      System.arraycopy(ws.hidden, layout.row(s, 0) * d, ws.context,
          layout.firstTokenRow(s) * d, d);
    }
    attentionNorm.biasResidualForwardInPlace(ws.scratch, attentionOutput.bias(), ws.context, rows);
    intermediateActivated(ws.scratch, rows, ws.ffn);
    output.forwardWithoutBias(ws.ffn, rows, ws.context);
    outputNorm.biasResidualForwardInPlace(ws.context, output.bias(), ws.scratch, rows);
    for (int s = 0; s < n; s++) {
      System.arraycopy(ws.context, layout.firstTokenRow(s) * d, ws.hidden, s * d, d);
    }
  }

  /**
   * Multiply-adds of this layer's matrix products for one sequence of {@code len} tokens, all of
   * its rows or ({@code firstTokenOnly}, as {@link #forwardFirstTokens}) the first token's only:
   * attention (see SelfAttention.multiplyAdds), its output projection, and the feed-forward's two
   * products, the intermediate one as wide as it is (2·intermediate_size for a GLU, so a gated
   * feed-forward counts 3·hidden·intermediate per row, a plain one 2·hidden·intermediate).
   */
  long multiplyAdds(int len, boolean firstTokenOnly) {
    long rows = firstTokenOnly ? 1 : len;
    return attention.multiplyAdds(len, (int) rows)
        + rows * ((long) attentionOutput.in() * attentionOutput.out()
            + (long) intermediate.in() * intermediate.out() + (long) output.in() * output.out());
  }

  /**
   * ffn = activation(x · W_intermediateᵀ + bias) [rows, output.in()], gated or not; for a plain
   * GELU the bias is fused into it.
   */
  private void intermediateActivated(float[] x, int rows, float[] ffn) {
    if (gated) {
      intermediate.forward(x, rows, ffn);
      glu(ffn, rows, output.in());
    } else if (activation == Activation.GELU) {
      intermediate.forwardWithoutBias(x, rows, ffn);
      Ops.biasGeluInPlace(ffn, intermediate.bias(), rows, intermediate.out());
    } else {
      intermediate.forward(x, rows, ffn);
      activate(ffn, rows * intermediate.out());
    }
  }

  /**
   * x [rows, 2·n] -> x [rows, n] in place: activation(first half) · second half, per row (rows
   * move down only, so no row is overwritten before it is read).
   */
  private void glu(float[] x, int rows, int n) {
    if (activation == Activation.GELU) {
      Ops.geluGateInPlace(x, rows, n);
      return;
    }
    if (activation == Activation.SILU) {
      Ops.siluGateInPlace(x, rows, n);
      return;
    }
    for (int r = 0; r < rows; r++) {
      int in = 2 * n * r;
      System.arraycopy(x, in, x, n * r, n);
      activate(x, n * r, n);
      for (int c = 0; c < n; c++) x[n * r + c] *= x[in + n + c];
    }
  }

  private void activate(float[] x, int off, int n) {
    if (activation == Activation.GELU) {
      Ops.geluInPlace(x, off, n);
    } else if (activation == Activation.SILU) {
      Ops.siluInPlace(x, off, n);
    } else {
      float[] row = Arrays.copyOfRange(x, off, off + n);
      activate(row, n);
      System.arraycopy(row, 0, x, off, n);
    }
  }

  private void activate(float[] x, int n) {
    switch (activation) {
      case GELU -> Ops.geluInPlace(x, n);
      case GELU_TANH -> Ops.geluTanhInPlace(x, n);
      case RELU -> Ops.reluInPlace(x, n);
      case SILU -> Ops.siluInPlace(x, 0, n);
    }
  }

  private static void addInPlace(float[] x, float[] y, int n) {
    Ops.addInPlace(x, y, n);
  }
}
