package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.batch.Chunk;
import io.corpusencoder.core.batch.Chunker;
import io.corpusencoder.core.testing.TestModels;
import io.corpusencoder.core.tokenize.Encoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The one encode path, against model-core's lower layers used directly (Chunker, one forward
 * pass per chunk alone) and a hand-computed mean: bitwise where README promises it.
 */
class RecordEncoderTest {
  static final String LONG = "The quick brown fox jumps over the lazy dog near the river bank. "
      .repeat(12);
  static final List<String> TEXTS = List.of("a short sentence about foxes", LONG, "",
      "broken \uD800 surrogate", "another text, a little longer than the first one was");

  static EmbeddingModel model() {
    return TestModels.model("all-minilm-l6-v2");
  }

  static void assertBitwise(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int d = 0; d < expected.length; d++) {
      assertEquals(Float.floatToRawIntBits(expected[d]), Float.floatToRawIntBits(actual[d]),
          what + " dim " + d + ": " + expected[d] + " vs " + actual[d]);
    }
  }

  /** Each chunk alone through EmbeddingModel, then the mean as README states it. */
  static float[] expectedVector(EmbeddingModel m, String text, int stride) {
    List<Chunk> chunks = new Chunker(m.tokenizer(), m.maxLength(), stride, false).chunk(text);
    List<float[]> vs = new ArrayList<>();
    for (Chunk c : chunks) vs.add(m.embedEncodings(List.of(c.encoding()), false, false).get(0)
        .vector());
    if (vs.size() == 1) return vs.get(0);
    float[] mean = new float[vs.get(0).length];
    for (float[] v : vs) for (int d = 0; d < mean.length; d++) mean[d] += v[d];
    for (int d = 0; d < mean.length; d++) mean[d] /= vs.size();
    if (!m.normalize()) return mean;
    double sq = 0;
    for (float x : mean) sq += (double) x * x;
    float inv = (float) (1.0 / Math.max(Math.sqrt(sq), 1e-12));
    for (int d = 0; d < mean.length; d++) mean[d] *= inv;
    return mean;
  }

  @Test
  void shortLongEmptyAndRepairedTextsGetTheVectorsOfTheirChunks() {
    EncodeSettings s = EncodeSettings.DEFAULTS.withMaxLength(32).withStride(4);
    RecordEncoder enc = new RecordEncoder(model(), s);
    EmbeddingModel m = enc.model();
    assertEquals(32, m.maxLength());
    RecordEncoder.Window w = enc.encode(TEXTS);
    assertEquals(TEXTS.size(), w.texts().size());
    for (int i = 0; i < TEXTS.size(); i++) {
      String text = TEXTS.get(i).replace('\uD800', '\uFFFD');
      EncodedText e = w.texts().get(i);
      assertFalse(e.failed(), e.error());
      assertBitwise(expectedVector(m, text, 4), e.vector(), "text " + i);
      assertFalse(e.truncated());
    }
    EncodedText longOne = w.texts().get(1);
    // 12 × 14 words + 12 periods = 180 content tokens; windows of 30 sharing 4: ceil(154/26)+...
    List<Chunk> chunks = new Chunker(m.tokenizer(), 32, 4, false).chunk(LONG);
    assertTrue(chunks.size() > 5, "a long text of several chunks: " + chunks.size());
    assertEquals(chunks.size(), longOne.chunks().size());
    int tokens = 0;
    for (int c = 0; c < chunks.size(); c++) {
      EncodedText.ChunkVector cv = longOne.chunks().get(c);
      assertEquals(chunks.get(c).start(), cv.chunk().start());
      assertEquals(chunks.get(c).end(), cv.chunk().end());
      tokens += chunks.get(c).encoding().length();
    }
    assertEquals(tokens, longOne.nTokens());
    // The mean of unit vectors of one text points where the text's chunks point.
    double cos = io.corpusencoder.core.math.Ops.cosine(longOne.vector(),
        longOne.chunks().get(0).embedding().vector());
    assertTrue(cos > 0.5 && cos < 1, "cosine with the first chunk " + cos);
    EncodedText empty = w.texts().get(2);
    assertTrue(empty.empty());
    assertEquals(2, empty.nTokens());
    assertEquals(TextRepair.LONE_SURROGATE, w.texts().get(3).textRepaired());
    assertNull(w.texts().get(0).textRepaired());
    assertEquals(TEXTS.size() - 1 + chunks.size(), w.chunks());
    long all = 0;
    for (EncodedText e : w.texts()) all += e.nTokens();
    assertEquals(all, w.tokens());
  }

  @Test
  void vectorsDoNotDependOnTheWindowOrTheBatches() throws Exception {
    EncodeSettings s = EncodeSettings.DEFAULTS.withMaxLength(32);
    List<EncodedText> together = new RecordEncoder(model(), s).encode(TEXTS).texts();
    RecordEncoder small = new RecordEncoder(model(), s.withBatchSize(1).withBatchTokens(7));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < TEXTS.size(); i++) {
        EncodedText alone = small.encode(List.of(TEXTS.get(i))).texts().get(0);
        assertBitwise(together.get(i).vector(), alone.vector(), "alone, text " + i);
      }
      List<EncodedText> pooled = new RecordEncoder(model(), s).encode(TEXTS, pool).texts();
      for (int i = 0; i < TEXTS.size(); i++) {
        assertBitwise(together.get(i).vector(), pooled.get(i).vector(), "on a pool, text " + i);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void truncateKeepsTheFirstWindowAndFlagsIt() {
    EncodeSettings s = EncodeSettings.DEFAULTS.withMaxLength(16)
        .withLongText(EncodeSettings.LongText.TRUNCATE);
    EncodedText e = new RecordEncoder(model(), s).encode(List.of(LONG)).texts().get(0);
    assertEquals(1, e.chunks().size());
    assertTrue(e.truncated());
    assertEquals(16, e.nTokens());
    EmbeddingModel m = model().withMaxLength(16);
    // EmbeddingModel.embed truncates to the maximum length: the same window.
    assertBitwise(m.embed(List.of(LONG)).get(0).vector(), e.vector(), "truncated");
  }

  @Test
  void aNullTextGetsItsReasonAndTheOthersTheirVectors() {
    RecordEncoder enc = new RecordEncoder(model(), EncodeSettings.DEFAULTS);
    List<String> texts = Arrays.asList("first", null, "third");
    List<EncodedText> out = enc.encode(texts).texts();
    assertTrue(out.get(1).failed());
    assertEquals("text is null; expected a string", out.get(1).error());
    assertNull(out.get(1).vector());
    assertBitwise(model().embed(List.of("third")).get(0).vector(), out.get(2).vector(), "third");
  }

  @Test
  void withoutNormalizeTheMeanIsLeftAsItIs() {
    EncodeSettings s = EncodeSettings.DEFAULTS.withMaxLength(32).withNormalize("false");
    RecordEncoder enc = new RecordEncoder(model(), s);
    assertFalse(enc.model().normalize());
    EncodedText e = enc.encode(List.of(LONG)).texts().get(0);
    assertBitwise(expectedVector(enc.model(), LONG, 0), e.vector(), "unnormalized mean");
    double norm = 0;
    for (float x : e.vector()) norm += x * x;
    assertTrue(Math.abs(Math.sqrt(norm) - 1) > 1e-3, "not a unit vector: " + Math.sqrt(norm));
  }

  @Test
  void tokenVectorsComeWithTheChunksWhenAskedFor() {
    EncodedText e = new RecordEncoder(model(), EncodeSettings.DEFAULTS.withTokenVectors(true))
        .encode(List.of("hello world")).texts().get(0);
    Encoding enc = e.chunks().get(0).chunk().encoding();
    assertEquals(enc.length(), e.chunks().get(0).embedding().tokenVectors().length);
    assertNull(new RecordEncoder(model(), EncodeSettings.DEFAULTS).encode(List.of("hello world"))
        .texts().get(0).chunks().get(0).embedding().tokenVectors());
  }

  @Test
  void settingsThatTheModelCannotTakeAreNamedAsTheDoorSpellsThem() {
    var e = assertThrows(IllegalArgumentException.class, () -> EncodeSettings.DEFAULTS
        .withMaxLength(1000).resolve(model()));
    assertEquals("--max-length 1000 is outside what model all-minilm-l6-v2 takes: 3 to 512",
        e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> EncodeSettings.DEFAULTS
        .withMaxLength(16).withStride(20).resolve(model(), n -> "TextEncoder " + n));
    assertEquals("TextEncoder stride: stride 20 must be in [0, 14) for max length 16 (14 text "
        + "tokens per chunk)", e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class,
        () -> EncodeSettings.DEFAULTS.withNormalize("yes"));
    assertEquals("normalize: \"yes\" is not valid; expected one of true, false, model",
        e3.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EncodeSettings.DEFAULTS.withBatchSize(0));
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    EncodeSettings d = EncodeSettings.DEFAULTS;
    // Hand-written: README's option tables and TextEncoder's Params say these.
    assertEquals(List.of("model", "model", 0, 0, "chunk", false, false, 64, 4096, 1024, "model",
        "", 0), List.of(d.pooling(), d.normalize(), d.maxLength(), d.stride(),
            d.longText().optionValue(), d.docVector(), d.tokenVectors(), d.batchSize(),
            d.batchTokens(), d.sortWindow(), d.prompt(), d.promptText(), d.dimensions()));
  }

  @Test
  void metadataListsEveryFieldInItsOrder() {
    RecordEncoder enc = new RecordEncoder(model(), EncodeSettings.DEFAULTS.withMaxLength(128)
        .withStride(8).withPooling("cls"));
    Map<String, Object> md = EmbeddingMetadata.fields(enc, "9.9-test");
    assertEquals(List.of("model", "weights_sha256", "tokenizer_sha256", "dimension", "pooling",
        "normalize", "max_length", "stride", "long_text", "prompt", "pooling_include_prompt",
        "dense", "truncate_dim", "corpus_encoder_version",
        "numerics_revision"), List.copyOf(md.keySet()));
    assertEquals("all-minilm-l6-v2", md.get("model"));
    assertEquals(384L, md.get("dimension"));
    assertEquals("cls", md.get("pooling"));
    assertEquals(true, md.get("normalize"));
    assertEquals(128L, md.get("max_length"));
    assertEquals(8L, md.get("stride"));
    assertEquals("chunk", md.get("long_text"));
    assertEquals("9.9-test", md.get("corpus_encoder_version"));
    assertEquals((long) io.corpusencoder.core.math.Ops.NUMERICS_REVISION,
        md.get("numerics_revision"));
    assertEquals(model().weightsSha256(), md.get("weights_sha256"));
  }
}
