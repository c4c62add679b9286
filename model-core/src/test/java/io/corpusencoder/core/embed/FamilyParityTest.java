package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.math.Ops;
import io.corpusencoder.core.pool.Pooling;
import io.corpusencoder.core.tokenize.Encoding;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Issue 14's parity check of one family's fixture (models/NAME, made by
 * src/test/python/make_family_fixtures.py with transformers 4.55.4 + torch 2.8.0, float32, one
 * text at a time; make_xlmr_bert_fixture.py for xlmr-bert-tiny; nomicbert-tiny's by
 * make_nomic_reference.py with nomic's own NomicBertModel, llama.cpp's as a cross-check): 300+ multilingual texts, 7 of them cut at the model's 512 tokens
 * and one with a literal &lt;pad&gt; in the middle. Token ids identical to transformers; every token's
 * last_hidden_state within 1e-4; the mean-pooled, normalized vector at cosine ≥ 0.99999.
 */
abstract class FamilyParityTest {
  static final float HIDDEN_TOLERANCE = 1e-4f;
  static final double MIN_COSINE = 0.99999;
  /** The one record of a reference.jsonl.gz line. */
  record Ref(String lang, String text, int[] ids, boolean truncated, float[][] hidden,
      float[] sentence) {}


  final String name;
  final int maxLength;
  final EmbeddingModel model;
  final List<Ref> refs;
  final Path source;

  /** A fixture whose sentence_bert_config.json says max_seq_length 512. */
  FamilyParityTest(String name) {
    this(name, 512);
  }

  FamilyParityTest(String name, int maxLength) {
    this(name, maxLength, false);
  }

  /**
   * With {@code fromOnnx}, the model directory loses model.safetensors, so it loads from its
   * onnx/model.onnx (made by make_family_onnx_fixtures.py from the same weights).
   */
  FamilyParityTest(String name, int maxLength, boolean fromOnnx) {
    this(name, maxLength, fromOnnx, null);
  }

  /**
   * A fixture without a committed tokenizer.json: {@code tokenizer} (a file setup.sh caches) is
   * copied into the model directory as its tokenizer.json.
   */
  FamilyParityTest(String name, int maxLength, Path tokenizer) {
    this(name, maxLength, false, tokenizer);
  }

  private FamilyParityTest(String name, int maxLength, boolean fromOnnx, Path tokenizer) {
    this.name = fromOnnx ? name + " (onnx/model.onnx)" : name;
    this.maxLength = maxLength;
    try {
      source = fixture(name);
      Path dir = copyWithoutReference(source);
      if (fromOnnx) Files.delete(dir.resolve("model.safetensors"));
      if (tokenizer != null) Files.copy(tokenizer, dir.resolve("tokenizer.json"));
      model = ModelLoader.load(dir.toString());
      refs = readReference(source.resolve("reference.jsonl.gz"));
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("fixture " + name, e);
    }
  }

  static Path fixture(String name) throws IOException, URISyntaxException {
    URL config = FamilyParityTest.class.getClassLoader()
        .getResource("models/" + name + "/config.json");
    if (config == null) throw new IOException("test resource models/" + name + " is missing");
    return Path.of(config.toURI()).getParent();
  }

