package io.corpusencoder.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corpusencoder.core.testing.ReferenceOps;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Attention maths on small cases checked by hand and against a naive reference. */
class SelfAttentionTest {

  /** Q, K, V projections that copy x: weight [3h, h] = three stacked identities, bias 0. */
  private static SelfAttention identityAttention(int hidden, int heads) {
    float[] w = new float[3 * hidden * hidden];
    for (int part = 0; part < 3; part++) {
      for (int i = 0; i < hidden; i++) w[part * hidden * hidden + i * hidden + i] = 1f;
    }
    return new SelfAttention(new Dense(w, new float[3 * hidden], hidden, 3 * hidden), heads, hidden);
  }

  /** x and the result [tokens, hidden], sequences packed one after another. */
  private static float[] run(SelfAttention a, float[] x, int[] lens, boolean[] mask) {
    int h = a.hiddenSize();
    BatchLayout layout = BatchLayout.of(lens, new int[lens.length], BatchLayout.BLOCK);
    int maxLen = 0;
    for (int len : lens) maxLen = Math.max(maxLen, len);
    Workspace ws = new Workspace();
    ws.ensure(layout.rows(), maxLen, h, 1);
    float[] in = new float[layout.rows() * h];
    float[] ctx = new float[layout.rows() * h];
    for (int s = 0; s < lens.length; s++) {
      for (int t = 0; t < lens[s]; t++) {
        System.arraycopy(x, (layout.seqStart(s) + t) * h, in, layout.row(s, t) * h, h);
      }
    }
    a.forward(in, ws, layout, mask, ctx);
    float[] out = new float[layout.tokens() * h];
    for (int s = 0; s < lens.length; s++) {
      for (int t = 0; t < lens[s]; t++) {
        System.arraycopy(ctx, layout.row(s, t) * h, out, (layout.seqStart(s) + t) * h, h);
      }
    }
    return out;
  }

  @Test
  void scoresAreScaledByOneOverSqrtHeadSize() {
    // One head, d_k = 4, two tokens. q0 = k0 = (1,1,1,1), k1 = (0,0,0,0):
    // scores row 0 = [4/√4, 0] = [2, 0]; weights = [e²/(e²+1), 1/(e²+1)].
    // V = x, so context0 = w0·x0 + w1·x1.
    float[] x = {1, 1, 1, 1, 0, 0, 0, 0};
    float[] ctx = run(identityAttention(4, 1), x, new int[] {2}, null);
    double e2 = Math.exp(2);
    double w0 = e2 / (e2 + 1);
    for (int c = 0; c < 4; c++) assertEquals(w0, ctx[c], 1e-6, "with 1/√d_k scaling");
    // Without scaling it would be e⁴/(e⁴+1) = 0.982; with it, 0.881.
    assertEquals(0.8807971, ctx[0], 1e-6);
  }

  @Test
  void maskedKeysWeighExactlyZero() {
    Random r = new Random(3);
    int h = 8;
    float[] x = new float[3 * h];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    boolean[] mask = {true, false, true};
    float[] a = run(identityAttention(h, 2), x, new int[] {3}, mask);
    // Changing the masked token's content changes neither of the others' contexts.
    float[] y = x.clone();
    for (int c = 0; c < h; c++) y[h + c] = 100f * (float) r.nextGaussian();
    float[] b = run(identityAttention(h, 2), y, new int[] {3}, mask);
    for (int t : new int[] {0, 2}) {
      for (int c = 0; c < h; c++) assertEquals(a[t * h + c], b[t * h + c], 0f, "token " + t);
    }
  }

  @Test
  void eachRowIsAConvexCombinationOfValues() {
    // V = x with x one-hot rows: context = the softmax weights themselves, which sum to 1.
    int h = 4;
    float[] x = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    float[] ctx = run(identityAttention(h, 1), x, new int[] {4}, null);
    for (int t = 0; t < 4; t++) {
      double sum = 0;
      for (int c = 0; c < h; c++) {
        sum += ctx[t * h + c];
        assertEquals(true, ctx[t * h + c] > 0, "all weights positive");
      }
      assertEquals(1.0, sum, 1e-6, "softmax row " + t + " sums to 1");
    }
  }

  @Test
  void multiHeadMatchesNaiveReferenceAndSequencesDoNotInteract() {
    Random r = new Random(4);
    int h = 12, heads = 3, hs = 4;
    float[] w = new float[3 * h * h];
    float[] bias = new float[3 * h];
    for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * 0.3f;
    for (int i = 0; i < bias.length; i++) bias[i] = (float) r.nextGaussian() * 0.1f;
    SelfAttention att = new SelfAttention(new Dense(w, bias, h, 3 * h), heads, h);
    int[] lens = {5, 2, 7};
    int tokens = 14;
    float[] x = new float[tokens * h];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    float[] ctx = run(att, x, lens, null);

    double[][] wq = ReferenceOps.toDouble(w, 3 * h, h);
    int start = 0;
    for (int len : lens) {
      double[][] xs = new double[len][h];
      for (int t = 0; t < len; t++) for (int c = 0; c < h; c++) xs[t][c] = x[(start + t) * h + c];
      double[][] qkv = ReferenceOps.matmul(xs, ReferenceOps.transpose(wq));
      for (int t = 0; t < len; t++) for (int c = 0; c < 3 * h; c++) qkv[t][c] += bias[c];
      for (int head = 0; head < heads; head++) {
        double[][] q = new double[len][hs], k = new double[len][hs], v = new double[len][hs];
        for (int t = 0; t < len; t++)
          for (int c = 0; c < hs; c++) {
            q[t][c] = qkv[t][head * hs + c];
            k[t][c] = qkv[t][h + head * hs + c];
            v[t][c] = qkv[t][2 * h + head * hs + c];
          }
        double[][] s = ReferenceOps.matmul(q, ReferenceOps.transpose(k));
        for (double[] row : s) for (int j = 0; j < row.length; j++) row[j] /= Math.sqrt(hs);
        double[][] o = ReferenceOps.matmul(ReferenceOps.softmax(s), v);
        for (int t = 0; t < len; t++)
          for (int c = 0; c < hs; c++) {
            assertEquals(o[t][c], ctx[(start + t) * h + head * hs + c], 1e-4,
                "sequence starting at " + start + ", head " + head);
          }
      }
      start += len;
    }
  }
}
