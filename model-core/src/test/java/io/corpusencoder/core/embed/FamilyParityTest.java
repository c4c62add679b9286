package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.embed.XlmrBertParityTest.Ref;
import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.math.Ops;
import io.corpusencoder.core.pool.Pooling;
import io.corpusencoder.core.tokenize.Encoding;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Issue 14's parity check of one family's fixture (models/NAME, made by
 * src/test/python/make_family_fixtures.py with transformers 4.55.4 + torch 2.8.0, float32, one
 * text at a time): 300+ multilingual texts, 7 of them cut at the model's 512 tokens and one with a
 * literal &lt;pad&gt; in the middle. Token ids identical to transformers; every token's
 * last_hidden_state within 1e-4; the mean-pooled, normalized vector at cosine ≥ 0.99999.
 */
abstract class FamilyParityTest {
  static final float HIDDEN_TOLERANCE = 1e-4f;
  static final double MIN_COSINE = 0.99999;
  static final int MAX_LENGTH = 512;

  final String name;
  final EmbeddingModel model;
  final List<Ref> refs;
  final Path source;

  FamilyParityTest(String name) {
    this.name = name;
    try {
      source = fixture(name);
      model = ModelLoader.load(copyWithoutReference(source).toString());
      refs = XlmrBertParityTest.readReference(source.resolve("reference.jsonl.gz"));
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
        if (n.equals("reference.jsonl.gz") || n.equals("relative_buckets.json")) continue;
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

  void checkLoadsAsSentenceTransformersDeclares() {
    assertEquals(64, model.dimension());
    assertEquals(Pooling.MEAN, model.pooling());
    assertTrue(model.normalize(), "modules.json has a Normalize module");
    assertEquals(MAX_LENGTH, model.maxLength(), "max_position_embeddings 514 less 2");
    assertTrue(refs.size() >= 300, "reference texts: " + refs.size());
    assertTrue(refs.stream().filter(r -> r.ids().length == MAX_LENGTH).count() >= 5,
        "texts at the model's limit");
  }

  void checkTokenIdsMatchTransformers() {
    List<String> diffs = new ArrayList<>();
    for (int i = 0; i < refs.size(); i++) {
      Ref ref = refs.get(i);
      Encoding e = model.tokenizer().encode(ref.text(), MAX_LENGTH);
      if (!Arrays.equals(ref.ids(), e.ids())) {
        diffs.add("text " + i + " (" + ref.lang() + "): transformers " + Arrays.toString(ref.ids())
            + ", ours " + Arrays.toString(e.ids()));
      } else {
        assertEquals(ref.truncated(), e.truncated(), "truncated, text " + i);
      }
    }
    assertTrue(diffs.isEmpty(), diffs.size() + " of " + refs.size()
        + " texts tokenize differently from transformers:\n" + String.join("\n", diffs));
  }

  /** Text in, vectors out, every token against PyTorch. */
  void checkLastHiddenStateAndPooledVectorMatchPyTorch() {
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
    System.out.printf("%s vs PyTorch via %s: %d texts, max |Δ hidden| = %.3g (text %d), "
        + "min cosine = 1 - %.2g (text %d)%n", name, Blas.implementation(), refs.size(), worst,
        worstText, 1 - worstCos, worstCosText);
    assertTrue(worst <= HIDDEN_TOLERANCE, name + ": max |Δ hidden| " + worst + " > "
        + HIDDEN_TOLERANCE + " at text " + worstText + " (" + refs.get(worstText).lang() + ", "
        + refs.get(worstText).ids().length + " tokens)");
    assertTrue(worstCos >= MIN_COSINE, name + ": min cosine " + worstCos + " at text "
        + worstCosText);
  }
}
