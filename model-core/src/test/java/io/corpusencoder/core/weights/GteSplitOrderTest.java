package io.corpusencoder.core.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.model.Encoder;
import io.corpusencoder.core.model.HiddenStates;
import io.corpusencoder.core.model.Workspace;
import io.corpusencoder.core.model.families.Family;
import io.corpusencoder.core.testing.OnnxRuntimeReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Which part of GTE's fused projections' Splits is q, k and v, and which is up and gate, is read
 * from the graph: models/gte-split-order/model.onnx is a real export of Alibaba-NLP's NewModel
 * (one layer, 64-token vocabulary, NTK factor 2, one token type as gte-multilingual-base has,
 * seeded weights), permuted.onnx the same graph
 * rewritten with qkv_proj's parts as [v, q, k] and up_gate_proj's as [gate, up], Split outputs
 * reordered to match (make_gte_onnx_fixtures.py). Both must give the checkpoint-order weights
 * bit for bit, and each the output ONNX Runtime computes from its own file.
 */
class GteSplitOrderTest {
  private static Path fixture(String file) throws Exception {
    return Path.of(GteSplitOrderTest.class.getClassLoader()
        .getResource("models/gte-split-order/" + file).toURI());
  }

  @Test
  void bothOrdersGiveTheCheckpointOrderWeights() throws Exception {
    OnnxReader.Imported inOrder = OnnxReader.read(fixture("model.onnx"));
    OnnxReader.Imported permuted = OnnxReader.read(fixture("permuted.onnx"));
    EncoderConfig c = inOrder.config();
    assertEquals(new EncoderConfig.Rotary(1, 500000.0, Integer.MAX_VALUE, 500000.0, 2.0),
        c.rotary());
    assertEquals(128, c.maxPositions());
    assertEquals(1, c.typeVocabSize(), "the token type gathered at position_ids * 0");
    assertEquals(c, permuted.config());
    assertEquals(inOrder.weights().names(), permuted.weights().names());
    for (String name : inOrder.weights().names()) {
      assertArrayEquals(inOrder.weights().get(name).data(), permuted.weights().get(name).data(),
          0f, name);
    }
  }

  @Test
  void eachFileMatchesOnnxRuntime() throws Exception {
    for (String file : new String[] {"model.onnx", "permuted.onnx"}) {
      Path path = fixture(file);
      OnnxReader.Imported imp = OnnxReader.read(path);
      Encoder encoder = Family.encoder(imp.config(), imp.weights());
      Random random = new Random(11);
      float worst = 0f;
      try (OnnxRuntimeReference ort = new OnnxRuntimeReference(Files.readAllBytes(path), 1)) {
        for (int len : new int[] {1, 9, 64, 128}) {
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
      }
      System.out.printf("gte-split-order/%s vs ONNX Runtime on the same file: max |Δ hidden| = "
          + "%.3g%n", file, worst);
      assertTrue(worst <= 1e-4f, file + ": max |Δ hidden| vs ONNX Runtime " + worst);
    }
  }
}
