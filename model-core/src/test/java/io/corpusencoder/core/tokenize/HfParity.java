package io.corpusencoder.core.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * Compares our tokenizer with Hugging Face tokenizers (the Rust library through DJL) on the same
 * tokenizer.json: ids, type ids, attention mask, truncation flag and every token's span (HF's
 * code-point spans against ours converted from UTF-16).
 */
final class HfParity implements AutoCloseable {
  final Tokenizer ours;
  final HuggingFaceTokenizer ref;
  final int maxLength;

  private HfParity(Tokenizer ours, HuggingFaceTokenizer ref, int maxLength) {
    this.ours = ours;
    this.ref = ref;
    this.maxLength = maxLength;
  }

  /** Both tokenizers from one tokenizer.json on the test classpath, copied to {@code dir}. */
  static HfParity open(String resource, Path dir, int maxLength) throws IOException {
    return open(copy(resource, dir), maxLength);
  }

  /** A tokenizer.json on the test classpath copied to {@code dir} (DJL reads files only). */
  static Path copy(String resource, Path dir) throws IOException {
    Path file = dir.resolve(resource.replace('/', '_'));
    try (InputStream in = HfParity.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IOException("test resource " + resource + " is missing");
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  static HfParity open(Path file, int maxLength) throws IOException {
    Tokenizer ours = TokenizerReader.readTokenizerJson(file);
    HuggingFaceTokenizer ref = builder(maxLength).optTokenizerPath(file)
        .optPadding(false).optTruncation(true).optMaxLength(maxLength).build();
    return new HfParity(ours, ref, maxLength);
  }

  /** As {@link #open(Path, int)}, with HF's overflowing windows sharing {@code stride} tokens. */
  static HfParity openWindows(Path file, int maxLength, int stride) throws IOException {
    Tokenizer ours = TokenizerReader.readTokenizerJson(file);
    HuggingFaceTokenizer ref = builder(maxLength).optTokenizerPath(file)
        .optPadding(false).optTruncation(true).optMaxLength(maxLength).optStride(stride)
        .optWithOverflowingTokens(true).build();
    return new HfParity(ours, ref, maxLength);
  }

  /**
   * DJL lowers a max length above the model's (tokenizer_config.json's model_max_length, 512
   * without one) to it, silently: give it ours, so that 8,192 truncates at 8,192.
   */
  private static HuggingFaceTokenizer.Builder builder(int maxLength) {
    HuggingFaceTokenizer.Builder b = HuggingFaceTokenizer.builder();
    b.configure(java.util.Map.of("modelMaxLength", Math.max(512, maxLength)));
    return b;
  }

  /** A description of the first difference on {@code text}, or null when all agree. */
  String compare(String text) {
    return compare(text, ref.encode(text));
  }

  /** Compares in batches (the reference is faster so); one entry per text, null when equal. */
  String[] compareAll(List<String> texts) {
    ai.djl.huggingface.tokenizers.Encoding[] expected = ref.batchEncode(texts);
    String[] out = new String[texts.size()];
    for (int i = 0; i < out.length; i++) out[i] = compare(texts.get(i), expected[i]);
    return out;
  }

  String compare(String text, ai.djl.huggingface.tokenizers.Encoding expected) {
    Encoding actual;
    try {
      actual = ours.encode(text, maxLength);
    } catch (RuntimeException e) {
      return "ours threw " + e + " on " + escape(text);
    }
    String diff = compareTokens(text, expected, actual);
    if (diff == null && expected.exceedMaxLength() != actual.truncated()) {
      return "truncation flag: hf " + expected.exceedMaxLength() + " ours " + actual.truncated()
          + " on " + escape(text);
    }
    return diff;
  }

  /** Ids, type ids, mask and spans of one encoding (a whole text or one window of it). */
  String compareTokens(String text, ai.djl.huggingface.tokenizers.Encoding expected,
      Encoding actual) {
    long[] expIds = expected.getIds();
    int[] ids = actual.ids();
    if (!Arrays.equals(expIds, Arrays.stream(ids).asLongStream().toArray())) {
      int first = 0;
      while (first < Math.min(expIds.length, ids.length) && expIds[first] == ids[first]) first++;
      int from = Math.max(0, first - 3);
      String[] hf = expected.getTokens();
      String[] our = tokens(ids);
      return "ids differ from token " + first + " on " + escape(text)
          + "\n   hf: " + window(hf, from) + "\n  our: " + window(our, from);
    }
    if (!Arrays.equals(expected.getTypeIds(),
        Arrays.stream(actual.typeIds()).asLongStream().toArray())) {
      return "type ids differ on " + escape(text);
    }
    if (!Arrays.equals(expected.getAttentionMask(),
        Arrays.stream(actual.attentionMask()).asLongStream().toArray())) {
      return "attention mask differs on " + escape(text);
    }
    CharSpan[] spans = expected.getCharTokenSpans();
    for (int t = 0; t < ids.length; t++) {
      int s = text.codePointCount(0, actual.starts()[t]);
      int e = text.codePointCount(0, actual.ends()[t]);
      int hs = spans[t] == null ? 0 : spans[t].getStart();
      int he = spans[t] == null ? 0 : spans[t].getEnd();
      if (s != hs || e != he) {
        return "span of token " + t + " (" + tokens(new int[] {ids[t]})[0] + ") on "
            + escape(text) + ": hf [" + hs + "," + he + ") ours [" + s + "," + e + ")";
      }
    }
    return null;
  }

  /** Up to 12 tokens from {@code from}, with the count, so a long text's difference is visible. */
  private static String window(String[] tokens, int from) {
    int to = Math.min(tokens.length, from + 12);
    return tokens.length + " tokens, from " + from + ": "
        + Arrays.toString(Arrays.copyOfRange(tokens, Math.min(from, to), to));
  }

  String[] tokens(int[] ids) {
    return Arrays.stream(ids).mapToObj(id -> ours.vocab().token(id)).toArray(String[]::new);
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().limit(160).forEach(c -> {
      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || Character.getType(c) == Character.FORMAT
          || Character.getType(c) == Character.UNASSIGNED || Character.isWhitespace(c) && c != ' '
          || Character.getType(c) == Character.PRIVATE_USE) {
        sb.append(String.format("\\u{%x}", c));
      } else {
        sb.appendCodePoint(c);
      }
    });
    if (s.codePointCount(0, s.length()) > 160) sb.append("...");
    return sb.append('"').toString();
  }

  @Override
  public void close() {
    ref.close();
  }
}
