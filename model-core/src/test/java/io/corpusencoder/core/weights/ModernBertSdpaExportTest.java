package io.corpusencoder.core.weights;

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
 * ModernBERT exported with transformers' default attention ("sdpa": torch.onnx decomposes
 * scaled_dot_product_attention into (q·√s)·(kᵀ·√s), s = 1/√d computed from q's shape), inside a
 * wrapper module (every name "model."-prefixed, as ModernBertForMaskedLM's) and with its norms at
 * their initial ones (the exporter keeps one copy, the others are Identity nodes of it):
 * models/modernbert-sdpa-small/model.onnx (make_family_onnx_fixtures.py: modernbert-tiny's config
 * with a 64-token vocabulary, seeded weights). Read by following the graph, the model matches ONNX
 * Runtime running the same file within 1e-4 on sequences short of and far past the 128-token
 * window.
 */
class ModernBertSdpaExportTest {
  @Test
  void readsTheSdpaExportAndMatchesOnnxRuntime() throws Exception {
    var url = getClass().getClassLoader().getResource("models/modernbert-sdpa-small/model.onnx");
    Path file = Path.of(url.toURI());
    OnnxReader.Imported imp = OnnxReader.read(file);
    EncoderConfig c = imp.config();
    assertEquals("modernbert", c.modelType());
    assertEquals(64, c.vocabSize());
    assertEquals(4, c.numLayers());
    assertEquals(4, c.numHeads());
    assertEquals(96, c.intermediateSize());
    assertTrue(imp.weights().contains("layers.3.mlp_norm.weight"), "names without the prefix");
    assertEquals(new EncoderConfig.Rotary(3, 160000.0, 128, 10000.0), c.rotary());
    Encoder encoder = Family.encoder(c, imp.weights());
    Random random = new Random(7);
    float worst = 0f;
    try (OnnxRuntimeReference ort = new OnnxRuntimeReference(Files.readAllBytes(file), 1)) {
      for (int len : new int[] {1, 7, 129, 300}) {
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
    System.out.printf("modernbert-sdpa-small vs ONNX Runtime on the same file: max |Δ hidden| = "
        + "%.3g%n", worst);
    assertTrue(worst <= 1e-4f, "max |Δ hidden| vs ONNX Runtime " + worst);
  }
}
