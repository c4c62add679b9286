package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.pool.Pooling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * ModernBERT with its real tokenizer, text to vector: models/modernbert-olmo-tiny (made by
 * make_modernbert_e2e_fixture.py) is ModernBERT-base's config.json at hidden 32, 2 heads, 4 layers
 * with its vocabulary of 50368, seeded random float16 weights, mean pooling + Normalize; its
 * tokenizer.json is ModernBERT's (OLMo's byte-level BPE plus ModernBERT's added tokens, which
 * scripts/setup.sh arranges into ~/.cache/corpus-encoder/tokenizers/modernbert.json; not
 * committed, its sha256 is). Reference: Hugging Face tokenizers (AutoTokenizer) and transformers'
 * ModernBertModel (eager) on that same directory. 300+ multilingual, emoji, edge-case and
 * adversarial texts (added tokens' strings, whitespace runs, NFC-changing words): ids equal,
 * every token within 1e-4, pooled cosine ≥ 0.99999; long texts to 2048 and 8192 tokens, every 8th
 * token within 1e-4.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModernBertEndToEndParityTest extends FamilyParityTest {
  static final Path TOKENIZER = Path.of(System.getProperty("user.home"), ".cache",
      "corpus-encoder", "tokenizers", "modernbert.json");

  ModernBertEndToEndParityTest() {
    super("modernbert-olmo-tiny", 512, cachedTokenizer());
  }

  private static Path cachedTokenizer() {
    assertTrue(Files.isRegularFile(TOKENIZER), TOKENIZER + " is missing: run scripts/setup.sh");
    return TOKENIZER;
  }

  /** The cached tokenizer is the file the reference ran with, and the model is ModernBERT-base's. */
  @Test
  void loadsTheTokenizerTheReferenceUsedAndModernBertBasesShape() throws Exception {
    String want = Files.readString(source.resolve("tokenizer.sha256")).split("\\s+")[0];
    String got = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(TOKENIZER)));
    assertEquals(want, got, TOKENIZER + " is not the tokenizer.json the reference ran with");
    EncoderConfig c = model.encoder().config();
    assertEquals("modernbert", c.modelType());
    assertEquals(50368, c.vocabSize());
    assertEquals(new EncoderConfig.Rotary(3, 160000.0, 128, 10000.0), c.rotary());
    assertEquals(32, model.dimension());
    assertEquals(Pooling.MEAN, model.pooling());
    assertTrue(model.normalize(), "modules.json has a Normalize module");
    assertEquals(512, model.maxLength());
    assertTrue(refs.size() >= 300, "reference texts: " + refs.size());
    assertTrue(refs.stream().filter(r -> r.ids().length == 512).count() >= 5,
        "texts at the model's limit");
    assertTrue(refs.stream().filter(r -> r.lang().equals("adversarial")).count() >= 40,
        "adversarial texts");
  }

  @Test
  void tokenIdsMatchHuggingFace() {
    checkTokenIdsMatchTransformers();
  }

  @Test
  void lastHiddenStateAndPooledVectorMatchPyTorch() {
    checkLastHiddenStateAndPooledVectorMatchPyTorch();
  }

  @Test
  void longInputsUpTo2048TokensMatchPyTorch() throws Exception {
    checkLongInputsUpTo2048Tokens();
  }

  @Test
  void longestInputsUpTo8192TokensMatchPyTorch() throws Exception {
    checkLongestInputsUpTo8192Tokens(Map.of("mixed-4k", 1e-4f, "mixed-8k", 1e-4f));
  }
}