  /** The fixture directory without its reference file, as a user's model directory. */
  static Path copyWithoutReference(Path src) throws IOException {
    Path dir = Files.createTempDirectory("family-").resolve(src.getFileName().toString());
    try (Stream<Path> files = Files.walk(src)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if ((n.contains("reference") && n.endsWith(".jsonl.gz"))
            || n.equals("relative_buckets.json")) {
          continue;
        }
        Path to = dir.resolve(src.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    return dir;
  }

  static List<Ref> readReference(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Ref> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank()) continue;
        JsonNode n = json.readTree(line);
        JsonNode h = n.get("last_hidden_state");
        float[][] hidden = new float[h.size()][];
        for (int t = 0; t < hidden.length; t++) hidden[t] = floats(h.get(t));
        int[] ids = new int[n.get("input_ids").size()];
        for (int i = 0; i < ids.length; i++) ids[i] = n.get("input_ids").get(i).intValue();
        out.add(new Ref(n.get("lang").asText(), n.get("text").asText(), ids,
            n.get("truncated").asBoolean(), hidden, floats(n.get("sentence_embedding"))));
      }
    }
    return out;
  }

  private static float[] floats(JsonNode a) {
    float[] v = new float[a.size()];
    for (int i = 0; i < v.length; i++) v[i] = (float) a.get(i).doubleValue();
    return v;
  }

  /** A .jsonl.gz file's lines. */
  static List<JsonNode> readJsonLines(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (!line.isBlank()) out.add(json.readTree(line));
      }
    }
    return out;
  }

  /** Where a text's ids first differ from the reference's, with the ids around it. */
  private static String describe(int i, Ref ref, int[] got) {
    int k = 0;
    while (k < Math.min(got.length, ref.ids().length) && got[k] == ref.ids()[k]) k++;
    String shown = ref.text().length() > 120 ? ref.text().substring(0, 120) + "…" : ref.text();
    return String.format("  text %d (%s) %s%n    first difference at token %d: transformers %s,"
        + " ours %s (%d vs %d tokens)", i, ref.lang(), shown, k, window(ref.ids(), k),
        window(got, k), ref.ids().length, got.length);
  }

  private static String window(int[] ids, int k) {
    int from = Math.max(0, k - 2);
    return Arrays.toString(Arrays.copyOfRange(ids, from, Math.min(ids.length, k + 4)));
  }

  void checkLoadsAsSentenceTransformersDeclares() {
    assertEquals(64, model.dimension());
    assertEquals(Pooling.MEAN, model.pooling());
    assertTrue(model.normalize(), "modules.json has a Normalize module");
    assertEquals(maxLength, model.maxLength(), "sentence_bert_config.json's max_seq_length");
    assertTrue(refs.size() >= 300, "reference texts: " + refs.size());
    assertTrue(refs.stream().filter(r -> r.ids().length == maxLength).count() >= 5,
        "texts at the model's limit");
  }

  void checkTokenIdsMatchTransformers() {
    List<String> diffs = new ArrayList<>();
    for (int i = 0; i < refs.size(); i++) {
      Ref ref = refs.get(i);
      Encoding e = model.tokenizer().encode(ref.text(), maxLength);
      if (!Arrays.equals(ref.ids(), e.ids())) {
        diffs.add(describe(i, ref, e.ids()));
      } else {
        assertEquals(ref.truncated(), e.truncated(), "truncated, text " + i);
      }
    }
    assertTrue(diffs.isEmpty(), diffs.size() + " of " + refs.size()
        + " texts tokenize differently from transformers:\n" + String.join("\n", diffs));
  }

  /** Text in, vectors out, every token against PyTorch. */
  void checkLastHiddenStateAndPooledVectorMatchPyTorch() {
    checkLastHiddenStateAndPooledVectorMatch(refs, referenceName());
  }

  /** As above against {@code refs}, computed by {@code referenceName}. */
  void checkLastHiddenStateAndPooledVectorMatch(List<Ref> refs, String referenceName) {
    List<String> texts = refs.stream().map(Ref::text).toList();
    List<Embedding> ours = model.embed(texts, true, true, null);
    float worst = 0f;
    double worstCos = 1.0;
    int worstText = -1;
    int worstCosText = -1;
    for (int i = 0; i < refs.size(); i++) {
      Ref ref = refs.get(i);
      Embedding got = ours.get(i);
      assertArrayEquals(ref.ids(), got.tokenIds(), "ids, text " + i);
      float[][] h = got.tokenVectors();
      assertEquals(ref.hidden().length, h.length, "token count, text " + i);
      for (int t = 0; t < h.length; t++) {
        assertEquals(ref.hidden()[t].length, h[t].length, "hidden size");
        for (int c = 0; c < h[t].length; c++) {
          float d = Math.abs(ref.hidden()[t][c] - h[t][c]);
          if (!(d <= worst)) {
            worst = d;
            worstText = i;
          }
        }
      }
      double cos = Ops.cosine(ref.sentence(), got.vector());
      if (!(cos >= worstCos)) {
        worstCos = cos;
        worstCosText = i;
      }
    }
    System.out.printf("%s vs %s via %s: %d texts, max |Δ hidden| = %.3g (text %d), "
        + "min cosine = 1 - %.2g (text %d)%n", name, referenceName, Blas.implementation(), refs.size(), worst,
        worstText, 1 - worstCos, worstCosText);
    assertTrue(worst <= HIDDEN_TOLERANCE, name + ": max |Δ hidden| " + worst + " > "
        + HIDDEN_TOLERANCE + " at text " + worstText + " (" + refs.get(worstText).lang() + ", "
        + refs.get(worstText).ids().length + " tokens)");
    assertTrue(worstCos >= MIN_COSINE, name + ": min cosine " + worstCos + " at text "
        + worstCosText);
  }

  /** What the fixture's reference outputs were computed by, for messages. */
  String referenceName() {
    return "PyTorch";
  }

  /**
   * Past 512 tokens, up to 2048 (long_reference.jsonl.gz: 6 texts of 600 to 2048 tokens, every
   * 8th token's hidden state and the last): the same ids, and within 1e-4 of the reference.
   */
  void checkLongInputsUpTo2048Tokens() throws IOException {
    checkLongInputsUpTo2048Tokens(model, "long_reference.jsonl.gz", referenceName());
  }

  /** As above for {@code model} against the file {@code reference}, by {@code referenceName}. */
  void checkLongInputsUpTo2048Tokens(EmbeddingModel model, String reference,
      String referenceName) throws IOException {
    List<JsonNode> longRefs = readJsonLines(source.resolve(reference));
    assertEquals(6, longRefs.size());
    EmbeddingModel long2048 = model.withMaxLength(2048);
    List<Embedding> ours = long2048.embed(
        longRefs.stream().map(n -> n.get("text").asText()).toList(), true, true, null);
    float worst = 0f;
    int longest = 0;
    for (int i = 0; i < longRefs.size(); i++) {
      JsonNode ref = longRefs.get(i);
      int[] ids = new int[ref.get("input_ids").size()];
      for (int t = 0; t < ids.length; t++) ids[t] = ref.get("input_ids").get(t).intValue();
      assertArrayEquals(ids, ours.get(i).tokenIds(), "ids, long text " + i);
      longest = Math.max(longest, ids.length);
      float[][] h = ours.get(i).tokenVectors();
      JsonNode rows = ref.get("rows");
      for (int k = 0; k < rows.size(); k++) {
        JsonNode want = ref.get("hidden").get(k);
        float[] got = h[rows.get(k).intValue()];
        for (int c = 0; c < got.length; c++) {
          worst = Math.max(worst, Math.abs((float) want.get(c).doubleValue() - got[c]));
        }
      }
    }
    System.out.printf("%s vs %s, %d long texts up to %d tokens: max |Δ hidden| = %.3g%n",
        name, referenceName, longRefs.size(), longest, worst);
    assertEquals(2048, longest, "the longest text reaches 2048 tokens");
    assertTrue(worst <= HIDDEN_TOLERANCE, "long texts: max |Δ hidden| " + worst);
  }

  /**
   * Past 4096 tokens (longest_reference.jsonl.gz, make_family_fixtures.write_longest_reference:
   * texts of many languages with adversarial pieces between them, "mixed-4k" and "mixed-8k" cut
   * at 8192, max_position_embeddings; every 8th token's hidden state and the last): the same
   * ids, and each case within its own bound in {@code bounds} (by its "lang").
   */
  void checkLongestInputsUpTo8192Tokens(Map<String, Float> bounds) throws IOException {
    List<JsonNode> cases = readJsonLines(source.resolve("longest_reference.jsonl.gz"));
    assertEquals(bounds.size(), cases.size(), "longest_reference.jsonl.gz");
    EmbeddingModel longest = model.withMaxLength(8192);
    List<Embedding> ours = longest.embed(
        cases.stream().map(n -> n.get("text").asText()).toList(), true, true, null);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      JsonNode ref = cases.get(i);
      String lang = ref.get("lang").asText();
      int[] ids = new int[ref.get("input_ids").size()];
      for (int t = 0; t < ids.length; t++) ids[t] = ref.get("input_ids").get(t).intValue();
      assertArrayEquals(ids, ours.get(i).tokenIds(), "ids, " + lang);
      float[][] h = ours.get(i).tokenVectors();
      JsonNode rows = ref.get("rows");
      float worst = 0f;
      int worstRow = -1;
      for (int k = 0; k < rows.size(); k++) {
        JsonNode want = ref.get("hidden").get(k);
        float[] got = h[rows.get(k).intValue()];
        for (int c = 0; c < got.length; c++) {
          float d = Math.abs((float) want.get(c).doubleValue() - got[c]);
          if (!(d <= worst)) {
            worst = d;
            worstRow = rows.get(k).intValue();
          }
        }
      }
      float bound = bounds.get(lang);
      System.out.printf("%s vs %s, %s, %d tokens: max |Δ hidden| = %.3g (token %d), "
          + "bound %.0e%n", name, referenceName(), lang, ids.length, worst, worstRow, bound);
      if (!(worst <= bound)) {
        failures.add(lang + " (" + ids.length + " tokens): max |Δ hidden| " + worst
            + " at token " + worstRow + " > " + bound);
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertEquals(8192, ours.get(cases.size() - 1).tokenIds().length,
        "the longest text reaches max_position_embeddings");
  }
}
