package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.config.Activation;
import io.corpusencoder.core.config.EncoderConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * NomicBERT (model_type "nomic_bert", NomicBertModel) against llama.cpp on models/nomicbert-tiny:
 * nomic-embed-text-v1.5's config.json at hidden 64, 4 heads, 4 layers, n_inner 256 (bias-free
 * fused Wqkv, rotate-half rotary with base 1000, SwiGLU fc11 / fc12, post-LayerNorm, two token
 * types), seeded random weights, bert-base-uncased's WordPiece tokenizer. transformers has no
 * NomicBertModel (its code ships with the checkpoint), so the reference is llama.cpp's own
 * implementation (llama-cpp-python 0.3.36's vendored llama.cpp), converted to GGUF at f32 by its
 * convert_hf_to_gguf.py and fed our token ids: make_nomic_fixture.py. See {@link FamilyParityTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NomicBertParityTest extends FamilyParityTest {

  NomicBertParityTest() {
    super("nomicbert-tiny");
  }

  @Override
  String referenceName() {
    return "llama.cpp";
  }

  @Test
  void loadsAsSentenceTransformersDeclares() {
    checkLoadsAsSentenceTransformersDeclares();
    EncoderConfig c = model.encoder().config();
    assertEquals("nomic_bert", c.modelType());
    assertEquals(EncoderConfig.Positions.ROTARY, c.positions());
    assertEquals(1000.0, c.rotary().globalBase());
    assertEquals(Activation.SILU, c.activation());
    assertFalse(c.preLayerNorm());
    assertEquals(2, c.typeVocabSize());
    assertEquals(8192, c.maxPositions());
  }

  /** The fixture's ids are the tokenizer's (made with HF tokenizers); llama.cpp was fed them. */
  @Test
  void tokenIdsMatchTransformers() {
    checkTokenIdsMatchTransformers();
  }

  @Test
  void lastHiddenStateAndPooledVectorMatchLlamaCpp() {
    checkLastHiddenStateAndPooledVectorMatchPyTorch();
  }

  @Test
  void longInputsUpTo2048TokensMatchLlamaCpp() throws Exception {
    checkLongInputsUpTo2048Tokens();
  }

  @Test
  void refusesDynamicNtkScaling() throws Exception {
    IllegalArgumentException e = loadWith("\"rotary_scaling_factor\": null",
        "\"rotary_scaling_factor\": 2");
    assertTrue(e.getMessage().contains("config.json: field \"rotary_scaling_factor\" is 2; "
        + "expected null (dynamic-NTK rotary scaling is not supported)"), e.getMessage());
  }

  @Test
  void refusesInterleavedRotaryAndBiases() throws Exception {
    IllegalArgumentException e = loadWith("\"rotary_emb_interleaved\": false",
        "\"rotary_emb_interleaved\": true");
    assertTrue(e.getMessage().contains("config.json: field \"rotary_emb_interleaved\" is true; "
        + "expected false"), e.getMessage());
    e = loadWith("\"qkv_proj_bias\": false", "\"qkv_proj_bias\": true");
    assertTrue(e.getMessage().contains("field \"qkv_proj_bias\" is true"), e.getMessage());
    e = loadWith("\"activation_function\": \"swiglu\"", "\"activation_function\": \"gelu\"");
    assertTrue(e.getMessage().contains("field \"activation_function\" is \"gelu\"; expected "
        + "\"swiglu\""), e.getMessage());
  }

  private IllegalArgumentException loadWith(String field, String replacement) throws Exception {
    Path dir = copyWithoutReference(source);
    String config = Files.readString(dir.resolve("config.json"));
    assertTrue(config.contains(field), field);
    Files.writeString(dir.resolve("config.json"), config.replace(field, replacement));
    return assertThrows(IllegalArgumentException.class, () -> ModelLoader.load(dir.toString()));
  }
}
