package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.config.EncoderConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * ModernBERT (model_type "modernbert", ModernBertModel) against PyTorch on models/modernbert-tiny:
 * ModernBERT-base's structure (bias-free pre-LayerNorm layers, fused Wqkv, GeGLU, final norm;
 * layers 0 and 3 global with rotary base 160000, layers 1 and 2 local with base 10000 and keys
 * within 64 either side) at hidden 64 and 4 layers, seeded random weights, the XLM-R Unigram
 * fixture tokenizer; the reference is transformers' own ModernBertModel (eager attention). The
 * 512-token texts run far past the local window. See {@link FamilyParityTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModernBertParityTest extends FamilyParityTest {
  ModernBertParityTest() {
    super("modernbert-tiny");
  }

  @Test
  void loadsAsSentenceTransformersDeclares() {
    checkLoadsAsSentenceTransformersDeclares();
    EncoderConfig c = model.encoder().config();
    assertEquals("modernbert", c.modelType());
    assertEquals(EncoderConfig.Positions.ROTARY, c.positions());
    assertEquals(new EncoderConfig.Rotary(3, 160000.0, 128, 10000.0), c.rotary());
    assertTrue(c.rotary().global(0) && !c.rotary().global(1) && !c.rotary().global(2)
        && c.rotary().global(3));
  }

  @Test
  void tokenIdsMatchTransformers() {
    checkTokenIdsMatchTransformers();
  }

  @Test
  void lastHiddenStateAndPooledVectorMatchPyTorch() {
    checkLastHiddenStateAndPooledVectorMatchPyTorch();
  }

  /**
   * Past 512 tokens, up to 2048 (long_reference.jsonl.gz: 6 texts of 1113 to 2048 tokens, every
   * 8th token's hidden state and the last): the same ids, and within 1e-4 of PyTorch.
   */
  @Test
  void longInputsUpTo2048TokensMatchPyTorch() throws Exception {
    checkLongInputsUpTo2048Tokens();
  }

  @Test
  void refusesBiasesItDoesNotRead() throws Exception {
    Path dir = copyWithoutReference(source);
    String config = Files.readString(dir.resolve("config.json"))
        .replace("\"mlp_bias\": false", "\"mlp_bias\": true");
    Files.writeString(dir.resolve("config.json"), config);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelLoader.load(dir.toString()));
    assertTrue(e.getMessage().contains("config.json: field \"mlp_bias\" is true; expected false"),
        e.getMessage());
  }
}
