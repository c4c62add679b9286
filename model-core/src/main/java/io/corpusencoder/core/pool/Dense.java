package io.corpusencoder.core.pool;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * sentence-transformers' Dense module after pooling: {@code y = activation(W x + b)}, W
 * [out, in] row-major as torch.nn.Linear stores it, b absent when the module has no bias.
 */
public record Dense(int inFeatures, int outFeatures, float[] weight, float[] bias,
    Activation activation) implements Serializable {

  /** The activations sentence-transformers' configs name, by their torch class names. */
  public enum Activation {
    IDENTITY("torch.nn.modules.linear.Identity"),
    TANH("torch.nn.modules.activation.Tanh"),
    RELU("torch.nn.modules.activation.ReLU"),
    SIGMOID("torch.nn.modules.activation.Sigmoid");

    private final String torchName;

    Activation(String torchName) {
      this.torchName = torchName;
    }

    public String torchName() {
      return torchName;
    }

    /** The activation of a config's "activation_function" value; errors name {@code where}. */
    public static Activation of(String torchName, String where) {
      for (Activation a : values()) if (a.torchName.equals(torchName)) return a;
      StringBuilder known = new StringBuilder();
      for (Activation a : values()) {
        known.append(known.length() == 0 ? "" : ", ").append(a.torchName);
      }
      throw new IllegalArgumentException(where + ": activation_function \"" + torchName
          + "\" is not supported; expected one of " + known);
    }

    // StrictMath: Math.tanh and Math.exp may be JIT intrinsics whose bits differ between JVMs.
    double apply(double x) {
      return switch (this) {
        case IDENTITY -> x;
        case TANH -> StrictMath.tanh(x);
        case RELU -> Math.max(0, x);
        case SIGMOID -> 1 / (1 + StrictMath.exp(-x));
      };
    }
  }

  public Dense {
    Objects.requireNonNull(weight, "weight");
    Objects.requireNonNull(activation, "activation");
    if (weight.length != (long) inFeatures * outFeatures) {
      throw new IllegalArgumentException("Dense weight has " + weight.length + " values; expected "
          + outFeatures + " x " + inFeatures);
    }
    if (bias != null && bias.length != outFeatures) {
      throw new IllegalArgumentException("Dense bias has " + bias.length + " values; expected "
          + outFeatures);
    }
  }

  /** The layer applied to {@code x} (length inFeatures), a new vector. */
  public float[] apply(float[] x) {
    if (x.length != inFeatures) {
      throw new IllegalArgumentException("Dense input has " + x.length + " values; expected "
          + inFeatures);
    }
    float[] y = new float[outFeatures];
    for (int o = 0; o < outFeatures; o++) {
      double acc = bias == null ? 0 : bias[o];
      int row = o * inFeatures;
      for (int i = 0; i < inFeatures; i++) acc += (double) weight[row + i] * x[i];
      y[o] = (float) activation.apply(acc);
    }
    return y;
  }

  /** "64->32 tanh" (", no bias" when it has none), for metadata and logs. */
  public String describe() {
    return inFeatures + "->" + outFeatures + " " + activation.name().toLowerCase(Locale.ROOT)
        + (bias == null ? ", no bias" : "");
  }
}
