package io.corpusencoder.core.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corpusencoder.core.config.Activation;
import io.corpusencoder.core.model.Encoder;
import io.corpusencoder.core.model.HiddenStates;
import io.corpusencoder.core.model.Workspace;
import io.corpusencoder.core.embed.ModelCatalog;
import io.corpusencoder.core.model.families.Family;
import io.corpusencoder.core.testing.OnnxRuntimeReference;
import io.corpusencoder.core.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The feed-forward activation comes from the layers' own nodes: a ReLU BertModel exported with its
 * pooler (dense + Tanh) is a ReLU model (make_onnx_activation_fixture.py), checked against ONNX
 * Runtime on the same file.
 */
class OnnxActivationTest {
  private static final Path RELU_WITH_POOLER =
      Path.of("src/test/resources/models/onnx-relu-pooler/model.onnx");
  /** fp32 on a 16-wide, 2-layer model: both runtimes agree to ~1e-6. */
  private static final float TOLERANCE = 1e-5f;

  @Test
  void reluModelWithTanhPoolerMatchesOnnxRuntime() throws Exception {
    OnnxReader.Imported imp = OnnxReader.read(RELU_WITH_POOLER);
    assertEquals(Activation.RELU, imp.config().activation(),
        "the pooler's Tanh is not the feed-forward activation");
    Encoder enc = Family.encoder(imp.config(), imp.weights());
    int[] ids = {2, 7, 11, 5, 19, 23, 3};
    HiddenStates h = enc.forward(new int[][] {ids}, new Workspace());
    try (OnnxRuntimeReference ort =
        new OnnxRuntimeReference(Files.readAllBytes(RELU_WITH_POOLER), 1)) {
      float[][] expected = ort.lastHiddenState(ids, new int[ids.length]);
      for (int t = 0; t < ids.length; t++) {
        assertArrayEquals(expected[t], h.token(0, t), TOLERANCE, "token " + t);
      }
    }
  }

  @Test
  void catalogModelsAreExactGelu() throws Exception {
    // Their config.json files say hidden_act "gelu".
    for (ModelCatalog.Entry e : ModelCatalog.ENTRIES) {
      OnnxReader.Imported imp = OnnxReader.read(TestModels.onnxBytes(e.name()), e.name(), null);
      assertEquals(Activation.GELU, imp.config().activation(), e.name());
    }
  }
}
