package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.weights.Safetensors;
import io.corpusencoder.core.weights.Tensor;
import io.corpusencoder.core.weights.WeightMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * XLM-RoBERTa (model_type "xlm-roberta", XLMRobertaModel) against PyTorch on models/xlmr-tiny:
 * xlm-roberta-base's structure at hidden 64 and 2 layers, seeded random weights, the XLM-R
 * Unigram fixture tokenizer. See {@link FamilyParityTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XlmRobertaParityTest extends FamilyParityTest {
  XlmRobertaParityTest() {
    super("xlmr-tiny");
  }

  @Test
  void loadsAsSentenceTransformersDeclares() {
    checkLoadsAsSentenceTransformersDeclares();
    assertEquals("xlm-roberta", model.encoder().config().modelType());
    assertEquals(1, model.encoder().config().paddingIdx());
  }

  @Test
  void tokenIdsMatchTransformers() {
    checkTokenIdsMatchTransformers();
  }

  @Test
  void lastHiddenStateAndPooledVectorMatchPyTorch() {
    checkLastHiddenStateAndPooledVectorMatchPyTorch();
  }

  /** A RobertaForMaskedLM-style checkpoint ("roberta." names, an lm_head) gives the same bits. */
  @Test
  void robertaPrefixedCheckpointGivesTheSameVectors() throws Exception {
    Path dir = copyWithoutReference(source);
    WeightMap bare = Safetensors.read(dir.resolve("model.safetensors"));
    WeightMap prefixed = new WeightMap("prefixed");
    for (Tensor t : bare.tensors().values()) {
      prefixed.put(new Tensor("roberta." + t.name(), t.shape(), t.data()));
    }
    prefixed.put(new Tensor("lm_head.bias", new int[] {8002}, new float[8002]));
    Safetensors.write(prefixed, dir.resolve("model.safetensors"), Map.of());
    String config = Files.readString(dir.resolve("config.json"))
        .replace("\"XLMRobertaModel\"", "\"XLMRobertaForMaskedLM\"");
    Files.writeString(dir.resolve("config.json"), config);
    EmbeddingModel again = ModelLoader.load(dir.toString());
    List<String> texts = refs.subList(0, 20).stream().map(Ref::text).toList();
    var a = model.embed(texts);
    var b = again.embed(texts);
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(a.get(i).vector(), b.get(i).vector(), 0f, "text " + i);
    }
  }

  /** 512 tokens is the limit (positions 2..513 of 514); a 513-token sequence is refused. */
  @Test
  void refusesMoreTokensThanPositionsAfterPadding() {
    int[] ids = new int[513];
    java.util.Arrays.fill(ids, 5);
    var ws = new io.corpusencoder.core.model.Workspace();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.encoder().forward(new int[][] {ids}, ws));
    assertTrue(e.getMessage().contains("at most 512 (max_position_embeddings 514 less "
        + "padding_idx + 1 = 2)"), e.getMessage());
  }

  @Test
  void aMissingTensorNamesFileAndTensor() throws Exception {
    Path dir = copyWithoutReference(source);
    WeightMap w = Safetensors.read(dir.resolve("model.safetensors"));
    WeightMap less = new WeightMap("less");
    for (Tensor t : w.tensors().values()) {
      if (!t.name().equals("embeddings.token_type_embeddings.weight")) less.put(t);
    }
    Safetensors.write(less, dir.resolve("model.safetensors"), Map.of());
    Exception e = assertThrows(RuntimeException.class, () -> ModelLoader.load(dir.toString()));
    assertTrue(e.getMessage().contains("model.safetensors: tensor "
        + "embeddings.token_type_embeddings.weight is missing"), e.getMessage());
  }
}
