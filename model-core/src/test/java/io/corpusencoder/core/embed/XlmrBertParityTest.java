package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.pool.Pooling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 11: a BertModel checkpoint with XLM-RoBERTa's SentencePiece-Unigram tokenizer (the shape
 * of paraphrase-multilingual-MiniLM-L12-v2 and multilingual-e5-small) loads from a Hugging Face
 * directory and encodes like PyTorch. The directory (test resource models/xlmr-bert-tiny: 2
 * layers, hidden size 64, seeded random weights, the 8002-piece Unigram fixture tokenizer) and its
 * reference.jsonl.gz (transformers 4.55.4 + torch 2.8.0, float32, one text at a time) are made by
 * src/test/python/make_xlmr_bert_fixture.py from 194 multilingual texts (76 languages; CJK,
 * Arabic, Hebrew, Thai, emoji, 28 texts truncated at 128, edge cases).
 *
 * <p>Checked as {@link FamilyParityTest} checks every family: token ids identical to
 * transformers' PreTrainedTokenizerFast; every token's last_hidden_state within 1e-4; the
 * mean-pooled, normalized vector at cosine ≥ 0.99999.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XlmrBertParityTest extends FamilyParityTest {

  XlmrBertParityTest() {
    super("xlmr-bert-tiny", 128);
  }

  @Test
  void loadsAsSentenceTransformersDeclares() {
    assertEquals(64, model.dimension());
    assertEquals(Pooling.MEAN, model.pooling());
    assertTrue(model.normalize(), "modules.json has a Normalize module");
    assertEquals(maxLength, model.maxLength(), "sentence_bert_config.json max_seq_length");
    assertEquals(8001, model.tokenizer().maxId());
    assertTrue(refs.size() >= 190, "reference texts: " + refs.size());
    assertTrue(refs.stream().filter(Ref::truncated).count() >= 20, "truncated reference texts");
  }

  @Test
  void tokenIdsMatchTransformers() {
    checkTokenIdsMatchTransformers();
  }

  @Test
  void lastHiddenStateAndPooledVectorMatchPyTorch() {
    checkLastHiddenStateAndPooledVectorMatchPyTorch();
  }
}
