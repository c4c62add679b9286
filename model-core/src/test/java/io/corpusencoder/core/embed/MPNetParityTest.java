package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.model.RelativePositionBias;
import io.corpusencoder.core.model.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * MPNet (model_type "mpnet", MPNetModel) against PyTorch on models/mpnet-tiny: all-mpnet-base-v2's
 * structure (separate q/k/v/o, 32 relative buckets shared by every layer, positions from 2) at
 * hidden 64 and 2 layers, seeded random weights, the XLM-R Unigram fixture tokenizer. See
 * {@link FamilyParityTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MPNetParityTest extends FamilyParityTest {
  MPNetParityTest() {
    super("mpnet-tiny");
  }

  @Test
  void loadsAsSentenceTransformersDeclares() {
    checkLoadsAsSentenceTransformersDeclares();
    assertEquals("mpnet", model.encoder().config().modelType());
    assertEquals(0, model.encoder().config().typeVocabSize());
  }

  @Test
  void tokenIdsMatchTransformers() {
    checkTokenIdsMatchTransformers();
  }

  @Test
  void lastHiddenStateAndPooledVectorMatchPyTorch() {
    checkLastHiddenStateAndPooledVectorMatchPyTorch();
  }

  /** relative_position_bucket for every relative position -1100..1100, as transformers gives. */
  @Test
  void bucketsMatchTransformers() throws Exception {
    JsonNode j = new ObjectMapper().readTree(source.resolve("relative_buckets.json").toFile());
    int from = j.get("from").intValue();
    JsonNode buckets = j.get("buckets");
    assertTrue(buckets.size() > 2000);
    for (int i = 0; i < buckets.size(); i++) {
      int r = from + i;
      assertEquals(buckets.get(i).intValue(), RelativePositionBias.bucket(r, 32, 128),
          "bucket of relative position " + r);
    }
  }

  /** 512 tokens is the limit (positions 2..513 of 514); a 513-token sequence is refused. */
  @Test
  void refusesMoreTokensThanPositionsAfterPadding() {
    int[] ids = new int[513];
    Arrays.fill(ids, 5);
    Workspace ws = new Workspace();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.encoder().forward(new int[][] {ids}, ws));
    assertTrue(e.getMessage().contains("at most 512 (max_position_embeddings 514 less "
        + "padding_idx + 1 = 2)"), e.getMessage());
  }

  @Test
  void refusesFewerBucketsThanTransformersLooksUp() throws Exception {
    Path dir = copyWithoutReference(source);
    String config = Files.readString(dir.resolve("config.json"))
        .replace("\"relative_attention_num_buckets\": 32", "\"relative_attention_num_buckets\": 16");
    Files.writeString(dir.resolve("config.json"), config);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelLoader.load(dir.toString()));
    assertTrue(e.getMessage().contains("config.json: field \"relative_attention_num_buckets\" is "
        + "16; expected at least 32"), e.getMessage());
  }
}
