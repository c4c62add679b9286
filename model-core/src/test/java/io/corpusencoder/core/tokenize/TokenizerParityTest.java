package io.corpusencoder.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import io.corpusencoder.core.testing.TestTexts;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Token ids, type ids, masks and spans identical to Hugging Face tokenizers (Rust, via DJL). */
class TokenizerParityTest {
  static final int TEXTS = 2500;

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} at max length {1}")
  @CsvSource({
    "all-minilm-l6-v2-tokenizer.json, 128",
    "all-minilm-l6-v2-tokenizer.json, 512",
    "bge-small-en-v1.5-tokenizer.json, 128",
    "bge-small-en-v1.5-tokenizer.json, 512",
    "e5-small-v2-tokenizer.json, 128",
    "e5-small-v2-tokenizer.json, 512",
  })
  void tokenIdsMatchHuggingFace(String resource, int maxLength) throws Exception {
    Path file = tmp.resolve(resource);
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    BertTokenizer ours = TokenizerReader.readTokenizerJson(file);
    List<String> texts = TestTexts.generate(TEXTS, 42);
    List<String> failures = new ArrayList<>();
    int truncatedCount = 0;
    try (HuggingFaceTokenizer ref = HuggingFaceTokenizer.builder().optTokenizerPath(file)
        .optPadding(false).optTruncation(true).optMaxLength(maxLength).build()) {
      for (int i = 0; i < texts.size(); i++) {
        String text = texts.get(i);
        ai.djl.huggingface.tokenizers.Encoding expected = ref.encode(text);
        Encoding actual = ours.encode(text, maxLength);
        long[] expIds = expected.getIds();
        int[] ids = actual.ids();
        if (actual.truncated()) truncatedCount++;
        if (!Arrays.equals(expIds, Arrays.stream(ids).asLongStream().toArray())) {
          failures.add(i + " " + escape(text) + "\n   hf: " + Arrays.toString(expected.getTokens())
              + "\n  our: " + Arrays.toString(tokens(ours, ids)));
          continue;
        }
        assertEquals(Arrays.toString(expected.getTypeIds()),
            Arrays.toString(Arrays.stream(actual.typeIds()).asLongStream().toArray()), "type ids");
        assertEquals(Arrays.toString(expected.getAttentionMask()),
            Arrays.toString(Arrays.stream(actual.attentionMask()).asLongStream().toArray()));
        assertEquals(expected.exceedMaxLength(), actual.truncated(), "truncated flag, text " + i);
        CharSpan[] spans = expected.getCharTokenSpans();
        for (int t = 0; t < ids.length; t++) {
          if (spans[t] == null || actual.special()[t]) continue;
          // HF reports code-point offsets; ours are UTF-16 indices.
          int s = text.codePointCount(0, actual.starts()[t]);
          int e = text.codePointCount(0, actual.ends()[t]);
          if (s != spans[t].getStart() || e != spans[t].getEnd()) {
            failures.add(i + " span of token " + t + " " + escape(text) + ": hf ["
                + spans[t].getStart() + "," + spans[t].getEnd() + ") ours [" + s + "," + e + ")");
            break;
          }
        }
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " of " + texts.size() + " differ:\n"
        + String.join("\n", failures.subList(0, Math.min(15, failures.size()))));
    assertTrue(truncatedCount > 10, "the texts must exercise truncation, got " + truncatedCount);
  }

  private static String[] tokens(BertTokenizer t, int[] ids) {
    return Arrays.stream(ids).mapToObj(id -> t.vocab().token(id)).toArray(String[]::new);
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().limit(120).forEach(c -> {
      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || Character.getType(c) == Character.FORMAT) {
        sb.append(String.format("\\u%04x", c));
      } else {
        sb.appendCodePoint(c);
      }
    });
    return sb.append('"').toString();
  }
}
