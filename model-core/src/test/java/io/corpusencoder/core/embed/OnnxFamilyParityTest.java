package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.testing.OnnxRuntimeReference;
import io.corpusencoder.core.weights.OnnxReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 14 item 1 from ONNX: a family fixture's onnx/model.onnx (torch.onnx TorchScript exporter,
 * opset 18, from transformers' own model class: make_family_onnx_fixtures.py) loaded in place of
 * its model.safetensors. The graph alone gives the config.json the fixture declares (model_type,
 * padding_idx read from the position-id computation, MPNet's buckets), the same reference.jsonl.gz
 * holds within 1e-4 on every text, and every vector is bitwise equal to the safetensors-loaded
 * model's (the same float32 weights), and within 1e-4 of ONNX Runtime running the same file (so
 * what the importer read from the graph is what the graph computes). One subclass per family (top-level: surefire's default
 * excludes skip nested classes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OnnxFamilyParityTest extends FamilyParityTest {
  OnnxFamilyParityTest(String name) {
    super(name, 512, true);
  }

  @Test
  void theGraphAloneImpliesTheDeclaredConfig() throws Exception {
    OnnxReader.Imported imp = OnnxReader.read(source.resolve("onnx").resolve("model.onnx"));
    EncoderConfig declared = EncoderConfig.read(source.resolve("config.json"));
    assertEquals(declared, imp.config());
    assertEquals(exportedInputs(), imp.inputs());
  }

  /** The export's inputs: optimum's for RoBERTa, XLM-R, MPNet and ModernBERT. */
  List<String> exportedInputs() {
    return List.of("input_ids", "attention_mask");
  }

  @Test
  void lastHiddenStateAndPooledVectorMatchPyTorch() {
    checkLastHiddenStateAndPooledVectorMatchPyTorch();
  }

  @Test
  void bitwiseEqualToTheSafetensorsLoadedModel() throws Exception {
    assertBitwiseEqual(ModelLoader.load(copyWithoutReference(source).toString()), model);
  }

  /**
   * ONNX Runtime on the same onnx/model.onnx, one unpadded sequence per text (the ids ours
   * tokenized): every token of the model loaded from the bare .onnx (its config read from the
   * graph alone) within 1e-4.
   */
  @Test
  void matchesOnnxRuntimeOnTheSameFile() throws Exception {
    List<String> texts = refs.stream().map(Ref::text).toList();
    List<Embedding> ours = loadBareOnnx().toModel().embed(texts, true, true, null);
    float worst = 0f;
    int worstText = -1;
    try (OnnxRuntimeReference ort = new OnnxRuntimeReference(
        Files.readAllBytes(source.resolve("onnx").resolve("model.onnx")), 1)) {
      for (int i = 0; i < texts.size(); i++) {
        int[] ids = ours.get(i).tokenIds();
        float[][] want = ort.lastHiddenState(ids, new int[ids.length]);
        float[][] got = ours.get(i).tokenVectors();
        assertEquals(want.length, got.length, "tokens, text " + i);
        for (int t = 0; t < got.length; t++) {
          for (int c = 0; c < got[t].length; c++) {
            float d = Math.abs(want[t][c] - got[t][c]);
            if (!(d <= worst)) {
              worst = d;
              worstText = i;
            }
          }
        }
      }
    }
    System.out.printf("%s vs ONNX Runtime on the same file: %d texts, max |Δ hidden| = %.3g "
        + "(text %d)%n", name, texts.size(), worst, worstText);
    assertTrue(worst <= HIDDEN_TOLERANCE, name + ": max |Δ hidden| vs ONNX Runtime " + worst
        + " at text " + worstText);
  }

  /**
   * A bare .onnx file with tokenizer.json and the sentence-transformers modules but no
   * config.json: the config comes from the graph alone (padding_idx from the position-id
   * computation), and every vector is still the safetensors-loaded model's, bit for bit.
   */
  @Test
  void withoutConfigJsonTheGraphAloneGivesTheSameBits() throws Exception {
    ModelLoader.Loaded bare = loadBareOnnx();
    assertEquals(List.of(), bare.notes());
    assertBitwiseEqual(ModelLoader.load(copyWithoutReference(source).toString()), bare.toModel());
    assertEquals(EncoderConfig.read(source.resolve("config.json")), bare.config());
  }

  /** The fixture as a bare model.onnx with tokenizer.json and the sentence-transformers modules. */
  private ModelLoader.Loaded loadBareOnnx() throws Exception {
    Path dir = copyWithoutReference(source);
    Files.delete(dir.resolve("config.json"));
    Files.delete(dir.resolve("model.safetensors"));
    Path onnx = dir.resolve("model.onnx");
    Files.move(dir.resolve("onnx").resolve("model.onnx"), onnx);
    return ModelLoader.loadParts(onnx.toString());
  }

  private void assertBitwiseEqual(EmbeddingModel safetensors, EmbeddingModel onnx) {
    List<String> texts = refs.stream().map(Ref::text).toList();
    List<Embedding> a = onnx.embed(texts, true, true, null);
    List<Embedding> b = safetensors.embed(texts, true, true, null);
    for (int i = 0; i < texts.size(); i++) {
      float[][] ha = a.get(i).tokenVectors();
      float[][] hb = b.get(i).tokenVectors();
      assertEquals(hb.length, ha.length, "tokens, text " + i);
      for (int t = 0; t < ha.length; t++) {
        assertArrayEquals(hb[t], ha[t], 0f, "text " + i + " token " + t);
      }
      assertArrayEquals(b.get(i).vector(), a.get(i).vector(), 0f, "vector, text " + i);
    }
  }
}
