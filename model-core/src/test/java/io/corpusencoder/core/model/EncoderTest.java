package io.corpusencoder.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.config.Activation;
import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.config.EncoderConfig.Positions;
import io.corpusencoder.core.model.families.Family;
import io.corpusencoder.core.testing.ReferenceEncoder;
import io.corpusencoder.core.weights.RandomWeights;
import io.corpusencoder.core.weights.WeightMap;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EncoderTest {
  /**
   * fp32 against a double reference on a 16-wide, 2-3 layer model: the largest error seen is
   * 4.7e-7 (measured 2026-11-26 on the three configs below), so 5e-6 leaves a margin of ten and
   * catches errors of a few 1e-6 that the former 1e-4 hid.
   */
  static final double TOLERANCE = 5e-6;

  static final EncoderConfig BERT_TINY =
      EncoderConfig.bert(50, 16, 2, 4, 32, 40, 2, 1e-12f, Activation.GELU);
  /** The original Transformer encoder: sinusoidal positions, ReLU, pre-LayerNorm. */
  static final EncoderConfig ORIGINAL = new EncoderConfig(50, 16, 3, 2, 64, 64, 0, 1e-6f,
      Activation.RELU, Positions.SINUSOIDAL, true);
  static final EncoderConfig ORIGINAL_POST_LN = new EncoderConfig(50, 16, 2, 4, 32, 64, 0, 1e-6f,
      Activation.GELU, Positions.SINUSOIDAL, false);

  @Test
  void sinusoidalEncodingFollowsTheFormula() {
    int d = 8;
    float[] pe = Encoder.sinusoidTable(10, d);
    assertEquals(0f, pe[0], 0f, "PE(0, 0) = sin 0");
    assertEquals(1f, pe[1], 0f, "PE(0, 1) = cos 0");
    assertEquals(Math.sin(1), pe[d], 1e-7, "PE(1, 0) = sin(1)");
    assertEquals(Math.cos(1), pe[d + 1], 1e-7, "PE(1, 1) = cos(1)");
    // PE(3, 4) = sin(3 / 10000^(4/8)) = sin(0.03); PE(3, 5) = cos(0.03)
    assertEquals(Math.sin(0.03), pe[3 * d + 4], 1e-7);
    assertEquals(Math.cos(0.03), pe[3 * d + 5], 1e-7);
    // PE(7, 6) = sin(7 / 10000^(6/8)) = sin(7 / 1000)
    assertEquals(Math.sin(0.007), pe[7 * d + 6], 1e-7);
  }

  @Test
  void bertMatchesNaiveReference() {
    checkAgainstReference(BERT_TINY, 11);
  }

  @Test
  void originalTransformerVariantMatchesNaiveReference() {
    checkAgainstReference(ORIGINAL, 12);
    checkAgainstReference(ORIGINAL_POST_LN, 13);
  }

  private static void checkAgainstReference(EncoderConfig c, long seed) {
    WeightMap w = RandomWeights.generate(c, seed);
    Encoder enc = Family.encoder(c, w);
    ReferenceEncoder ref = new ReferenceEncoder(c, w);
    int[][] ids = randomIds(new Random(seed), new int[] {6, 1, 13, 9}, c.vocabSize());
    HiddenStates h = enc.forward(ids, new Workspace());
    for (int s = 0; s < ids.length; s++) {
      double[][] expected = ref.forward(ids[s]);
      for (int t = 0; t < ids[s].length; t++) {
        float[] got = h.token(s, t);
        for (int i = 0; i < c.hiddenSize(); i++) {
          assertEquals(expected[t][i], got[i], TOLERANCE, c + ": seq " + s + " token " + t);
        }
      }
    }
  }

  /** all-MiniLM-L6-v2's widths, one layer: big enough for every kind of BLAS kernel. */
  static final EncoderConfig MINILM_SHAPED =
      EncoderConfig.bert(60, 384, 1, 12, 1536, 64, 2, 1e-12f, Activation.GELU);
  /** The widths of Hugging Face's bert-tiny (128, 2 heads) and bert-mini (256, 4 heads). */
  static final EncoderConfig HIDDEN_128 =
      EncoderConfig.bert(60, 128, 2, 2, 512, 64, 2, 1e-12f, Activation.GELU);
  static final EncoderConfig HIDDEN_256 =
      EncoderConfig.bert(60, 256, 1, 4, 1024, 64, 2, 1e-12f, Activation.GELU);

  /** Every width the batch-invariance checks run at: 16, 128, 256 and 384. */
  static final EncoderConfig[] WIDTHS = {BERT_TINY, HIDDEN_128, HIDDEN_256, MINILM_SHAPED,
      ORIGINAL, ORIGINAL_POST_LN};

  /**
   * Lengths with short and long, odd and even texts: alone, a 1- to 3-token text (an empty text
   * is [CLS] [SEP]) is a tiny product, and in a batch a text's tokens sit at any offset.
   */
  static final int[] LENGTHS = {7, 3, 30, 12, 1, 2, 17, 25, 6, 13};

  @Test
  void aSequenceGivesTheSameResultAloneOrInABatch() throws Throwable {
    OneBlasThread.run(EncoderTest.class, "checkAloneOrInABatch");
  }

  /** Every token of every text, bitwise: alone, in a batch, and in another batch order. */
  static void checkAloneOrInABatch() {
    for (EncoderConfig c : WIDTHS) {
      Encoder enc = Family.encoder(c, RandomWeights.generate(c, 5));
      int[][] ids = randomIds(new Random(5), LENGTHS, c.vocabSize());
      Workspace ws = new Workspace(); // shared: stale rows from earlier batches must not matter
      float[][][] batch = all(enc.forward(ids, null, null, ws, false));
      int[][] reversed = new int[ids.length][];
      for (int s = 0; s < ids.length; s++) reversed[s] = ids[ids.length - 1 - s];
      float[][][] other = all(enc.forward(reversed, null, null, ws, false));
      for (int s = 0; s < ids.length; s++) {
        float[][] alone = all(enc.forward(new int[][] {ids[s]}, null, null, ws, false))[0];
        for (int t = 0; t < ids[s].length; t++) {
          String where = "bitwise, hidden " + c.hiddenSize() + (c.preLayerNorm() ? " pre-LN" : "")
              + ", sequence " + s + " (" + ids[s].length + " tokens), token " + t;
          assertArrayEquals(alone[t], batch[s][t], 0f, where + ": alone vs batch");
          assertArrayEquals(alone[t], other[ids.length - 1 - s][t], 0f,
              where + ": alone vs reversed batch");
        }
      }
    }
  }

  @Test
  void firstTokenOnlyGivesTheFullForwardsFirstTokenAndIgnoresBatchNeighbours() throws Throwable {
    OneBlasThread.run(EncoderTest.class, "checkFirstTokenOnly");
  }

  /**
   * The [CLS]-only pass (a post-LayerNorm encoder's last layer on one row per text) gives the full
   * pass's first token bitwise, alone and in a batch: a CLS-pooled vector does not change with
   * --token-vectors.
   */
  static void checkFirstTokenOnly() {
    for (EncoderConfig c : WIDTHS) {
      Encoder enc = Family.encoder(c, RandomWeights.generate(c, 21));
      int[][] ids = randomIds(new Random(21), LENGTHS, c.vocabSize());
      Workspace ws = new Workspace();
      float[][][] full = all(enc.forward(ids, null, null, ws, false));
      HiddenStates h = enc.forward(ids, null, null, ws, true);
      assertEquals(ids.length, h.numSequences());
      float[][][] cls = all(h);
      for (int s = 0; s < ids.length; s++) {
        String where = "hidden " + c.hiddenSize() + (c.preLayerNorm() ? " pre-LN" : "")
            + ", sequence " + s + " (" + ids[s].length + " tokens)";
        assertEquals(1, cls[s].length);
        assertArrayEquals(full[s][0], cls[s][0], 0f, "bitwise, [CLS]-only vs full pass, " + where);
        float[] alone = enc.forward(new int[][] {ids[s]}, null, null, ws, true).token(0, 0);
        assertArrayEquals(cls[s][0], alone, 0f, "bitwise, [CLS]-only alone vs batch, " + where);
      }
    }
  }

  /** Every token vector of every sequence, copied out of the workspace. */
  private static float[][][] all(HiddenStates h) {
    float[][][] out = new float[h.numSequences()][][];
    for (int s = 0; s < out.length; s++) out[s] = h.sequence(s);
    return out;
  }

  @Test
  void paddingKeysMaskedOutGiveTheUnpaddedResult() {
    Encoder enc = Family.encoder(BERT_TINY, RandomWeights.generate(BERT_TINY, 6));
    int[] real = {3, 9, 4, 22, 8};
    int[] padded = {3, 9, 4, 22, 8, 0, 0, 0};
    int[] mask = {1, 1, 1, 1, 1, 0, 0, 0};
    HiddenStates a = enc.forward(new int[][] {real}, new Workspace());
    HiddenStates b = enc.forward(new int[][] {padded}, null, new int[][] {mask}, new Workspace());
    for (int t = 0; t < real.length; t++) assertArrayEquals(a.token(0, t), b.token(0, t), 1e-6f);
  }

  @Test
  void encoderSurvivesJavaSerialization() throws Exception {
    Encoder enc = Family.encoder(BERT_TINY, RandomWeights.generate(BERT_TINY, 8));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(enc);
    }
    Encoder copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (Encoder) in.readObject();
    }
    int[][] ids = {{1, 2, 3, 4}};
    assertArrayEquals(enc.forward(ids, new Workspace()).token(0, 3),
        copy.forward(ids, new Workspace()).token(0, 3), 0f);
  }

  @Test
  void rejectsBadInputsByName() {
    Encoder enc = Family.encoder(BERT_TINY, RandomWeights.generate(BERT_TINY, 9));
    var e1 = assertThrows(IllegalArgumentException.class,
        () -> enc.forward(new int[][] {{1, 50}}, new Workspace()));
    assertEquals("token id 50 at sequence 0, position 1 is outside the vocabulary [0, 50)",
        e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> enc.forward(new int[][] {new int[41]}, new Workspace()));
    assertEquals("sequence 0 has 41 tokens; the model takes at most max_position_embeddings = 40",
        e2.getMessage());
  }

  static int[][] randomIds(Random r, int[] lens, int vocab) {
    int[][] ids = new int[lens.length][];
    for (int s = 0; s < lens.length; s++) {
      ids[s] = new int[lens[s]];
      for (int t = 0; t < lens[s]; t++) ids[s][t] = r.nextInt(vocab);
    }
    return ids;
  }

  @Test
  void serializedWeightsCarryTheirSha256AndDamagedOnesAreRefused() throws Exception {
    Encoder enc = Family.encoder(BERT_TINY, RandomWeights.generate(BERT_TINY, 8));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(enc);
    }
    byte[] b = bytes.toByteArray();
    Encoder copy = (Encoder) new ObjectInputStream(new ByteArrayInputStream(b))
        .readObject();
    assertEquals(enc.weightsSha256(), copy.weightsSha256());
    assertEquals(64, enc.weightsSha256().length());
    // One flipped bit in the middle of the stream (the weights are nearly all of it).
    b[b.length / 2] ^= 0x10;
    InvalidObjectException e = assertThrows(
        InvalidObjectException.class,
        () -> new ObjectInputStream(new ByteArrayInputStream(b)).readObject());
    assertTrue(e.getMessage().contains("arrived different"),
        e.getMessage());
    // A different model has a different digest.
    assertNotEquals(enc.weightsSha256(),
        Family.encoder(BERT_TINY, RandomWeights.generate(BERT_TINY, 9)).weightsSha256());
  }
}
