package io.corpusencoder.core.model;

/**
 * The last hidden state of a batch, sequences packed one after another: sequence s occupies rows
 * [seqStart[s], seqStart[s] + seqLen[s]) of {@code data} [tokens, hiddenSize]. When it comes from
 * a {@link Workspace}, the data is valid until that workspace's next forward pass.
 */
public record HiddenStates(float[] data, int[] seqStart, int[] seqLen, int hiddenSize) {
  public int numSequences() {
    return seqLen.length;
  }

  /** Hidden vector of token t of sequence s, copied. */
  public float[] token(int s, int t) {
    float[] v = new float[hiddenSize];
    System.arraycopy(data, (seqStart[s] + t) * hiddenSize, v, 0, hiddenSize);
    return v;
  }

  /** All token vectors of sequence s, copied: [seqLen[s]][hiddenSize]. */
  public float[][] sequence(int s) {
    float[][] out = new float[seqLen[s]][];
    for (int t = 0; t < seqLen[s]; t++) out[t] = token(s, t);
    return out;
  }
}
