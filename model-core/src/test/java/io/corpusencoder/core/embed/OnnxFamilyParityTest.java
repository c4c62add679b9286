package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corpusencoder.core.config.EncoderConfig;
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
 * model's (the same float32 weights). One subclass per family (top-level: surefire's default
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
    assertEquals(List.of("input_ids", "attention_mask"), imp.inputs());
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
   * A bare .onnx file with tokenizer.json and the sentence-transformers modules but no
   * config.json: the config comes from the graph alone (padding_idx from the position-id
   * computation), and every vector is still the safetensors-loaded model's, bit for bit.
   */
  @Test
  void withoutConfigJsonTheGraphAloneGivesTheSameBits() throws Exception {
    Path dir = copyWithoutReference(source);
    Files.delete(dir.resolve("config.json"));
    Files.delete(dir.resolve("model.safetensors"));
    Path onnx = dir.resolve("model.onnx");
    Files.move(dir.resolve("onnx").resolve("model.onnx"), onnx);
    ModelLoader.Loaded bare = ModelLoader.loadParts(onnx.toString());
    assertEquals(List.of(), bare.notes());
    assertBitwiseEqual(ModelLoader.load(copyWithoutReference(source).toString()), bare.toModel());
    assertEquals(EncoderConfig.read(source.resolve("config.json")), bare.config());
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
