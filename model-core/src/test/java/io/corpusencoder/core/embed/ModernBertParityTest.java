package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.config.EncoderConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
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
  static final ObjectMapper JSON = new ObjectMapper();

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
    List<JsonNode> longRefs = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        Files.newInputStream(source.resolve("long_reference.jsonl.gz"))), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) longRefs.add(JSON.readTree(line));
    }
    assertEquals(6, longRefs.size());
    EmbeddingModel long2048 = model.withMaxLength(2048);
    List<Embedding> ours = long2048.embed(
        longRefs.stream().map(n -> n.get("text").asText()).toList(), true, true, null);
    float worst = 0f;
    int longest = 0;
    for (int i = 0; i < longRefs.size(); i++) {
      JsonNode ref = longRefs.get(i);
      int[] ids = new int[ref.get("input_ids").size()];
      for (int t = 0; t < ids.length; t++) ids[t] = ref.get("input_ids").get(t).intValue();
      assertArrayEquals(ids, ours.get(i).tokenIds(), "ids, long text " + i);
      longest = Math.max(longest, ids.length);
      float[][] h = ours.get(i).tokenVectors();
      JsonNode rows = ref.get("rows");
      for (int k = 0; k < rows.size(); k++) {
        JsonNode want = ref.get("hidden").get(k);
        float[] got = h[rows.get(k).intValue()];
        for (int c = 0; c < got.length; c++) {
          worst = Math.max(worst, Math.abs((float) want.get(c).doubleValue() - got[c]));
        }
      }
    }
    System.out.printf("%s vs PyTorch, %d long texts up to %d tokens: max |Δ hidden| = %.3g%n",
        name, longRefs.size(), longest, worst);
    assertEquals(2048, longest, "the longest text reaches 2048 tokens");
    assertTrue(worst <= HIDDEN_TOLERANCE, "long texts: max |Δ hidden| " + worst);
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
