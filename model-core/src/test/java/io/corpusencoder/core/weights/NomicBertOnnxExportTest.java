package io.corpusencoder.core.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import io.corpusencoder.core.config.Activation;
import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.model.Encoder;
import io.corpusencoder.core.model.HiddenStates;
import io.corpusencoder.core.model.RotaryEmbedding;
import io.corpusencoder.core.model.Workspace;
import io.corpusencoder.core.model.families.Family;
import io.corpusencoder.core.testing.OnnxRuntimeReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * NomicBERT exported after the model had run on a longer input, as a user who checks the model
 * before exporting gets it: nomic's rotary module keeps its cos/sin tables between calls, so the
 * trace stores them as constants [40, 8] and the file computes at most 40 tokens
 * (models/nomic-onnx-tables/model.onnx, make_nomic_onnx_fixtures.py: nomic's NomicBertModel at
 * nomicbert-tiny's config with one layer and a 64-token vocabulary, seeded weights). The base is
 * read back from the tables (and the tables checked entry by entry against RotaryEmbedding's for
 * it), the 40 rows become the longest input, and the model matches ONNX Runtime on the same file.
 * A table entry changed in the file is refused naming the node.
 */
class NomicBertOnnxExportTest {
  private static final int ROWS = 40;

  private static Path fixture() throws Exception {
    var url = NomicBertOnnxExportTest.class.getClassLoader()
        .getResource("models/nomic-onnx-tables/model.onnx");
    return Path.of(url.toURI());
  }

  @Test
  void readsTheBaseFromConstantTablesAndMatchesOnnxRuntime() throws Exception {
    Path file = fixture();
    OnnxReader.Imported imp = OnnxReader.read(file);
    EncoderConfig c = imp.config();
    assertEquals("nomic_bert", c.modelType());
    assertEquals(64, c.vocabSize());
    assertEquals(1, c.numLayers());
    assertEquals(4, c.numHeads());
    assertEquals(256, c.intermediateSize());
    assertEquals(2, c.typeVocabSize());
    assertEquals(Activation.SILU, c.activation());
    assertEquals(ROWS, c.maxPositions(), "the tables' rows: the longest input the file computes");
    assertEquals(1000.0, c.rotary().globalBase());
    assertNull(c.rotary().dynamicNtk());
    Encoder encoder = Family.encoder(c, imp.weights());
    Random random = new Random(11);
    float worst = 0f;
    try (OnnxRuntimeReference ort = new OnnxRuntimeReference(Files.readAllBytes(file), 1)) {
      for (int len : new int[] {1, 2, 9, 23, ROWS}) {
        int[] ids = new int[len];
        for (int t = 0; t < len; t++) ids[t] = random.nextInt(64);
        HiddenStates h = encoder.forward(new int[][] {ids}, new Workspace());
        float[][] want = ort.lastHiddenState(ids, new int[len]);
        for (int t = 0; t < len; t++) {
          float[] got = h.token(0, t);
          for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(want[t][i] - got[i]));
          }
        }
      }
      // One token more than the tables hold: the file itself cannot compute it, nor may we.
      int[] tooLong = new int[ROWS + 1];
      assertThrows(OrtException.class, () -> ort.lastHiddenState(tooLong, new int[ROWS + 1]));
      assertThrows(IllegalArgumentException.class,
          () -> encoder.forward(new int[][] {tooLong}, new Workspace()));
    }
    System.out.printf("nomic-onnx-tables vs ONNX Runtime on the same file: max |Δ hidden| = "
        + "%.3g%n", worst);
    assertTrue(worst <= 1e-4f, "max |Δ hidden| vs ONNX Runtime " + worst);
  }

  /**
   * Row 5 of the cos table nudged by one part in 10⁴ in the file (row 1, which gives the base, left
   * alone): no longer RotaryEmbedding's table for base 1000, refused naming the Constant node.
   */
  @Test
  void refusesATableThatIsNotTheRotarysOfItsBase() throws Exception {
    byte[] onnx = Files.readAllBytes(fixture());
    float[] cos = new RotaryEmbedding(16, 1000.0).cosSin(ROWS)[0];
    int at = tableOffset(onnx, cos);
    int k = 5 * 8 + 3;
    byte[] changed = le(cos[k] * 1.0001f);
    System.arraycopy(changed, 0, onnx, at + 4 * k, 4);
    var e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(onnx, "m.onnx", null));
    assertTrue(e.getMessage().startsWith("m.onnx: node /encoder/layers.0/attn/rotary_emb/Constant"
        + " holds a cos table whose row 5, column 3 is "), e.getMessage());
    assertTrue(e.getMessage().contains("where the rotary of base 1000.0 (read from row 1) has "
        + cos[k] + "; expected nomic's rotary (rotary_emb_base, no scaling) tables"),
        e.getMessage());
  }

  /**
   * Where the cos table starts in the file: the one place where row 0 (eight 1.0f) is followed
   * by rows 1 to 3 within 1e-6 of {@code cos}'s (torch's cos may differ from Java's by an ulp).
   */
  private static int tableOffset(byte[] onnx, float[] cos) {
    ByteBuffer b = ByteBuffer.wrap(onnx).order(ByteOrder.LITTLE_ENDIAN);
    int found = -1;
    for (int i = 0; i + 4 * 32 <= onnx.length; i++) {
      boolean match = true;
      for (int k = 0; k < 32 && match; k++) {
        match = Math.abs(b.getFloat(i + 4 * k) - cos[k]) <= 1e-6f;
      }
      if (match) {
        assertEquals(-1, found, "the cos table's first rows occur more than once");
        found = i;
      }
    }
    assertTrue(found >= 0, "the cos table's first rows are not in the file");
    return found;
  }

  private static byte[] le(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) b.putFloat(v);
    return b.array();
  }
}
