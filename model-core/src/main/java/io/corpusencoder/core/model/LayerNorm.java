package io.corpusencoder.core.model;

import io.corpusencoder.core.math.Ops;
import java.io.Serializable;

/** Per-row layer normalization with learned gain and bias. */
public record LayerNorm(float[] gamma, float[] beta, float eps) implements Serializable {
  /** x [rows, gamma.length] normalized in place. */
  void forwardInPlace(float[] x, int rows) {
    Ops.layerNormInPlace(x, rows, gamma.length, gamma, beta, eps);
  }

  /** dst [rows, gamma.length] = LayerNorm(src), src unchanged. */
  void forward(float[] src, float[] dst, int rows) {
    Ops.layerNorm(src, dst, rows, gamma.length, gamma, beta, eps);
  }

  /** x = LayerNorm(x + bias + residual), in place. */
  void biasResidualForwardInPlace(float[] x, float[] bias, float[] residual, int rows) {
    Ops.biasResidualLayerNormInPlace(x, bias, residual, rows, gamma.length, gamma, beta, eps);
  }
}
