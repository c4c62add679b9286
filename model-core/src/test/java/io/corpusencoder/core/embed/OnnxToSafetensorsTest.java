package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corpusencoder.core.testing.TestTexts;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ONNX import -> Hugging Face directory (safetensors) -> load gives bit-identical outputs. */
class OnnxToSafetensorsTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"all-minilm-l6-v2", "bge-small-en-v1.5"})
  void savedDirectoryLoadsBackBitIdentical(String name) throws Exception {
    ModelLoader.Loaded parts = ModelLoader.loadParts(name);
    Path dir = tmp.resolve(name);
    HfDirectoryWriter.write(parts, dir);
    EmbeddingModel fromOnnx = parts.toModel();
    EmbeddingModel fromDir = ModelLoader.load(dir.toString());

    assertEquals(fromOnnx.encoder().config(), fromDir.encoder().config());
    assertEquals(fromOnnx.pooling(), fromDir.pooling());
    assertEquals(fromOnnx.normalize(), fromDir.normalize());
    assertEquals(fromOnnx.maxLength(), fromDir.maxLength());
    // One identity for the same weights, whether read from ONNX or from safetensors.
    assertEquals(fromOnnx.weightsSha256(), fromDir.weightsSha256());
    assertEquals(fromOnnx.tokenizerSha256(), fromDir.tokenizerSha256());
    List<String> texts = TestTexts.generate(60, 99);
    List<Embedding> a = fromOnnx.embed(texts, true, true);
    List<Embedding> b = fromDir.embed(texts, true, true);
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(a.get(i).tokenIds(), b.get(i).tokenIds(), "token ids, text " + i);
      assertArrayEquals(a.get(i).vector(), b.get(i).vector(), 0f, "pooled vector, text " + i);
      float[][] ha = a.get(i).tokenVectors(), hb = b.get(i).tokenVectors();
      for (int t = 0; t < ha.length; t++) assertArrayEquals(ha[t], hb[t], 0f, "text " + i);
    }
  }
}
