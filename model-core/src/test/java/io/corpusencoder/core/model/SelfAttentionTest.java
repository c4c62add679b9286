package io.corpusencoder.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    return run(a, x, lens, mask, false);
  }

  /**
   * As {@link #run(SelfAttention, float[], int[], boolean[])}; with {@code firstTokensOnly} the
   * result holds each sequence's first token's context, one row per sequence.
   */
  private static float[] run(SelfAttention a, float[] x, int[] lens, boolean[] mask,
      boolean firstTokensOnly) {
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
    a.forward(in, ws, layout, mask, ctx, firstTokensOnly);
    if (firstTokensOnly) {
      float[] first = new float[lens.length * h];
      for (int s = 0; s < lens.length; s++) {
        System.arraycopy(ctx, layout.firstTokenRow(s) * h, first, s * h, h);
      }
      return first;
    }
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

  // Sequences longer than one query block: the blocks, the last one partial, against the naive
  // full-matrix reference, with a window band and with MPNet's relative bias.

  private static final int LONG = 2 * Workspace.QUERY_BLOCK + 37;

  private static SelfAttention randomAttention(Random r, int h, int heads, AttentionBias bias) {
    float[] w = new float[3 * h * h];
    float[] b = new float[3 * h];
    for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * 0.3f;
    for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian() * 0.1f;
    return new SelfAttention(new Dense(w, b, h, 3 * h), heads, h, bias);
  }

  private static float[] gaussian(Random r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    return x;
  }

  /**
   * The full [len, len] attention of one sequence in double: scores + bias(head, q, k), keys with
   * a NaN bias excluded (a window), keys with mask false excluded.
   */
  private static double[][] naive(SelfAttention a, float[] x, int len, boolean[] mask,
      BiasFn bias) {
    int h = a.hiddenSize();
    int heads = a.numHeads();
    int hs = h / heads;
    double[][] xs = ReferenceOps.toDouble(x, len, h);
    double[][] qkv = ReferenceOps.matmul(xs,
        ReferenceOps.transpose(ReferenceOps.toDouble(a.qkv().weight(), 3 * h, h)));
    for (double[] row : qkv) for (int c = 0; c < 3 * h; c++) row[c] += a.qkv().bias()[c];
    double[][] out = new double[len][h];
    for (int head = 0; head < heads; head++) {
      double[][] s = new double[len][len];
      for (int q = 0; q < len; q++) {
        for (int k = 0; k < len; k++) {
          double dot = 0;
          for (int c = 0; c < hs; c++) dot += qkv[q][head * hs + c] * qkv[k][h + head * hs + c];
          double b = bias.at(head, q, k);
          boolean hidden = Double.isNaN(b) || (mask != null && !mask[k]);
          s[q][k] = hidden ? Double.NEGATIVE_INFINITY : dot / Math.sqrt(hs) + b;
        }
      }
      double[][] p = ReferenceOps.softmax(s);
      for (int q = 0; q < len; q++) {
        for (int c = 0; c < hs; c++) {
          double v = 0;
          for (int k = 0; k < len; k++) v += p[q][k] * qkv[k][2 * h + head * hs + c];
          out[q][head * hs + c] = v;
        }
      }
    }
    return out;
  }

  interface BiasFn {
    double at(int head, int q, int k);
  }

  private static void assertMatches(double[][] expected, float[] actual, int h, String what) {
    for (int t = 0; t < expected.length; t++) {
      for (int c = 0; c < h; c++) {
        assertEquals(expected[t][c], actual[t * h + c], 1e-4, what + ", token " + t + ", column " + c);
      }
    }
  }

  @Test
  void longSequenceInQueryBlocksMatchesTheFullMatrixReference() {
    Random r = new Random(11);
    int h = 8;
    SelfAttention att = randomAttention(r, h, 2, null);
    float[] x = gaussian(r, LONG * h);
    boolean[] mask = new boolean[LONG];
    for (int k = 0; k < LONG; k++) mask[k] = k % 7 != 3;
    assertMatches(naive(att, x, LONG, null, (hd, q, k) -> 0), run(att, x, new int[] {LONG},
        null), h, "no mask");
    assertMatches(naive(att, x, LONG, mask, (hd, q, k) -> 0), run(att, x, new int[] {LONG},
        mask), h, "key mask");
  }

  @Test
  void slidingWindowComputesItsBandAsTheFullMaskedMatrixWould() {
    Random r = new Random(12);
    int h = 8;
    for (int halfWidth : new int[] {1, 64, Workspace.QUERY_BLOCK + 5}) {
      SelfAttention att = randomAttention(r, h, 2, new SlidingWindow(halfWidth));
      float[] x = gaussian(r, LONG * h);
      double[][] expected = naive(att, x, LONG, null,
          (hd, q, k) -> Math.abs(q - k) <= halfWidth ? 0 : Double.NaN);
      assertMatches(expected, run(att, x, new int[] {LONG}, null), h, "half width " + halfWidth);
    }
  }

  @Test
  void keysOutsideEveryBandOfABlockAreNeverRead() {
    // A NaN token far from the first block's band: the full masked matrix would give 0 · NaN =
    // NaN in P·V; the band never multiplies it, so the first block is bitwise unchanged.
    Random r = new Random(13);
    int h = 8;
    int halfWidth = 64;
    SelfAttention att = randomAttention(r, h, 2, new SlidingWindow(halfWidth));
    float[] x = gaussian(r, LONG * h);
    float[] clean = run(att, x, new int[] {LONG}, null);
    int far = Workspace.QUERY_BLOCK + halfWidth + 3;
    for (int c = 0; c < h; c++) x[far * h + c] = Float.NaN;
    float[] dirty = run(att, x, new int[] {LONG}, null);
    for (int t = 0; t < Workspace.QUERY_BLOCK; t++) {
      for (int c = 0; c < h; c++) {
        assertEquals(clean[t * h + c], dirty[t * h + c], 0f, "token " + t + ", column " + c);
      }
    }
  }

  @Test
  void relativeBiasPerQueryBlockMatchesTheFullMatrixReference() {
    Random r = new Random(14);
    int h = 8, heads = 2, buckets = 32, maxDistance = 128;
    float[] table = gaussian(r, buckets * heads);
    SelfAttention att = randomAttention(r, h, heads,
        new RelativePositionBias(table, buckets, heads, buckets, maxDistance, LONG));
    float[] x = gaussian(r, LONG * h);
    double[][] expected = naive(att, x, LONG, null,
        (hd, q, k) -> table[RelativePositionBias.bucket(k - q, buckets, maxDistance) * heads + hd]);
    assertMatches(expected, run(att, x, new int[] {LONG}, null), h, "relative bias");
  }

  @Test
  void longSequencesAreBitwiseTheSameWithNeighboursAndFirstTokenOnly() {
    Random r = new Random(15);
    int h = 8;
    int[] lens = {3, LONG, Workspace.QUERY_BLOCK};
    int tokens = 3 + LONG + Workspace.QUERY_BLOCK;
    for (AttentionBias bias : new AttentionBias[] {null, new SlidingWindow(40),
        new RelativePositionBias(gaussian(r, 64), 32, 2, 32, 128, LONG)}) {
      SelfAttention att = randomAttention(r, h, 2, bias);
      float[] x = gaussian(r, tokens * h);
      float[] batch = run(att, x, lens, null);
      float[] firsts = run(att, x, lens, null, true);
      int start = 0;
      for (int s = 0; s < lens.length; s++) {
        float[] alone = run(att, java.util.Arrays.copyOfRange(x, start * h,
            (start + lens[s]) * h), new int[] {lens[s]}, null);
        for (int i = 0; i < lens[s] * h; i++) {
          assertEquals(alone[i], batch[start * h + i], 0f, bias + ", sequence " + s + ", " + i);
        }
        for (int c = 0; c < h; c++) {
          assertEquals(alone[c], firsts[s * h + c], 0f, bias + ", first token of " + s);
        }
        start += lens[s];
      }
    }
  }

  @Test
  void workspaceGrowsLinearlyWithTheLength() {
    // One sequence at ModernBERT-base width (hidden 768, GeGLU 2 x 1152): the workspace holds the
    // token-wise buffers (6 · hidden + ffn per row), the sequence's Q, K, V and context rows
    // (4 · hidden) and one query block of scores, never a [len, len] matrix (8192² floats =
    // 256 MB).
    int hidden = 768, ffn = 2 * 1152;
    long perToken = 10L * hidden + ffn;
    for (int len : new int[] {512, 2048, 8192}) {
      Workspace ws = new Workspace();
      ws.ensure(len, len, hidden, ffn);
      long bound = len * (perToken + Workspace.QUERY_BLOCK) + 3L * hidden
          + 16L * Workspace.QUERY_BLOCK;
      assertTrue(ws.floatsHeld() <= bound,
          len + " tokens: " + ws.floatsHeld() + " floats held, bound " + bound);
    }
  }
}
