package io.corpusencoder.core.tokenize;

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

/**
 * The Replace normalizer rewrites text and spans exactly as Hugging Face does. The pre-tokenizer
 * isolates every character and the model knows only a few of them, so each normalized character
 * is one token whose id says what it is and whose span says where HF aligned it.
 */
class ReplaceParityTest {
  @TempDir Path tmp;

  private HfParity open(String kind, String pattern, String content) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    ObjectNode replace = root.putObject("normalizer");
    replace.put("type", "Replace");
    replace.putObject("pattern").put(kind, pattern);
    replace.put("content", content);
    ObjectNode split = root.putObject("pre_tokenizer");
    split.put("type", "Split");
    split.putObject("pattern").put("Regex", ".|\\n");
    split.put("behavior", "Isolated");
    split.put("invert", false);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    ObjectNode vocab = model.putObject("vocab");
    vocab.put("[UNK]", 0);
    String known = "XYZ▁ab ";
    for (int i = 0; i < known.length(); i++) vocab.put(known.substring(i, i + 1), i + 1);
    model.putArray("merges");
    model.put("unk_token", "[UNK]");
    Path file = tmp.resolve("replace.json");
    Files.writeString(file, json.writeValueAsString(root));
    return HfParity.open(file, 512);
  }

  @ParameterizedTest(name = "{0} /{1}/ -> \"{2}\"")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    "String|\" \"|▁",
    "String|\"\"|X",
    "String|ab|\"\"",
    "String|aa|XYZ",
    "Regex|\\s+|\" \"",
    "Regex|x*|Y",
    "Regex|\\p{M}|\"\"",
    "Regex|(?<=a)|Z",
    "Regex|[\\x{1F300}-\\x{1FAFF}]|XY",
  })
  void replacesAsHuggingFace(String kind, String pattern, String content) throws Exception {
    List<String> texts = new ArrayList<>(MultilingualTexts.all());
    texts.addAll(TestTexts.generate(1500, 11));
    texts.add("aaa  ab\u0301 a\uD83D\uDE00b  ");
    List<String> failures = new ArrayList<>();
    try (HfParity p = open(kind, pattern, content)) {
      for (String d : p.compareAll(texts)) if (d != null && failures.size() < 100) failures.add(d);
    }
    assertTrue(failures.isEmpty(), kind + " /" + pattern + "/: " + failures.size()
        + " texts differ:\n"
        + String.join("\n", failures.subList(0, Math.min(8, failures.size()))));
  }
}
