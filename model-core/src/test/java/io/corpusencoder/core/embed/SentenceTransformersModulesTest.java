package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.batch.Chunk;
import io.corpusencoder.core.pool.Pooling;
import io.corpusencoder.core.tokenize.Encoding;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 3: a user's sentence-transformers modules applied as sentence-transformers 5.1.2
 * applies them. Each fixture (models/st-modules/NAME, src/test/python/make_st_module_fixtures.py)
 * is xlmr-tiny's Transformer with another Pooling mode, include_prompt, Dense modules, Normalize,
 * max_seq_length and prompts; its reference holds SentenceTransformer.encode's vectors of 54
 * multilingual texts (7 cut at 512 tokens) per case: no prompt, a prompt by name, the default
 * prompt, Matryoshka truncate_dim (re-normalized). Our vectors come through RecordEncoder (the one
 * encode path) with the case's settings as options give them: cosine ≥ 0.99999, max |Δ| ≤ 1e-4.
 */
class SentenceTransformersModulesTest {
  static final double MIN_COSINE = 0.99999;
  static final double MAX_DIFF = 1e-4;
  private static final ObjectMapper JSON = new ObjectMapper();

  record Case(String name, String promptName, int truncateDim, List<String> texts,
      List<float[]> vectors) {}

  static Path fixture(String name) throws IOException, URISyntaxException {
    return FamilyParityTest.fixture("xlmr-tiny").resolveSibling("st-modules").resolve(name);
  }

