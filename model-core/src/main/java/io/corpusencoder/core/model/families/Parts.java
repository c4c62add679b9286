package io.corpusencoder.core.model.families;

import io.corpusencoder.core.model.Dense;
import io.corpusencoder.core.model.LayerNorm;
import io.corpusencoder.core.weights.WeightMap;

/** Reading the shared parts from a checkpoint, by the tensor names a family gives. */
final class Parts {
  private Parts() {}

  /** A Linear: {prefix}weight [out, in] and {prefix}bias [out]. */
  static Dense dense(WeightMap w, String prefix, int in, int out) {
    return new Dense(w.matrix(prefix + "weight", out, in), w.vector(prefix + "bias", out), in, out);
  }

  /** A Linear without bias ({@code name} [out, in]); its bias is zero. */
  static Dense biasFree(WeightMap w, String name, int in, int out) {
    return new Dense(w.matrix(name, out, in), new float[out], in, out);
  }

  /** A LayerNorm: {prefix}weight [n] and {prefix}bias [n]. */
  static LayerNorm norm(WeightMap w, String prefix, int n, float eps) {
    return new LayerNorm(w.vector(prefix + "weight", n), w.vector(prefix + "bias", n), eps);
  }

  /**
   * Three [h, h] Linears (query, key, value prefixes) stacked row-wise into one [3h, h] Dense: one
   * GEMM instead of three, the same sums per output.
   */
  static Dense fusedQkv(WeightMap w, String q, String k, String v, int h) {
    float[] weight = new float[3 * h * h];
    float[] bias = new float[3 * h];
    String[] prefixes = {q, k, v};
    for (int i = 0; i < 3; i++) {
      System.arraycopy(w.matrix(prefixes[i] + "weight", h, h), 0, weight, i * h * h, h * h);
      System.arraycopy(w.vector(prefixes[i] + "bias", h), 0, bias, i * h, h);
    }
    return new Dense(weight, bias, h, 3 * h);
  }
}
