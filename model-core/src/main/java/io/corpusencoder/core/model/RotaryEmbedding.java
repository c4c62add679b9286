package io.corpusencoder.core.model;

import io.corpusencoder.core.config.EncoderConfig.DynamicNtk;
import io.corpusencoder.core.math.Ops;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rotary position embedding, rotate-half form (transformers' apply_rotary_pos_emb): for a head of
 * size d and token position p, q'[i] = q[i]·cos − q[i + d/2]·sin and q'[i + d/2] = q[i + d/2]·cos
 * + q[i]·sin, with angle p·θ_i and θ_i = 1 / base^(2i/d), computed in fp32 as the reference does.
 * The same for keys; values are not rotated.
 *
 * <p>With dynamic NTK (NomicBERT's rotary_scaling_factor), a sequence longer than the trained
 * length rotates with a base raised for its length (nomic's NomicBertDynamicNTKRotaryEmbedding).
 * nomic's code takes that length from the padded batch (and keeps it between calls); here it is
 * the sequence's own length, so a text's result does not depend on its neighbours: nomic's code
 * on that text alone.
 */
public final class RotaryEmbedding implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Lengths past the trained one whose tables are kept (each its own base). */
  private static final int SCALED_TABLES_KEPT = 8;

  private final int headSize;
  private final double base;
  private final DynamicNtk dynamicNtk; // null: one base at every length
  private final float[] invFreq; // [d/2]
  // {cos, sin} [positions, d/2], grown on demand; read without the lock (replaced whole)
  private transient volatile float[][] unscaled;
  private transient Map<Integer, float[][]> scaled; // length past the trained one -> {cos, sin}

  public RotaryEmbedding(int headSize, double base) {
    this(headSize, base, null);
  }

  /** {@code dynamicNtk} may be null (one base at every length). */
  public RotaryEmbedding(int headSize, double base, DynamicNtk dynamicNtk) {
    this(headSize, base, inverseFrequencies(headSize, base), dynamicNtk);
  }

  private RotaryEmbedding(int headSize, double base, float[] invFreq, DynamicNtk dynamicNtk) {
    if (dynamicNtk != null && headSize <= 2) {
      throw new IllegalArgumentException("dynamic NTK needs a rotary head size > 2, got "
          + headSize);
    }
    this.headSize = headSize;
    this.base = base;
    this.invFreq = invFreq;
    this.dynamicNtk = dynamicNtk;
  }

  /**
   * Fixed NTK-aware scaling as GTE's NewModel computes it (its NTKScalingRotaryEmbedding without
   * mixed_b): θ_i = 1 / (base·factor)^(2i/d) / factor^(2/d), each step in fp32. The reference
   * builds its table for max_position_embeddings · factor positions at construction, which is
   * past max_position_embeddings, so these frequencies apply to every position of every input.
   */
  public static RotaryEmbedding fixedNtk(int headSize, double base, double factor) {
    float[] invFreq = inverseFrequencies(headSize, base * factor);
    float divisor = (float) StrictMath.pow(factor, 2.0 / headSize);
    for (int i = 0; i < invFreq.length; i++) {
      invFreq[i] = invFreq[i] / divisor;
    }
    return new RotaryEmbedding(headSize, base, invFreq, null);
  }

  /**
   * torch: 1.0 / (base ** (torch.arange(0, d, 2).float() / d)): a Python float base is taken as
   * an fp32 scalar (torch.pow(Scalar, Tensor)), then fp32 pow.
   */
  private static float[] inverseFrequencies(int headSize, double base) {
    if (headSize % 2 != 0) {
      throw new IllegalArgumentException("rotary head size must be even, got " + headSize);
    }
    float b = (float) base;
    float[] inv = new float[headSize / 2];
    for (int i = 0; i < inv.length; i++) {
      float exponent = (float) (2 * i) / headSize;
      inv[i] = 1f / (float) StrictMath.pow(b, exponent);
    }
    return inv;
  }

  public double base() {
    return base;
  }

  /**
   * The base a sequence of {@code len} tokens rotates with: with dynamic NTK and len past the
   * trained length, base · (factor · len / trained − (factor − 1))^(d / (d − 2)), in double as
   * nomic's Python computes it; else the base.
   */
  public double base(int len) {
    if (!scales(len)) return base;
    double f = dynamicNtk.factor();
    return base * StrictMath.pow(f * len / dynamicNtk.trainedPositions() - (f - 1),
        headSize / (headSize - 2.0));
  }

  /** θ_i for a sequence of {@code len} tokens. */
  public float[] inverseFrequencies(int len) {
    return scales(len) ? inverseFrequencies(headSize, base(len)) : invFreq.clone();
  }

  private boolean scales(int len) {
    return dynamicNtk != null && len > dynamicNtk.trainedPositions();
  }

  /** Table rows for positions [0, len) of a sequence of len tokens: {cos, sin}. */
  private float[][] tables(int len) {
    if (!scales(len)) {
      float[][] t = unscaled;
      if (t != null && t[0].length >= len * (headSize / 2)) return t;
    }
    return tablesLocked(len);
  }

  private synchronized float[][] tablesLocked(int len) {
    if (scales(len)) {
      if (scaled == null) {
        scaled = new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Integer, float[][]> eldest) {
            return size() > SCALED_TABLES_KEPT;
          }
        };
      }
      return scaled.computeIfAbsent(len, n -> table(inverseFrequencies(headSize, base(n)), n));
    }
    int half = headSize / 2;
    float[][] t = unscaled;
    if (t == null || t[0].length < len * half) {
      t = table(invFreq, Math.max(len, t == null ? 0 : 2 * t[0].length / half));
      unscaled = t;
    }
    return t;
  }

  /** Rows for positions [0, n): angle = p·θ_i rounded to fp32, then cos and sin. */
  private static float[][] table(float[] inv, int n) {
    int half = inv.length;
    float[] c = new float[n * half];
    float[] s = new float[n * half];
    for (int p = 0; p < n; p++) {
      for (int i = 0; i < half; i++) {
        float angle = (float) p * inv[i];
        c[p * half + i] = (float) StrictMath.cos(angle);
        s[p * half + i] = (float) StrictMath.sin(angle);
      }
    }
    return new float[][] {c, s};
  }

  /**
   * The cos and sin this embedding rotates a sequence of {@code len} tokens with, rows [0, len)
   * of d/2 each (copies): {cos, sin}. An ONNX importer compares an export's constant tables
   * with them.
   */
  public float[][] cosSin(int len) {
    float[][] t = tables(len);
    int n = len * (headSize / 2);
    return new float[][] {java.util.Arrays.copyOf(t[0], n), java.util.Arrays.copyOf(t[1], n)};
  }

  /**
   * Rotates, for the tokens t in [0, len) of one sequence of len tokens, at positions t, the
   * head-size blocks starting at columns {@code offsets} of x [len, ld] in place.
   */
  void rotate(float[] x, int len, int ld, int[] offsets) {
    float[][] t = tables(len);
    float[] c = t[0];
    float[] s = t[1];
    int half = headSize / 2;
    for (int p = 0; p < len; p++) {
      for (int off : offsets) {
        Ops.rotateHalfInPlace(x, p * ld + off, half, c, s, p * half);
      }
    }
  }
}
