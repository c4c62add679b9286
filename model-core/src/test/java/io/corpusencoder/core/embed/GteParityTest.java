package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.config.Activation;
import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.weights.Safetensors;
import io.corpusencoder.core.weights.Tensor;
import io.corpusencoder.core.weights.WeightMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * GTE's NewModel (model_type "new") against Alibaba-NLP's own new-impl modeling code, run by
 * make_gte_fixtures.py from a public copy (github.com/jflachman/local_rag_llm at ed0742d,
 * models/em_stella_en/modeling.py + configuration.py; see its docstring), eager attention, fp32,
 * CPU. transformers has no NewModel. Two fixtures at hidden 64, 4 heads, 4 layers, ff 256, seeded
 * random weights: gte-en-tiny, gte-base-en-v1.5's config (rope_theta 500000, fixed NTK factor 2,
 * no token types, bert-base-uncased's WordPiece) and gte-multi-tiny, gte-multilingual-base's
 * settings (rope_theta 20000, NTK factor 8, one token type, xlmr-tiny's Unigram tokenizer).
 * Outputs to 8192 tokens (max_position_embeddings; the NTK-scaled rotary table at every length)
 * within 1e-4. See {@link FamilyParityTest}.
 */
class GteParityTest {

  abstract static class Fixture extends FamilyParityTest {
    Fixture(String name) {
      super(name);
    }

    @Override
    String referenceName() {
      return "GTE new-impl";
    }

    void checkConfig(double theta, double factor, int typeVocab) {
      checkLoadsAsSentenceTransformersDeclares();
      EncoderConfig c = model.encoder().config();
      assertEquals("new", c.modelType());
      assertEquals(EncoderConfig.Positions.ROTARY, c.positions());
      assertEquals(theta, c.rotary().globalBase());
      assertEquals(factor, c.rotary().ntkFactor());
      assertEquals(Activation.GELU, c.activation());
      assertFalse(c.preLayerNorm());
      assertEquals(typeVocab, c.typeVocabSize());
      assertEquals(8192, c.maxPositions());
    }

    IllegalArgumentException loadWith(String field, String replacement) throws Exception {
      Path dir = copyWithoutReference(source);
      String config = Files.readString(dir.resolve("config.json"));
      assertTrue(config.contains(field), field);
      Files.writeString(dir.resolve("config.json"), config.replace(field, replacement));
      return assertThrows(IllegalArgumentException.class, () -> ModelLoader.load(dir.toString()));
    }

    @Test
    void tokenIdsMatchTransformers() {
      checkTokenIdsMatchTransformers();
    }

    @Test
    void lastHiddenStateAndPooledVectorMatchTheReference() {
      checkLastHiddenStateAndPooledVectorMatchPyTorch();
    }

    @Test
    void longInputsUpTo2048TokensMatchTheReference() throws Exception {
      checkLongInputsUpTo2048Tokens();
    }

    /**
     * Past 2048 (longest_reference.jsonl.gz: one text of 4096 tokens, every 8th token and the
     * last): the same ids, and within 1e-4 of the reference, tighter than the 1e-3 the issue
     * allows there.
     */
    @Test
    void oneInputOf4096TokensMatchesTheReference() throws Exception {
      JsonNode ref;
      try (var in = new java.util.zip.GZIPInputStream(
          Files.newInputStream(source.resolve("longest_reference.jsonl.gz")))) {
        ref = new ObjectMapper().readTree(in);
      }
      Embedding ours = model.withMaxLength(4096)
          .embed(List.of(ref.get("text").asText()), true, true, null).get(0);
      int[] ids = new int[ref.get("input_ids").size()];
      for (int t = 0; t < ids.length; t++) ids[t] = ref.get("input_ids").get(t).intValue();
      assertEquals(4096, ids.length);
      assertArrayEquals(ids, ours.tokenIds(), "ids");
      float worst = 0f;
      JsonNode rows = ref.get("rows");
      for (int k = 0; k < rows.size(); k++) {
        float[] got = ours.tokenVectors()[rows.get(k).intValue()];
        for (int c = 0; c < got.length; c++) {
          worst = Math.max(worst,
              Math.abs((float) ref.get("hidden").get(k).get(c).doubleValue() - got[c]));
        }
      }
      System.out.printf("%s vs %s, one text of 4096 tokens: max |Δ hidden| = %.3g%n", name,
          referenceName(), worst);
      assertTrue(worst <= HIDDEN_TOLERANCE, "4096 tokens: max |Δ hidden| " + worst);
    }

    /**
     * Past 4096 (beyond_4096_reference.jsonl.gz: texts of many languages with adversarial pieces
     * cut at 6000 tokens and at 8192, max_position_embeddings; every 16th token's hidden state,
     * the last, and the pooled vector over all tokens): the same ids, hidden states within 1e-4
     * (tighter than the 1e-3 the issue allows there), pooled cosine ≥ 0.99999.
     */
    @Test
    void inputsOf6000And8192TokensMatchTheReference() throws Exception {
      List<JsonNode> cases = readJsonLines(source.resolve("beyond_4096_reference.jsonl.gz"));
      assertEquals(2, cases.size());
      List<String> failures = new java.util.ArrayList<>();
      for (JsonNode ref : cases) {
        int[] ids = new int[ref.get("input_ids").size()];
        for (int t = 0; t < ids.length; t++) ids[t] = ref.get("input_ids").get(t).intValue();
        Embedding ours = model.withMaxLength(ids.length)
            .embed(List.of(ref.get("text").asText()), true, true, null).get(0);
        assertArrayEquals(ids, ours.tokenIds(), "ids, " + ids.length + " tokens");
        float worst = 0f;
        int worstRow = -1;
        JsonNode rows = ref.get("rows");
        for (int k = 0; k < rows.size(); k++) {
          float[] got = ours.tokenVectors()[rows.get(k).intValue()];
          for (int c = 0; c < got.length; c++) {
            float d = Math.abs((float) ref.get("hidden").get(k).get(c).doubleValue() - got[c]);
            if (!(d <= worst)) {
              worst = d;
              worstRow = rows.get(k).intValue();
            }
          }
        }
        float[] want = new float[ref.get("sentence_embedding").size()];
        for (int c = 0; c < want.length; c++) {
          want[c] = (float) ref.get("sentence_embedding").get(c).doubleValue();
        }
        double cos = io.corpusencoder.core.math.Ops.cosine(want, ours.vector());
        System.out.printf("%s vs %s, one text of %d tokens: max |Δ hidden| = %.3g (token %d), "
            + "pooled cosine = 1 - %.2g%n", name, referenceName(), ids.length, worst, worstRow,
            1 - cos);
        if (!(worst <= HIDDEN_TOLERANCE) || !(cos >= MIN_COSINE)) {
          failures.add(ids.length + " tokens: max |Δ hidden| " + worst + " at token " + worstRow
              + ", pooled cosine " + cos);
        }
      }
      assertTrue(failures.isEmpty(), String.join("\n", failures));
      assertEquals(List.of(6000, 8192), cases.stream().map(n -> n.get("input_ids").size())
          .toList());
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class GteBaseEn extends Fixture {
    GteBaseEn() {
      super("gte-en-tiny");
    }

    @Test
    void loadsAsPublished() {
      checkConfig(500000, 2.0, 0);
    }

    @Test
    void refusesWhatItDoesNotImplementByFieldName() throws Exception {
      var e = loadWith("\"layer_norm_type\": \"layer_norm\"", "\"layer_norm_type\": \"rms_norm\"");
      assertTrue(e.getMessage().endsWith("config.json: field \"layer_norm_type\" is "
          + "\"rms_norm\"; expected \"layer_norm\" (rms_norm is not supported)"), e.getMessage());
      e = loadWith("\"type\": \"ntk\"", "\"type\": \"linear\"");
      assertTrue(e.getMessage().contains("field \"rope_scaling\" is {\"factor\":2.0,\"type\":"
          + "\"linear\"}; expected null or {\"type\": \"ntk\", \"factor\": number}"),
          e.getMessage());
      e = loadWith("\"type\": \"ntk\"", "\"type\": \"ntk\", \"mixed_b\": 0.5");
      assertTrue(e.getMessage().contains("(mixed_b is not supported)"), e.getMessage());
      e = loadWith("\"position_embedding_type\": \"rope\"",
          "\"position_embedding_type\": \"absolute\"");
      assertTrue(e.getMessage().contains("field \"position_embedding_type\" is \"absolute\"; "
          + "expected \"rope\""), e.getMessage());
      e = loadWith("\"pack_qkv\": true", "\"pack_qkv\": false");
      assertTrue(e.getMessage().contains("field \"pack_qkv\" is false"), e.getMessage());
      e = loadWith("\"model_type\": \"new\"",
          "\"model_type\": \"new\", \"logn_attention_scale\": true");
      assertTrue(e.getMessage().contains("field \"logn_attention_scale\" is true; expected false"),
          e.getMessage());
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class GteMultilingual extends Fixture {
    GteMultilingual() {
      super("gte-multi-tiny");
    }

    @Test
    void loadsAsPublished() {
      checkConfig(20000, 8.0, 1);
    }

    /**
     * A NewForTokenClassification checkpoint, as gte-multilingual-base is saved ("new." names and
     * a classifier), gives the same bits; so do the reference's xformers flags set.
     */
    @Test
    void newPrefixedCheckpointAndXformersFlagsGiveTheSameVectors() throws Exception {
      Path dir = copyWithoutReference(source);
      WeightMap bare = Safetensors.read(dir.resolve("model.safetensors"));
      WeightMap prefixed = new WeightMap("prefixed");
      for (Tensor t : bare.tensors().values()) {
        prefixed.put(new Tensor("new." + t.name(), t.shape(), t.data()));
      }
      prefixed.put(new Tensor("classifier.weight", new int[] {1, 64}, new float[64]));
      prefixed.put(new Tensor("classifier.bias", new int[] {1}, new float[1]));
      Safetensors.write(prefixed, dir.resolve("model.safetensors"), Map.of());
      String config = Files.readString(dir.resolve("config.json"))
          .replace("\"NewModel\"", "\"NewForTokenClassification\"")
          .replace("\"unpad_inputs\": false", "\"unpad_inputs\": true")
          .replace("\"use_memory_efficient_attention\": false",
              "\"use_memory_efficient_attention\": true");
      assertTrue(config.contains("\"unpad_inputs\": true"), config);
      Files.writeString(dir.resolve("config.json"), config);
      EmbeddingModel again = ModelLoader.load(dir.toString());
      List<String> texts = refs.subList(0, 20).stream().map(Ref::text).toList();
      var a = model.embed(texts);
      var b = again.embed(texts);
      for (int i = 0; i < texts.size(); i++) {
        assertArrayEquals(a.get(i).vector(), b.get(i).vector(), 0f, "text " + i);
      }
    }
  }
}