  /** The user's directory: xlmr-tiny's Transformer files and the fixture's module files. */
  static Path modelDir(String name) throws IOException, URISyntaxException {
    Path base = FamilyParityTest.fixture("xlmr-tiny");
    Path src = fixture(name);
    Path dir = Files.createTempDirectory("st-").resolve(name);
    Files.createDirectories(dir);
    for (String f : List.of("config.json", "model.safetensors", "tokenizer.json",
        "tokenizer_config.json")) {
      Files.copy(base.resolve(f), dir.resolve(f));
    }
    try (Stream<Path> files = Files.walk(src)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isDirectory(f) || f.getFileName().toString().equals("reference.jsonl.gz")) {
          continue;
        }
        Path to = dir.resolve(src.relativize(f).toString());
        Files.createDirectories(to.getParent());
        Files.copy(f, to);
      }
    }
    return dir;
  }

  static Map<String, Case> cases(String name) throws IOException, URISyntaxException {
    Map<String, Case> out = new LinkedHashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        Files.newInputStream(fixture(name).resolve("reference.jsonl.gz"))),
        StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank()) continue;
        JsonNode n = JSON.readTree(line);
        String c = n.get("case").asText();
        Case k = out.computeIfAbsent(c, x -> new Case(x,
            n.get("prompt_name").isNull() ? null : n.get("prompt_name").asText(),
            n.get("truncate_dim").isNull() ? 0 : n.get("truncate_dim").asInt(),
            new ArrayList<>(), new ArrayList<>()));
        k.texts().add(n.get("text").asText());
        float[] v = new float[n.get("vector").size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) n.get("vector").get(i).asDouble();
        k.vectors().add(v);
      }
    }
    return out;
  }

  /** The case's settings as a command line gives them (--prompt, --dimensions). */
  static EncodeSettings settings(Case c) {
    return EncodeSettings.DEFAULTS.withLongText(EncodeSettings.LongText.TRUNCATE)
        .withPrompt(c.promptName() == null ? "model" : c.promptName())
        .withDimensions(c.truncateDim());
  }

  @ParameterizedTest
  @ValueSource(strings = {"cls", "max", "lasttoken", "mean-sqrt-len", "weightedmean",
      "mean-dense-normalize", "mean-exclude-prompt", "cls-two-dense"})
  void vectorsMatchSentenceTransformers(String name) throws Exception {
    EmbeddingModel model = ModelLoader.load(modelDir(name).toString());
    List<String> report = new ArrayList<>();
    for (Case c : cases(name).values()) {
      assertTrue(c.texts().size() >= 50, name + "/" + c.name() + ": " + c.texts().size());
      RecordEncoder enc = new RecordEncoder(model, settings(c));
      List<EncodedText> got = enc.encode(c.texts()).texts();
      double worstCos = 1;
      double worstDiff = 0;
      for (int i = 0; i < got.size(); i++) {
        float[] ref = c.vectors().get(i);
        float[] ours = got.get(i).vector();
        assertEquals(ref.length, ours.length, name + "/" + c.name() + " dimension, text " + i);
        double dot = 0;
        double nr = 0;
        double no = 0;
        for (int d = 0; d < ref.length; d++) {
          dot += (double) ref[d] * ours[d];
          nr += (double) ref[d] * ref[d];
          no += (double) ours[d] * ours[d];
          worstDiff = Math.max(worstDiff, Math.abs(ref[d] - ours[d]));
        }
        worstCos = Math.min(worstCos, dot / Math.sqrt(nr * no));
      }
      report.add(String.format("%s/%s: %d texts, min cosine 1-%.1e, max |d| %.2e", name,
          c.name(), got.size(), 1 - worstCos, worstDiff));
      assertTrue(worstCos >= MIN_COSINE && worstDiff <= MAX_DIFF, String.join("\n", report));
    }
    System.out.println(String.join("\n", report));
  }

  @Test
  void readsEveryModuleAsDeclared() throws Exception {
    EmbeddingModel m = ModelLoader.load(modelDir("cls-two-dense").toString());
    assertEquals(Pooling.CLS, m.pooling());
    assertEquals(2, m.head().dense().size());
    assertEquals(null, m.head().dense().get(0).bias(), "bias false");
    assertEquals(24, m.dimension());
    assertEquals(256, m.maxLength(), "max_seq_length");
    assertTrue(m.normalize());
    assertEquals("", m.prompt(), "no default prompt");
    EmbeddingModel e = ModelLoader.load(modelDir("mean-exclude-prompt").toString());
    assertEquals("Represent this sentence for searching relevant passages: ", e.prompt(),
        "default_prompt_name");
    assertTrue(!e.head().includePrompt());
    // The prompt alone: <s> and its tokens, its </s> not counted (sentence-transformers' count).
    Encoding alone = e.tokenizer().encode(e.prompt(), 512);
    assertEquals(alone.length() - 1, e.promptLength());
    // The Dense weights are part of the identity.
    EmbeddingModel plain = ModelLoader.load(modelDir("cls").toString());
    assertTrue(!m.weightsSha256().equals(plain.weightsSha256()));
    assertEquals(plain.encoder().weightsSha256(), plain.weightsSha256());
  }

  @Test
  void metadataSaysThePromptTheModulesAndTheTruncation() throws Exception {
    EmbeddingModel m = ModelLoader.load(modelDir("mean-dense-normalize").toString());
    Map<String, Object> md = EmbeddingMetadata.fields(new RecordEncoder(m,
        EncodeSettings.DEFAULTS.withPrompt("query").withDimensions(16)), "9.9-test");
    assertEquals(16L, md.get("dimension"));
    assertEquals(16L, md.get("truncate_dim"));
    assertEquals("query: ", md.get("prompt"));
    assertEquals(true, md.get("pooling_include_prompt"));
    assertEquals("mean", md.get("pooling"));
    assertEquals("64->32 tanh", md.get("dense"));
    assertEquals(m.weightsSha256(), md.get("weights_sha256"));
    Map<String, Object> plain = EmbeddingMetadata.fields(new RecordEncoder(m,
        EncodeSettings.DEFAULTS.withPromptText("passage: ")), "9.9-test");
    assertEquals("passage: ", plain.get("prompt"));
    assertEquals(32L, plain.get("dimension"));
    assertEquals(0L, plain.get("truncate_dim"));
  }

  @Test
  void everyChunkOfALongTextStartsWithThePrompt() throws Exception {
    EmbeddingModel m = ModelLoader.load(modelDir("mean-dense-normalize").toString());
    Case c = cases("mean-dense-normalize").get("query");
    String longText = String.join(" ", c.texts());
    RecordEncoder enc = new RecordEncoder(m, settings(c).withLongText(
        EncodeSettings.LongText.CHUNK).withMaxLength(64).withStride(8));
    EncodedText t = enc.encode(List.of(longText)).texts().get(0);
    assertTrue(t.chunks().size() > 5, "chunks: " + t.chunks().size());
    int[] prompt = m.tokenizer().encode("query: ", 64).ids();
    int[] head = Arrays.copyOf(prompt, prompt.length - 1); // <s> query : (no </s>)
    int covered = 0;
    for (EncodedText.ChunkVector cv : t.chunks()) {
      Chunk ch = cv.chunk();
      int[] ids = ch.encoding().ids();
      assertTrue(ids.length <= 64, "chunk longer than max length: " + ids.length);
      assertArrayEquals(head, Arrays.copyOf(ids, head.length), "chunk " + ch.index());
      // Spans index the text, not the prompt, and chunks cover it.
      assertTrue(ch.start() <= covered && ch.end() > covered, "chunk " + ch.index() + " ["
          + ch.start() + ", " + ch.end() + ") after " + covered);
      covered = ch.end();
    }
    assertEquals(longText.stripTrailing().length(), covered);
    // The first chunk is the prompt and the text tokenized as one, as sentence-transformers does.
    assertArrayEquals(m.tokenizer().encode("query: " + longText, 64).ids(),
        t.chunks().get(0).chunk().encoding().ids());
  }

  @Test
  void catalogModelsOfferTheirModelCardsPrompts() {
    EmbeddingModel e5 = io.corpusencoder.core.testing.TestModels.model("e5-small-v2");
    assertEquals(Map.of("query", "query: ", "passage", "passage: "), e5.prompts().byName());
    assertEquals("", e5.prompt(), "no prompt unless asked for");
    List<String> texts = List.of("how much protein should a female eat", "");
    float[] byName = new RecordEncoder(e5, EncodeSettings.DEFAULTS.withPrompt("query"))
        .encode(texts).texts().get(0).vector();
    float[] byText = new RecordEncoder(e5, EncodeSettings.DEFAULTS.withPromptText("query: "))
        .encode(texts).texts().get(0).vector();
    float[] none = new RecordEncoder(e5, EncodeSettings.DEFAULTS).encode(texts).texts().get(0)
        .vector();
    assertArrayEquals(byText, byName);
    assertTrue(!Arrays.equals(none, byName), "the prompt changes the vector");
    // The prompt's tokens count against the length: "query: " is 2 more ("query", ":").
    assertEquals(new RecordEncoder(e5, EncodeSettings.DEFAULTS).encode(texts).texts().get(0)
        .nTokens() + 2, new RecordEncoder(e5, EncodeSettings.DEFAULTS.withPrompt("query"))
        .encode(texts).texts().get(0).nTokens());
    EmbeddingModel bge = io.corpusencoder.core.testing.TestModels.model("bge-small-en-v1.5");
    assertEquals(Map.of("query", "Represent this sentence for searching relevant passages: "),
        bge.prompts().byName());
  }

  @Test
  void badSettingsAndModulesAreRefusedNamingThem() throws Exception {
    EmbeddingModel m = ModelLoader.load(modelDir("mean-dense-normalize").toString());
    RuntimeException e = assertThrows(IllegalArgumentException.class, () -> new RecordEncoder(m,
        EncodeSettings.DEFAULTS.withDimensions(33)));
    assertTrue(e.getMessage().contains("--dimensions 33") && e.getMessage().contains("32"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new RecordEncoder(m,
        EncodeSettings.DEFAULTS.withPrompt("search")));
    assertTrue(e.getMessage().contains("--prompt \"search\"")
        && e.getMessage().contains("query"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> EncodeSettings.DEFAULTS
        .withPrompt("query").withPromptText("query: "));
    assertTrue(e.getMessage().contains("not both"), e.getMessage());

    Path dir = modelDir("cls");
    Path pooling = dir.resolve("1_Pooling/config.json");
    String cfg = Files.readString(pooling);
    Files.writeString(pooling, cfg.replace("\"pooling_mode_max_tokens\": false",
        "\"pooling_mode_max_tokens\": false, \"pooling_mode_fancy\": true"));
    e = assertThrows(RuntimeException.class, () -> ModelLoader.load(dir.toString()));
    assertTrue(e.getMessage().contains("pooling_mode_fancy"), e.getMessage());
    Files.writeString(pooling, cfg.replace("\"pooling_mode_max_tokens\": false",
        "\"pooling_mode_max_tokens\": true"));
    e = assertThrows(RuntimeException.class, () -> ModelLoader.load(dir.toString()));
    assertTrue(e.getMessage().contains("concatenates"), e.getMessage());

    Path two = modelDir("cls-two-dense");
    Path dense = two.resolve("2_Dense/config.json");
    Files.writeString(dense, Files.readString(dense).replace("torch.nn.modules.linear.Identity",
        "torch.nn.modules.activation.Softsign"));
    e = assertThrows(RuntimeException.class, () -> ModelLoader.load(two.toString()));
    assertTrue(e.getMessage().contains("Softsign") && e.getMessage().contains("2_Dense"),
        e.getMessage());
  }
}
