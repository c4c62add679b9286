package io.corpusencoder.core.model;

import java.io.Serializable;

/**
 * Rotary position embedding, rotate-half form (transformers' apply_rotary_pos_emb): for a head of
 * size d and token position p, q'[i] = q[i]·cos − q[i + d/2]·sin and q'[i + d/2] = q[i + d/2]·cos
 * + q[i]·sin, with angle p·θ_i and θ_i = 1 / base^(2i/d), computed in fp32 as the reference does.
 * The same for keys; values are not rotated.
 */
public final class RotaryEmbedding implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int headSize;
  private final double base;
  private final float[] invFreq; // [d/2]
  private transient float[] cos; // [positions, d/2], grown on demand
  private transient float[] sin;

  public RotaryEmbedding(int headSize, double base) {
    this(headSize, base, inverseFrequencies(headSize, base));
  }

  private RotaryEmbedding(int headSize, double base, float[] invFreq) {
    this.headSize = headSize;
    this.base = base;
    this.invFreq = invFreq;
  }

  /**
   * Fixed NTK-aware scaling as GTE's NewModel computes it (its NTKScalingRotaryEmbedding without
   * mixed_b): θ_i = 1 / (base·factor)^(2i/d) / factor^(2/d), each step in fp32. The reference
   * builds its table for max_position_embeddings · factor positions at construction, which is
   * past max_position_embeddings, so these frequencies apply to every position of every input.
   */
  public static RotaryEmbedding fixedNtk(int headSize, double base, double factor) {
    float[] invFreq = inverseFrequencies(headSize, base * factor);
    float divisor = (float) Math.pow(factor, 2.0 / headSize);
    for (int i = 0; i < invFreq.length; i++) {
      invFreq[i] = invFreq[i] / divisor;
    }
    return new RotaryEmbedding(headSize, base, invFreq);
  }

  /** torch: 1.0 / (base ** (torch.arange(0, d, 2).float() / d)), in fp32. */
  private static float[] inverseFrequencies(int headSize, double base) {
    if (headSize % 2 != 0) {
      throw new IllegalArgumentException("rotary head size must be even, got " + headSize);
    }
    float[] invFreq = new float[headSize / 2];
    for (int i = 0; i < invFreq.length; i++) {
      float exponent = (float) (2 * i) / headSize;
      invFreq[i] = 1f / (float) Math.pow(base, exponent);
    }
    return invFreq;
  }

  public double base() {
    return base;
  }

  /** Table rows for positions [0, len): angle = p·θ_i rounded to fp32, then cos and sin. */
  private synchronized float[][] tables(int len) {
    int half = headSize / 2;
    if (cos == null || cos.length < len * half) {
      int n = Math.max(len, cos == null ? 0 : 2 * cos.length / half);
      float[] c = new float[n * half];
      float[] s = new float[n * half];
      for (int p = 0; p < n; p++) {
        for (int i = 0; i < half; i++) {
          float angle = (float) p * invFreq[i];
          c[p * half + i] = (float) Math.cos(angle);
          s[p * half + i] = (float) Math.sin(angle);
        }
      }
      cos = c;
      sin = s;
    }
    return new float[][] {cos, sin};
  }

  /**
   * Rotates, for tokens t in [0, len) at positions t, the head-size blocks starting at columns
   * {@code offsets} of x [len, ld] in place.
   */
  void rotate(float[] x, int len, int ld, int[] offsets) {
    float[][] t = tables(len);
    float[] c = t[0];
    float[] s = t[1];
    int half = headSize / 2;
    for (int p = 0; p < len; p++) {
      for (int off : offsets) {
        int o = p * ld + off;
        for (int i = 0; i < half; i++) {
          float x1 = x[o + i];
          float x2 = x[o + half + i];
          float ci = c[p * half + i];
          float si = s[p * half + i];
          // (q · cos) + (rotate_half(q) · sin), each product rounded, as torch
          x[o + i] = x1 * ci + -x2 * si;
          x[o + half + i] = x2 * ci + x1 * si;
        }
      }
    }
  }
}
