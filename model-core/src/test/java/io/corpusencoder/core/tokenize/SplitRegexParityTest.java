package io.corpusencoder.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corpusencoder.core.testing.TestTexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Split pre-tokenizers with Oniguruma regexes, translated to Java, split exactly where Hugging
 * Face does. The model is a BPE whose vocabulary is only [UNK], with fuse_unk: every piece becomes
 * one token spanning exactly that piece, so the spans compared are the pieces themselves.
 */
class SplitRegexParityTest {
  static final String GPT2 = ByteLevelPreTokenizer.GPT2_PATTERN;
  static final String LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
      + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  static final String QWEN2 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
      + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  /** Patterns and behaviours; "(?:GPT2)" makes GPT-2's pattern go through the translator. */
  static final String[][] CASES = {
    {"(?:" + GPT2 + ")", "Isolated", "false"},
    {GPT2, "Isolated", "false"},
    {LLAMA3, "Isolated", "false"},
    {QWEN2, "Isolated", "false"},
    {"\\s+", "Removed", "false"},
    {"\\d+", "Isolated", "false"},
    {"\\w+", "Removed", "true"},
    {"\\W", "MergedWithPrevious", "false"},
    {"\\b", "Isolated", "false"},
    {"\\h+", "Contiguous", "false"},
    {"(?i)street|ǅ|k", "MergedWithNext", "false"},
    {"\\p{Lu}\\p{Ll}*|\\p{Han}|\\p{Hira}+|\\p{Garay}|\\p{Old Italic}|\\p{^L}", "Isolated",
        "false"},
    {"[\\p{P}\\p{S}&&[^-]]|\\p{Zs}", "Isolated", "false"},
    {".{1,4}?$|^.|\\R", "Isolated", "false"},
    {"(?<=\\p{N})(?=\\p{L})|(?<=\\p{L})\\p{N}|(?<!\\p{N}|x)\\s|x*", "Isolated", "false"},
    {"[^\\x00-\\x7F]+|\\x{1F600}|\\v|\\u00e9", "Isolated", "false"},
    {"\\p{M}+|\\p{Mn}|\\p{Cf}|\\p{Co}|\\p{Cn}", "Isolated", "false"},
    {"\\p{Alphabetic}+|\\p{Word}{2}|\\p{Space}|\\p{XDigit}{,2}", "Isolated", "false"},
  };

  @TempDir Path tmp;

  private HfParity open(String pattern, String behavior, boolean invert) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    ObjectNode split = root.putObject("pre_tokenizer");
    split.put("type", "Split");
    split.putObject("pattern").put("Regex", pattern);
    split.put("behavior", behavior);
    split.put("invert", invert);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putObject("vocab").put("[UNK]", 0);
    model.putArray("merges");
    model.put("unk_token", "[UNK]");
    model.put("fuse_unk", true);
    Path file = tmp.resolve("split.json");
    Files.writeString(file, json.writeValueAsString(root));
    return HfParity.open(file, 512);
  }

  @ParameterizedTest(name = "case {0}")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17})
  void splitsAsHuggingFace(int index) throws Exception {
    String[] c = CASES[index];
    List<String> texts = new ArrayList<>(MultilingualTexts.all());
    texts.addAll(TestTexts.generate(2500, 7));
    // Every scalar value in three contexts, 16 code points to a text.
    StringBuilder sb = new StringBuilder();
    int count = 0;
    for (int cp : SweptCodePoints.all()) {
      String s = new String(Character.toChars(cp));
      sb.append('a').append(s).append("1 ").append(s).append(s).append('\n');
      if (++count % 16 == 0 || cp == 0x10FFFF) {
        texts.add(sb.toString());
        sb.setLength(0);
      }
    }
    texts.add("It's ſt 'S 'LL 'Re STRASSE Straße ǅ ǆ Ǆ K \u212A");
    List<String> failures = new ArrayList<>();
    try (HfParity p = open(c[0], c[1], Boolean.parseBoolean(c[2]))) {
      for (int from = 0; from < texts.size(); from += 50_000) {
        List<String> part = texts.subList(from, Math.min(texts.size(), from + 50_000));
        String[] diffs = p.compareAll(part);
        for (String d : diffs) if (d != null && failures.size() < 100) failures.add(d);
      }
    }
    assertTrue(failures.isEmpty(), "/" + c[0] + "/ " + c[1] + ": " + failures.size()
        + " texts differ:\n"
        + String.join("\n", failures.subList(0, Math.min(8, failures.size()))));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "[[:alpha:]]",
    "a\\Kb",
    "\\X",
    "(?x) a b",
    "a{1,2}+",
    "(?(1)a|b)",
    "\\p{NoSuchProperty}",
    "\\y",
  })
  void refusesWhatItCannotTranslate(String regex) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnigTranslator.compile(regex));
    assertTrue(e.getMessage().contains(regex), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "\\s|[\\t-\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}"
        + "\\x{205F}\\x{3000}]",
    "\\h|[0-9a-fA-F]",
    "a{,3}|a{0,3}",
    "x{a|x\\{a",
  })
  void translates(String onig, String java) {
    assertEquals(java, OnigTranslator.translate(onig));
  }
}
