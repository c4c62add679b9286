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
    JsonNode longOne = JSON.readTree(lines.get(6));
    assertTrue(longOne.get("truncated").asBoolean());
    assertEquals(16, longOne.get("n_tokens").asInt());
  }

  @Test
  void rejectsBadOptionsByName() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> EmbedCli.parse(new String[] {"--model", "x", "--pooling", "sum"}));
    assertEquals("--pooling: \"sum\" is not a pooling; expected one of mean, cls, max", e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> EmbedCli.parse(new String[] {"--model", "x", "--max-length", "0"}));
    assertEquals("--max-length: expected a positive integer, got \"0\"", e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class,
        () -> EmbedCli.parse(new String[] {"--bogus"}));
    assertEquals("unknown option --bogus", e3.getMessage());
  }
}
