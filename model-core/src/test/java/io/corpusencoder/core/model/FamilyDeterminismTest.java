package io.corpusencoder.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.corpusencoder.core.embed.ModelLoader;
import java.net.URL;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bitwise batch invariance for every family beyond BERT (EncoderTest covers BERT): a text's every
 * token alone, in a batch, and in the reversed batch; and the [CLS]-only pass against the full
 * one. On the family fixtures (XLM-R, MPNet, ModernBERT, NomicBERT and GTE, hidden 64), lengths up to
 * the 512-token limit.
 */
class FamilyDeterminismTest {
  static final String[] FIXTURES = {"xlmr-tiny", "mpnet-tiny", "modernbert-tiny", "nomicbert-tiny",
      "gte-en-tiny", "gte-multi-tiny"};
  static final int[] LENGTHS = {7, 3, 512, 30, 12, 1, 2, 17, 200, 25, 6, 13, 511};

  @Test
  void everyFamilyGivesTheSameBitsAloneOrInABatch() throws Throwable {
    OneBlasThread.run(FamilyDeterminismTest.class, "checkAloneOrInABatch");
  }

  static Encoder load(String name) throws Exception {
    URL config = FamilyDeterminismTest.class.getClassLoader()
        .getResource("models/" + name + "/config.json");
    return ModelLoader.loadParts(Path.of(config.toURI()).getParent().toString()).toModel()
        .encoder();
  }

  static void checkAloneOrInABatch() throws Exception {
    for (String name : FIXTURES) {
      Encoder enc = load(name);
      Random r = new Random(14);
      int[][] ids = new int[LENGTHS.length][];
      for (int s = 0; s < ids.length; s++) {
        ids[s] = new int[LENGTHS[s]];
        for (int t = 0; t < ids[s].length; t++) ids[s][t] = r.nextInt(enc.config().vocabSize());
      }
      Workspace ws = new Workspace();
      HiddenStates hb = enc.forward(ids, null, null, ws, false);
      float[][][] batch = new float[ids.length][][];
      for (int s = 0; s < ids.length; s++) batch[s] = hb.sequence(s);
      int[][] reversed = new int[ids.length][];
      for (int s = 0; s < ids.length; s++) reversed[s] = ids[ids.length - 1 - s];
      HiddenStates ho = enc.forward(reversed, null, null, ws, false);
      float[][][] other = new float[ids.length][][];
      for (int s = 0; s < ids.length; s++) other[s] = ho.sequence(s);
      HiddenStates hc = enc.forward(ids, null, null, ws, true);
      float[][] cls = new float[ids.length][];
      for (int s = 0; s < ids.length; s++) cls[s] = hc.token(s, 0);
      for (int s = 0; s < ids.length; s++) {
        float[][] alone = enc.forward(new int[][] {ids[s]}, null, null, ws, false).sequence(0);
        for (int t = 0; t < ids[s].length; t++) {
          String where = "bitwise, " + name + ", sequence " + s + " (" + ids[s].length
              + " tokens), token " + t;
          assertArrayEquals(alone[t], batch[s][t], 0f, where + ": alone vs batch");
          assertArrayEquals(alone[t], other[ids.length - 1 - s][t], 0f,
              where + ": alone vs reversed batch");
        }
        assertArrayEquals(alone[0], cls[s], 0f, "bitwise, " + name + ", sequence " + s
            + ": [CLS]-only pass vs full pass");
      }
    }
  }
}
