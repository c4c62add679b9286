package io.corpusencoder.core.model;

import io.corpusencoder.core.math.Ops;
import java.io.Serializable;

/** Per-row layer normalization with learned gain and bias. */
record LayerNorm(float[] gamma, float[] beta, float eps) implements Serializable {
  /** x [rows, gamma.length] normalized in place. */
  void forwardInPlace(float[] x, int rows) {
    Ops.layerNormInPlace(x, rows, gamma.length, gamma, beta, eps);
  }

  /** x = LayerNorm(x + residual), in place. */
  void addForwardInPlace(float[] x, float[] residual, int rows) {
    Ops.addLayerNormInPlace(x, residual, rows, gamma.length, gamma, beta, eps);
  }
}
