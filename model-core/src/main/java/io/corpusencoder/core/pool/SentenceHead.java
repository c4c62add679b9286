package io.corpusencoder.core.pool;

import io.corpusencoder.core.math.Ops;
import io.corpusencoder.core.model.HiddenStates;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What sentence-transformers' modules after the Transformer do to its token vectors, in
 * modules.json's order: Pooling (with its include_prompt), then each Dense; then, as
 * SentenceTransformer.encode does after the modules, Matryoshka truncation to the first
 * {@code dimensions} values; then L2 normalization when the model normalizes (a Normalize
 * module, or normalize_embeddings), so a truncated vector is re-normalized.
 */
public record SentenceHead(Pooling pooling, boolean includePrompt, List<Dense> dense)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public SentenceHead {
    Objects.requireNonNull(pooling, "pooling");
    dense = List.copyOf(dense);
  }

  /** Plain pooling: prompt tokens included, no Dense module. */
  public static SentenceHead of(Pooling pooling) {
    return new SentenceHead(pooling, true, List.of());
  }

  public SentenceHead withPooling(Pooling p) {
    return new SentenceHead(p, includePrompt, dense);
  }

  /** The vector's length after the Dense modules, for an encoder of {@code hiddenSize}. */
  public int outputDimension(int hiddenSize) {
    return dense.isEmpty() ? hiddenSize : dense.get(dense.size() - 1).outFeatures();
  }

  /** Checks that the Dense modules chain from {@code hiddenSize}; errors name {@code where}. */
  public void requireChains(int hiddenSize, String where) {
    int d = hiddenSize;
    for (int i = 0; i < dense.size(); i++) {
      if (dense.get(i).inFeatures() != d) {
        throw new IllegalArgumentException(where + ": Dense module " + (i + 1) + " has in_features "
            + dense.get(i).inFeatures() + "; expected " + d + " (the "
            + (i == 0 ? "encoder's hidden size" : "previous Dense module's out_features") + ")");
      }
      d = dense.get(i).outFeatures();
    }
  }

  /**
   * Sequence s of {@code h} through the modules: pooled (its first {@code promptLength} tokens
   * left out unless include_prompt), each Dense, the first {@code dimensions} values kept (0 =
   * all), L2-normalized when {@code normalize}.
   */
  public float[] apply(HiddenStates h, int s, int promptLength, int dimensions,
      boolean normalize) {
    float[] v = pooling.pool(h, s, includePrompt ? 0 : promptLength);
    for (Dense d : dense) v = d.apply(v);
    if (dimensions > 0 && dimensions < v.length) v = Arrays.copyOf(v, dimensions);
    if (normalize) Ops.l2NormalizeInPlace(v, 0, v.length);
    return v;
  }

  /** "mean > dense 64->32 tanh": the modules as metadata records them. */
  public String describe() {
    StringBuilder b = new StringBuilder(pooling.optionValue());
    if (!includePrompt) b.append(" (prompt excluded)");
    for (Dense d : dense) b.append(" > dense ").append(d.describe());
    return b.toString();
  }
}
