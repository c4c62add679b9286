package io.corpusencoder.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.batch.Chunk;
import io.corpusencoder.core.batch.Chunker;
import io.corpusencoder.core.testing.TestTexts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Long texts cut into strided windows (batch.Chunker, as the job's chunk mode does) give, window
 * for window, what Hugging Face's truncation with a stride gives as the main encoding and its
 * overflowing ones: ids, type ids, masks and spans, for each tokenizer type. Lives here for
 * HfParity and the multilingual texts.
 */
class ChunkingParityTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}, {1} tokens, stride {2}")
  @CsvSource({
    "bge-small-en-v1.5-tokenizer.json, 32, 8",
    "tokenize/unigram-xlmr-tokenizer.json, 32, 8",
    "tokenize/unigram-xlmr-tokenizer.json, 24, 0",
    "tokenize/bpe-bytelevel-tokenizer.json, 32, 8",
    "tokenize/bpe-llama3-tokenizer.json, 40, 13",
  })
  void windowsAsHuggingFaceOverflow(String resource, int maxLength, int stride) throws Exception {
    List<String> texts = new ArrayList<>(MultilingualTexts.all());
    texts.addAll(TestTexts.generate(500, 3));
    List<String> failures = new ArrayList<>();
    int multiWindow = 0;
    try (HfParity p = HfParity.openWindows(HfParity.copy(resource, tmp), maxLength, stride)) {
      Chunker chunker = new Chunker(p.ours, maxLength, stride, false);
      ai.djl.huggingface.tokenizers.Encoding[] expected = p.ref.batchEncode(texts);
      for (int i = 0; i < texts.size() && failures.size() < 20; i++) {
        String text = texts.get(i);
        List<ai.djl.huggingface.tokenizers.Encoding> windows = new ArrayList<>();
        windows.add(expected[i]);
        windows.addAll(List.of(expected[i].getOverflowing()));
        List<Chunk> chunks = chunker.chunk(text);
        if (chunks.size() > 1) multiWindow++;
        if (chunks.size() != windows.size()) {
          failures.add(i + ": " + chunks.size() + " windows, HF " + windows.size() + " on "
              + HfParity.escape(text));
          continue;
        }
        for (int w = 0; w < chunks.size(); w++) {
          String d = p.compareTokens(text, windows.get(w), chunks.get(w).encoding());
          if (d != null) {
            failures.add(i + ": window " + w + ": " + d);
            break;
          }
        }
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " texts differ:\n"
        + String.join("\n", failures.subList(0, Math.min(6, failures.size()))));
    assertTrue(multiWindow > 1000, "the texts must need several windows, got " + multiWindow);
  }
}
