package io.corpusencoder.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelLoader;
import io.corpusencoder.core.testing.TinyModelDir;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedCliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void writesOneLinePerRecordWithErrorsInPlaceAndFailsAtTheEnd() throws Exception {
    Path model = TinyModelDir.write(tmp.resolve("tiny"));
    Path in = tmp.resolve("in.jsonl");
    Files.writeString(in, String.join("\n",
        "{\"id\": \"a\", \"text\": \"the quick brown fox\"}",
        "{\"id\": 7, \"text\": null}",
        "not json",
        "{\"text\": \"hello world\"}",
        "{\"id\": \"n\", \"text\": 42}",
        "{\"id\": \"e\", \"text\": \"\"}",
        "{\"id\": \"long\", \"text\": \"" + "the fox ".repeat(40) + "\"}") + "\n");
    Path out = tmp.resolve("out.jsonl");
    int status = EmbedCli.run(new String[] {"--model", model.toString(), "--input", in.toString(),
        "--output", out.toString(), "--with-token-ids", "--max-length", "16"});
    assertEquals(1, status, "some records failed");
    List<String> lines = Files.readAllLines(out);
    assertEquals(7, lines.size());
    JsonNode a = JSON.readTree(lines.get(0));
    assertEquals("a", a.get("id").asText());
    assertEquals("tiny", a.get("model").asText());
    assertEquals(8, a.get("embedding").size());
    assertEquals(6, a.get("n_tokens").asInt());
    assertFalse(a.get("truncated").asBoolean());
    assertEquals("[2,5,6,7,8,3]", a.get("token_ids").toString());
    // The same vector as the library gives.
    EmbeddingModel m = ModelLoader.load(model.toString()).withMaxLength(16);
    float[] v = m.embed(List.of("the quick brown fox")).get(0).vector();
    for (int i = 0; i < v.length; i++) assertEquals(v[i], a.get("embedding").get(i).floatValue(), 0f);

    assertEquals("{\"id\":7,\"error\":\"line 2: field \\\"text\\\" is missing or null\"}", lines.get(1));
    JsonNode bad = JSON.readTree(lines.get(2));
    assertTrue(bad.get("id").isNull());
    assertTrue(bad.get("error").asText().startsWith("line 3: not valid JSON"), lines.get(2));
    assertEquals(4, JSON.readTree(lines.get(3)).get("id").asInt(), "line number as id");
    assertEquals("line 5: field \"text\" must be a string, got number",
        JSON.readTree(lines.get(4)).get("error").asText());
    assertEquals(2, JSON.readTree(lines.get(5)).get("n_tokens").asInt(), "empty text: [CLS][SEP]");
    // 80 tokens in windows of 14 (16 with [CLS] and [SEP]): 6 chunks, every token encoded.
    JsonNode longOne = JSON.readTree(lines.get(6));
    assertFalse(longOne.get("truncated").asBoolean());
    assertEquals(80 + 6 * 2, longOne.get("n_tokens").asInt());
    assertEquals(6, longOne.get("chunks").asInt());
    assertEquals(6, longOne.get("chunk_token_ids").size());
    assertEquals(16, longOne.get("chunk_token_ids").get(0).size());
    assertEquals(12, longOne.get("chunk_token_ids").get(5).size());
    assertFalse(longOne.has("token_ids"));

    Path cut = tmp.resolve("cut.jsonl");
    assertEquals(1, EmbedCli.run(new String[] {"--model", model.toString(), "--input",
        in.toString(), "--output", cut.toString(), "--max-length", "16", "--long-text",
        "truncate"}));
    JsonNode truncated = JSON.readTree(Files.readAllLines(cut).get(6));
    assertTrue(truncated.get("truncated").asBoolean());
    assertEquals(16, truncated.get("n_tokens").asInt());
    assertEquals(1, truncated.get("chunks").asInt());
    float[] first = m.embed(List.of("the fox ".repeat(40))).get(0).vector();
    for (int i = 0; i < first.length; i++) {
      assertEquals(first[i], truncated.get("embedding").get(i).floatValue(), 0f);
    }
  }

  /** --tokenize against Hugging Face tokenizers (Rust, via DJL) on the same tokenizer.json. */
  @Test
  void tokenizeWritesIdsTokensAndOffsetsAsHuggingFace() throws Exception {
    Path tj = tmp.resolve("tokenizer.json");
    try (var in = getClass().getClassLoader().getResourceAsStream("e5-small-v2-tokenizer.json")) {
      Files.copy(in, tj);
    }
    List<String> texts = List.of("Héllo, wörld! 😀 naïve café", "", "日本語のテキスト",
        "a [SEP] b [MASK]", "lorem ipsum ".repeat(30) + "x".repeat(300) + " tail");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < texts.size(); i++) {
      lines.append(JSON.createObjectNode().put("id", i).put("text", texts.get(i))).append('\n');
    }
    Path in = tmp.resolve("t.jsonl");
    Files.writeString(in, lines);
    Path out = tmp.resolve("t-out.jsonl");
    assertEquals(0, EmbedCli.run(new String[] {"--model", tj.toString(), "--tokenize",
        "--max-length", "12", "--input", in.toString(), "--output", out.toString()}));
    List<String> got = Files.readAllLines(out);
    assertEquals(texts.size(), got.size());
    try (var ref = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.builder()
        .optTokenizerPath(tj).optPadding(false).optTruncation(true).optMaxLength(12).build()) {
      for (int i = 0; i < texts.size(); i++) {
        String text = texts.get(i);
        JsonNode line = JSON.readTree(got.get(i));
        var expected = ref.encode(text);
        assertEquals(i, line.get("id").asInt());
        assertEquals(java.util.Arrays.toString(expected.getIds()).replace(" ", ""),
            line.get("token_ids").toString(), text);
        assertEquals(String.join(",", expected.getTokens()), String.join(",",
            JSON.convertValue(line.get("tokens"), String[].class)), text);
        var spans = expected.getCharTokenSpans();
        for (int t = 0; t < spans.length; t++) {
          JsonNode o = line.get("offsets").get(t);
          int s = spans[t] == null ? 0 : text.offsetByCodePoints(0, spans[t].getStart());
          int e = spans[t] == null ? 0 : text.offsetByCodePoints(0, spans[t].getEnd());
          assertEquals("[" + s + "," + e + "]", o.toString(), "token " + t + " of " + text);
        }
        assertEquals(expected.exceedMaxLength(), line.get("truncated").asBoolean());
      }
    }
    // Without --max-length nothing is cut.
    assertEquals(0, EmbedCli.run(new String[] {"--model", tj.toString(), "--tokenize",
        "--input", in.toString(), "--output", out.toString()}));
    JsonNode last = JSON.readTree(Files.readAllLines(out).get(4));
    assertFalse(last.get("truncated").asBoolean());
    assertTrue(last.get("token_ids").size() > 12);
  }

  /**
   * --tokenize reads bytes and repairs text as the embed path and the job do: the offsets are into
   * the repaired text (what HF gets), and the line says it was repaired and why.
   */
  @Test
  void tokenizeFlagsRepairedText() throws Exception {
    Path tj = tmp.resolve("tokenizer.json");
    try (var in = getClass().getClassLoader().getResourceAsStream("e5-small-v2-tokenizer.json")) {
      Files.copy(in, tj);
    }
    Path in = tmp.resolve("bad.jsonl");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    bytes.writeBytes("{\"id\": 1, \"text\": \"caf".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xE9); // Latin-1 é: not UTF-8
    bytes.writeBytes(" ok\"}\n{\"id\": 2, \"text\": \"x \\ud800 y\"}\n{\"id\": 3, \"text\": \"fine\"}\n"
        .getBytes(StandardCharsets.UTF_8));
    Files.write(in, bytes.toByteArray());
    Path out = tmp.resolve("bad-out.jsonl");
    assertEquals(0, EmbedCli.run(new String[] {"--model", tj.toString(), "--tokenize",
        "--input", in.toString(), "--output", out.toString()}));
    List<String> got = Files.readAllLines(out);
    assertEquals("invalid_utf8", JSON.readTree(got.get(0)).get("text_repaired").asText());
    assertEquals("lone_surrogate", JSON.readTree(got.get(1)).get("text_repaired").asText());
    assertFalse(JSON.readTree(got.get(2)).has("text_repaired"));
    try (var ref = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.builder()
        .optTokenizerPath(tj).optPadding(false).build()) {
      assertEquals(java.util.Arrays.toString(ref.encode("caf\uFFFD ok").getIds()).replace(" ", ""),
          JSON.readTree(got.get(0)).get("token_ids").toString());
      assertEquals(java.util.Arrays.toString(ref.encode("x \uFFFD y").getIds()).replace(" ", ""),
          JSON.readTree(got.get(1)).get("token_ids").toString());
    }
  }

  @Test
  void aPromptTextKeepsItsSpaces() {
    assertEquals("query: ", EmbedCli.parse(new String[] {"--model", "x", "--prompt-text",
        "query: "}).settings().promptText());
    assertEquals(12, EmbedCli.parse(new String[] {"--model", "x", "--dimensions", "12",
        "--prompt", "passage"}).settings().dimensions());
  }

  @Test
  void rejectsBadOptionsByName() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> EmbedCli.parse(new String[] {"--model", "x", "--pooling", "sum"}));
    assertEquals("command line: --pooling \"sum\" is not valid; expected one of mean, cls, max, "
        + "lasttoken, mean_sqrt_len_tokens, weightedmean, model",
        e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> EmbedCli.parse(new String[] {"--model", "x", "--max-length", "0"}));
    assertEquals("command line: --max-length \"0\" is not valid; expected model or a positive "
        + "integer",
        e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class,
        () -> EmbedCli.parse(new String[] {"--bogus"}));
    assertTrue(e3.getMessage().startsWith("command line: unknown option --bogus; known options: "
        + "model, max-length, pooling,"), e3.getMessage());
    var e4 = assertThrows(IllegalArgumentException.class,
        () -> EmbedCli.parse(new String[] {"--model", "x", "--tokenize", "yes"}));
    assertEquals("command line: --tokenize \"yes\" is not valid; expected one of true, false",
        e4.getMessage());
  }

  @Test
  void booleansGivenAloneMeanTrueAndBothSpellingsWork() {
    EmbedCli.Options o = EmbedCli.parse(new String[] {"--no-normalize", "--model=x",
        "--with-token-ids", "--threads", "2", "--tokenize"});
    assertEquals("x", o.model());
    assertEquals("false", o.settings().normalize());
    assertTrue(o.withTokenIds());
    assertTrue(o.tokenize());
    assertEquals(2, o.threads());
    EmbedCli.Options f = EmbedCli.parse(new String[] {"--model", "x", "--no-normalize", "false",
        "--with-token-ids=false", "--tokenize=true", "--max-length=7"});
    assertEquals("model", f.settings().normalize());
    assertFalse(f.withTokenIds());
    assertTrue(f.tokenize());
    assertEquals(7, f.settings().maxLength());
    EmbedCli.Options g = EmbedCli.parse(new String[] {"--model", "x", "--normalize",
        "--long-text", "truncate", "--stride=3", "--batch-tokens", "100", "--sort-window", "5"});
    assertEquals(io.corpusencoder.core.embed.EncodeSettings.DEFAULTS.withNormalize("true")
        .withLongText(io.corpusencoder.core.embed.EncodeSettings.LongText.TRUNCATE).withStride(3)
        .withBatchTokens(100).withSortWindow(5), g.settings());
    var e = assertThrows(IllegalArgumentException.class, () -> EmbedCli.parse(new String[] {
        "--model", "x", "--no-normalize", "--normalize", "true"}));
    assertEquals("--no-normalize contradicts --normalize true; give one of them", e.getMessage());
    assertTrue(EmbedCli.parse(new String[] {"--list-models"}).listModels());
    assertTrue(EmbedCli.parse(new String[] {"--bogus", "-h"}).help());
  }

  @Test
  void helpIsGeneratedFromTheDeclarations() {
    String help = EmbedCli.usage();
    for (String o : List.of("--model", "--max-length", "--pooling", "--no-normalize",
        "--with-token-ids", "--tokenize", "--input", "--output", "--threads", "--save-model",
        "--list-models", "--help")) {
      assertTrue(help.contains(o), o);
    }
    assertTrue(help.contains("(default: 1)"), help);
  }
}
