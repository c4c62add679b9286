package io.corpusencoder.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.testing.TestTexts;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Byte-level and other BPE tokenizers give the ids, type ids, masks, truncation flag and spans of
 * Hugging Face tokenizers (Rust, through DJL): on real multilingual texts and generated ones at
 * max lengths 128 and 512, and on every Unicode scalar value alone and between two words.
 */
class BpeParityTest {
  static final int GENERATED = 2500;

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} at max length {1}")
  @CsvSource({
    "bpe-bytelevel-tokenizer.json, 128",
    "bpe-bytelevel-tokenizer.json, 512",
    "bpe-bytelevel-gpt2-tokenizer.json, 128",
    "bpe-bytelevel-gpt2-tokenizer.json, 512",
    "bpe-bytelevel-gpt2merges-tokenizer.json, 128",
    "bpe-bytelevel-gpt2merges-tokenizer.json, 512",
    "bpe-split-regex-tokenizer.json, 128",
    "bpe-split-regex-tokenizer.json, 512",
    "bpe-llama3-tokenizer.json, 128",
    "bpe-llama3-tokenizer.json, 512",
    "bpe-qwen2-tokenizer.json, 128",
    "bpe-qwen2-tokenizer.json, 512",
    "bpe-bytefallback-tokenizer.json, 128",
    "bpe-bytefallback-tokenizer.json, 512",
    "bpe-suffix-tokenizer.json, 128",
    "bpe-suffix-tokenizer.json, 512",
    "bpe-bytelevel-normalizer-tokenizer.json, 128",
    "bpe-bytelevel-normalizer-tokenizer.json, 512",
  })
  void sameAsHuggingFaceOnTexts(String fixture, int maxLength) throws Exception {
    List<String> texts = new ArrayList<>(MultilingualTexts.all());
    texts.addAll(TestTexts.generate(GENERATED, 42));
    texts.addAll(EDGE_CASES);
    List<String> failures = new ArrayList<>();
    int truncated = 0;
    try (HfParity p = HfParity.open("tokenize/" + fixture, tmp, maxLength)) {
      String[] diffs = p.compareAll(texts);
      for (int i = 0; i < diffs.length; i++) {
        if (diffs[i] != null) failures.add(i + ": " + diffs[i]);
        if (p.ours.encode(texts.get(i), maxLength).truncated()) truncated++;
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " of " + texts.size() + " differ:\n"
        + String.join("\n", failures.subList(0, Math.min(12, failures.size()))));
    assertTrue(texts.size() >= 6000, "too few texts: " + texts.size());
    assertTrue(truncated > 100, "the texts must exercise truncation, got " + truncated);
  }

  /** Added tokens next to multi-byte characters and spaces (offset trimming), blank texts. */
  static final List<String> EDGE_CASES = List.of(
      "", " ", "  ", "\n", "\t\u3000 \u00a0", "<s>\u4f60\u597d</s>", "<s> \u4f60 </s>",
      "x<s>\u00e9</s>\u00e9", "<|begin_of_text|>\u4f60\u597d<|end_of_text|>  \u00e9",
      "GNOME\u4f60GNU/Linux\u00e9<br>\u0416", "  \u4f60  \u597d  ", "\ud83d\ude00 \ud83d\ude00",
      "a\u0301 \u0915\u094d\u0937 \u0e01\u0e33", "'s 'S 'Re \u017ft", "<mask> <pad>  <unk>x");

  /**
   * Every Unicode scalar value (surrogates excluded) between two words with and without spaces
   * (8 code points to a text: "word" + c + "word two " + c + " words ...") and, for the
   * ByteLevel fixture, alone: classes of the split regexes (Unicode 16.0), byte mapping, byte
   * fallback and unknown characters, offset trimming, for each pre-tokenizer kind. (Every
   * fixture's every code point alone is UnicodeSweepTest's.)
   */
  @ParameterizedTest(name = "{0}, alone too: {1}")
  @CsvSource({
    "bpe-bytelevel-tokenizer.json, true",
    "bpe-split-regex-tokenizer.json, false",
    "bpe-qwen2-tokenizer.json, false",
    "bpe-bytefallback-tokenizer.json, false",
    "bpe-suffix-tokenizer.json, false",
    "bpe-bytelevel-normalizer-tokenizer.json, false",
  })
  void sameAsHuggingFaceOnEveryCodePoint(String fixture, boolean alone) throws Exception {
    try (HfParity p = HfParity.open("tokenize/" + fixture, tmp, 512)) {
      List<String> failures = everyCodePoint(p, alone, fixture, BETWEEN_WORDS);
      assertTrue(failures.isEmpty(), failures.size() + " texts differ:\n"
          + String.join("\n", failures.subList(0, Math.min(12, failures.size()))));
    }
  }

  /** A code point between two words with and without spaces. */
  static final java.util.function.Function<String, String> BETWEEN_WORDS =
      c -> "word" + c + "word two " + c + " words ";

  /**
   * Every swept code point, 8 to a text, each in {@code context}, and alone if asked, through
   * {@code p}: the differences (the first 1000).
   */
  static List<String> everyCodePoint(HfParity p, boolean alone, String label,
      java.util.function.Function<String, String> context) {
    List<String> failures = new ArrayList<>();
    int codePoints = 0;
    int texts = 0;
    long t0 = System.nanoTime();
    List<String> batch = new ArrayList<>();
    StringBuilder words = new StringBuilder();
    for (int cp : SweptCodePoints.all()) {
      String c = new String(Character.toChars(cp));
      if (alone) batch.add(c);
      words.append(context.apply(c));
      codePoints++;
      if (codePoints % 8 == 0 || cp == 0x10FFFF) {
        batch.add(words.toString());
        words.setLength(0);
      }
      if (batch.size() >= 50_000 || cp == 0x10FFFF) {
        String[] diffs = p.compareAll(batch);
        for (String d : diffs) if (d != null && failures.size() < 1000) failures.add(d);
        texts += batch.size();
        batch.clear();
      }
    }
    System.out.printf("%s: %d code points, %d texts in %.1f s%n", label, codePoints, texts,
        (System.nanoTime() - t0) / 1e9);
    assertEquals(SweptCodePoints.count(), codePoints);
    return failures;
  }

  private static Tokenizer read(String json) throws Exception {
    return TokenizerReader.readTokenizerJson(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
  }

  private static final String VOCAB = "\"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, "
      + "\"merges\": [\"a b\"]";

  private static String file(String model, String preTokenizer) {
    return "{\"model\": {\"type\": \"BPE\", " + model + "}, \"pre_tokenizer\": " + preTokenizer
        + "}";
  }

  @Test
  void refusesDropout() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> read(file("\"dropout\": 0.1, " + VOCAB, "null")));
    assertTrue(e.getMessage().contains("model.dropout"), e.getMessage());
  }

  @Test
  void acceptsNullOrZeroDropout() throws Exception {
    Tokenizer t = read(file("\"dropout\": null, " + VOCAB, "null"));
    assertEquals(List.of(2), List.of(t.tokenize("ab").ids()[0]));
    read(file("\"dropout\": 0.0, " + VOCAB, "null"));
  }

  @Test
  void refusesUntranslatableRegex() {
    String split = "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", "
        + "\"pattern\": {\"Regex\": \"[[:alpha:]]+\"}, \"behavior\": \"Isolated\", "
        + "\"invert\": false}]}";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> read(file(VOCAB, split)));
    assertTrue(e.getMessage().contains("pre_tokenizer.pretokenizers[0].pattern.Regex"),
        e.getMessage());
    assertTrue(e.getMessage().contains("[[:alpha:]]+"), e.getMessage());
  }

  @Test
  void refusesUnknownPreTokenizer() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> read(file(VOCAB, "{\"type\": \"FancySplit\"}")));
    assertTrue(e.getMessage().contains("pre_tokenizer"), e.getMessage());
    assertTrue(e.getMessage().contains("FancySplit"), e.getMessage());
  }

  @Test
  void refusesMergeOutsideVocabulary() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> read(file("\"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [[\"a\", \"b\"]]", "null")));
    assertTrue(e.getMessage().contains("model.merges[0]"), e.getMessage());
  }
}
