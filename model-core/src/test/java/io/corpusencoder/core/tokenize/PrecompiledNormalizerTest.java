package io.corpusencoder.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Precompiled normalizer against Hugging Face tokenizers (Rust, through DJL): the normalized
 * text and every character's input span, on every Unicode scalar value alone and between two
 * letters, on thousands of multi-character strings and on real multilingual texts, with the real
 * XLM-RoBERTa charsmap; on every scalar value in four grapheme contexts with a charsmap that
 * makes grapheme boundaries visible; and on the change-list quirks with hand-made charsmaps.
 *
 * <p>HF's normalized text is made visible by a probe tokenizer.json: the normalizer under test,
 * the ByteLevel pre-tokenizer without its regex and a BPE model over the 256 byte symbols with no
 * merges, so that HF returns one token per UTF-8 byte of the normalized text, its id the byte and
 * its span the input span of the byte's character.
 */
class PrecompiledNormalizerTest {
  static final String XLMR = "tokenize/unigram-xlmr-tokenizer.json";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static byte[] xlmrBlob;
  static PrecompiledNormalizer xlmr;
  static Reference xlmrRef;

  @BeforeAll
  static void loadXlmr() throws IOException {
    JsonNode root;
    try (InputStream in = PrecompiledNormalizerTest.class.getClassLoader()
        .getResourceAsStream(XLMR)) {
      if (in == null) throw new IOException("test resource " + XLMR + " is missing");
      root = JSON.readTree(in);
    }
    JsonNode precompiled = findPrecompiled(root.path("normalizer"));
    if (precompiled == null) throw new IOException(XLMR + " has no Precompiled normalizer");
    xlmrBlob = Base64.getDecoder().decode(precompiled.path("precompiled_charsmap").asText());
    xlmr = PrecompiledNormalizer.fromJson(JsonField.root(XLMR, precompiled));
    xlmrRef = new Reference(tmp, "xlmr", precompiled);
  }

  @AfterAll
  static void close() {
    if (xlmrRef != null) xlmrRef.close();
  }

  static JsonNode findPrecompiled(JsonNode n) {
    if ("Precompiled".equals(n.path("type").asText())) return n;
    for (JsonNode p : n.path("normalizers")) {
      JsonNode found = findPrecompiled(p);
      if (found != null) return found;
    }
    return null;
  }

  // ---- the real XLM-R charsmap ----

  /**
   * Every scalar value alone (a text of its own: a removal at the start of a text is special)
   * and between "a" and "b" (such probes chained by "\n", which always ends a grapheme and
   * leaves the next probe as it would be alone).
   */
  @Test
  void everyScalarValueAloneAndBetweenTwoLettersMatchesHuggingFace() {
    int[] compared = {0};
    int modified = 0;
    List<String> failures = new ArrayList<>();
    List<String> alone = new ArrayList<>();
    List<String> between = new ArrayList<>();
    StringBuilder chain = new StringBuilder();
    int probes = 0;
    for (int cp : SweptCodePoints.all()) {
      String c = str(cp);
      alone.add(c);
      if (!xlmr.normalize(NormalizedText.of(c)).toString().equals(c)) modified++;
      chain.append('a').append(c).append("b\n");
      probes++;
      if (probes % 1000 == 0) {
        between.add(chain.toString());
        chain.setLength(0);
      }
      if (alone.size() == 65536) flush(xlmr, xlmrRef, alone, failures, compared);
    }
    between.add(chain.toString());
    flush(xlmr, xlmrRef, alone, failures, compared);
    assertEquals(SweptCodePoints.count(), compared[0]);
    flush(xlmr, xlmrRef, between, failures, compared);
    assertTrue(failures.isEmpty(), report(failures, compared[0]));
    // The charsmap does something: NFKC, controls removed, spaces unified.
    assertTrue(modified > 3000, "only " + modified + " code points changed");
  }

  @Test
  void multiCharacterStringsMatchHuggingFace() {
    List<String> texts = multiCharacterStrings(xlmrEntries(), 20000, 11);
    int[] compared = {0};
    List<String> failures = new ArrayList<>();
    flush(xlmr, xlmrRef, texts, failures, compared);
    assertTrue(failures.isEmpty(), report(failures, compared[0]));
    assertTrue(compared[0] >= 20000 + 100000, compared[0] + " strings");
  }

  @Test
  void multilingualTextsMatchHuggingFace() {
    List<String> texts = new ArrayList<>(multilingualTexts());
    int[] compared = {0};
    List<String> failures = new ArrayList<>();
    flush(xlmr, xlmrRef, texts, failures, compared);
    assertTrue(failures.isEmpty(), report(failures, compared[0]));
    assertTrue(compared[0] >= 3000, "only " + compared[0] + " texts");
  }

  @Test
  void knownCases() {
    // From spm_precompiled's own tests: the first prefix match wins, even if shorter.
    assertEquals("\u0622", normalize(xlmr, "\u0627\u0653"));
    assertEquals("\u0921\u093c\u0940 \u0926\u0941\u0916",
        normalize(xlmr, "\u095c\u0940 \u0926\u0941\u0916"));
    assertEquals("G", normalize(xlmr, "\ud835\udd3e"));
    assertEquals("fi", normalize(xlmr, "\ufb01"));
    // Nothing to change: the very same object comes back.
    NormalizedText plain = NormalizedText.of("plain text, nothing to do");
    assertTrue(plain == xlmr.normalize(plain));
  }

  // ---- grapheme clusters, made visible ----

  /**
   * A charsmap with a value after every possible first byte: each grapheme shorter than 6 UTF-8
   * bytes becomes one "X" with the span of its first character (the rest of it is dropped), each
   * character of a longer one its own "X", so HF's spans show where its graphemes start. Every
   * scalar value c in "a c a" (Extend, SpacingMark and ZWJ join the first "a", Prepend the
   * second), in "© ZWJ c U+0300" (GB11 if c is Extended_Pictographic; controls break before the
   * mark) and after a consonant and virama (GB9c); the probes chained by "\n", which always ends
   * a grapheme.
   */
  @Test
  void graphemeBoundariesMatchTheRustCrate() throws IOException {
    List<byte[]> keys = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (int b = 1; b < 256; b++) {
      keys.add(new byte[] {(byte) b});
      values.add("X");
    }
    PrecompiledNormalizer ours = PrecompiledNormalizer.fromBlob(charsmap(keys, values));
    IntFunction<String> probes = c -> "a" + str(c) + "a\n\u00a9\u200d" + str(c) + "\u0300\n"
        + "\u0915\u094d" + str(c) + "\n";
    int[] compared = {0};
    List<String> failures = new ArrayList<>();
    try (Reference ref = new Reference(tmp, "bytes", precompiledJson(charsmap(keys, values)))) {
      List<String> texts = new ArrayList<>();
      StringBuilder chain = new StringBuilder();
      for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
        if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) continue;
        chain.append(probes.apply(cp));
        if (cp % 500 == 0) {
          texts.add(chain.toString());
          chain.setLength(0);
        }
      }
      texts.add(chain.toString());
      flush(ours, ref, texts, failures, compared);
    }
    assertTrue(failures.isEmpty(), report(failures, compared[0]));
  }

  // ---- the change-list quirks, with hand-made charsmaps ----

  static final Map<String, String> CRAFTED = new LinkedHashMap<>();

  static {
    CRAFTED.put("\u2122", "TM"); // expansion
    CRAFTED.put("\u001e", ""); // removal
    CRAFTED.put("k", ""); // removal of an ASCII letter (at the very start: HF loses it)
    CRAFTED.put("q", "QQQ");
    CRAFTED.put("e\u0301", "E"); // a two-character key: only a whole grapheme reaches it
    CRAFTED.put("\uff21", "A"); // full-width A: with a mark after it, the mark is dropped
    CRAFTED.put("\uff22", "B");
    CRAFTED.put("\uff22\u0301", "never"); // longer than the first match: never used
    CRAFTED.put("\u00e9", "e\u0301"); // a composed character decomposed
    CRAFTED.put("\u0627\u0653", "\u0622");
    CRAFTED.put("\u1100\u1161", "\uac00"); // 6 bytes: graphemes this long are looked up per char
    CRAFTED.put("\u0301", "");
    CRAFTED.put("\u00bd", "1/2");
    CRAFTED.put("\ud83d\ude00", ":)"); // 4 bytes
    CRAFTED.put("\u200d", " ");
    CRAFTED.put("\u0600", ""); // a Prepend character, removed
    CRAFTED.put("z\u0301\u0302", "zz"); // three characters, five bytes
    CRAFTED.put("\u00a0", " ");
    CRAFTED.put("\r\n", "N"); // CR LF is one grapheme
    CRAFTED.put("\t", "");
    CRAFTED.put("\u3000", "");
    CRAFTED.put("w", "w"); // identity: still counts as a change for HF
  }

  @Test
  void craftedCharsmapQuirksMatchHuggingFace() throws IOException {
    List<byte[]> keys = new ArrayList<>();
    List<String> values = new ArrayList<>();
    CRAFTED.forEach((k, v) -> {
      keys.add(k.getBytes(StandardCharsets.UTF_8));
      values.add(v);
    });
    byte[] blob = charsmap(keys, values);
    PrecompiledNormalizer ours = PrecompiledNormalizer.fromBlob(blob);

    List<String> texts = new ArrayList<>();
    List<String> atoms = new ArrayList<>(CRAFTED.keySet());
    atoms.addAll(List.of("a", "e", "z", " ", "\u0301", "\u0302", "\r", "\n", "\u1100", "\u1161",
        "\u11a8", "\u0915", "\u094d", "\ud83d\udc4d", "\ud83c\udffd", "\u00a9", "\ufe0f", "x"));
    Random random = new Random(5);
    for (String a : atoms) {
      texts.add(a);
      for (String b : atoms) texts.add(a + b);
    }
    for (int i = 0; i < 20000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + random.nextInt(8);
      for (int k = 0; k < n; k++) sb.append(atoms.get(random.nextInt(atoms.size())));
      texts.add(sb.toString());
    }
    int[] compared = {0};
    List<String> failures = new ArrayList<>();
    try (Reference ref = new Reference(tmp, "crafted", precompiledJson(blob))) {
      flush(ours, ref, texts, failures, compared);
    }
    assertTrue(failures.isEmpty(), report(failures, compared[0]));

    // Quirks spelled out (spans are per normalized character, in input code points).
    assertNormalized(ours, "\u2122\u001eg", "TMg", 0, 1, 1, 2, 2, 3); // M takes the removed span
    assertNormalized(ours, "\u2122\u001e", "TM", 0, 1, 1, 2);
    assertNormalized(ours, "kab", "ab", 0, 1, 1, 2); // the lost removal: a takes k's span
    assertNormalized(ours, "akb", "ab", 0, 1, 2, 3);
    assertNormalized(ours, "q\u001ex", "QQQx", 0, 1, 0, 1, 1, 2, 2, 3);
    assertNormalized(ours, "\uff21\u0301!", "A!", 0, 1, 2, 3); // the mark goes with the match
    assertNormalized(ours, "\uff22\u0301", "B", 0, 1);
  }

  /**
   * HF applies the change list to the normalized range of the whole original, which starts at
   * the first character with a non-empty span. No normalizer HF has puts such a character before
   * us (its Prepend takes the first character's span), but if one did: the list, made for the
   * whole text, is applied from there, and where HF would then index past its alignments (it
   * panics) we throw.
   */
  @Test
  void emptySpanPrefixIsHandledAsHuggingFaceDoes() {
    PrecompiledNormalizer ours = PrecompiledNormalizer.fromBlob(charsmap(
        List.of("\u001e".getBytes(StandardCharsets.UTF_8), "k".getBytes(StandardCharsets.UTF_8)),
        List.of("", "")));
    NormalizedText in = NormalizedText.of("a\u001e").rewrite(0, 0, 0).emit('_', 1).done();
    assertEquals(0, in.end(0));
    NormalizedText out = ours.normalize(in);
    assertEquals("__a", out.toString());
    assertEquals("[0,0) [0,1) [1,2) ", spans(out));
    NormalizedText panics = NormalizedText.of("kbc").rewrite(0, 0, 0).emit('_', 1).done();
    assertThrows(IllegalStateException.class, () -> ours.normalize(panics));
  }

  static String spans(NormalizedText t) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < t.length(); i++) {
      sb.append('[').append(t.start(i)).append(',').append(t.end(i)).append(") ");
    }
    return sb.toString();
  }

  static void assertNormalized(PrecompiledNormalizer p, String in, String out, int... spans) {
    Normalized actual = ours(p, in);
    assertEquals(out, actual.text, "normalized " + escape(in));
    int[] flat = new int[actual.starts.length * 2];
    for (int i = 0; i < actual.starts.length; i++) {
      flat[2 * i] = actual.starts[i];
      flat[2 * i + 1] = actual.ends[i];
    }
    assertEquals(Arrays.toString(spans), Arrays.toString(flat), "spans of " + escape(in));
  }

  // ---- tokenizer.json, errors, serialization ----

  @Test
  void readFromTokenizerJson() {
    Normalizer n = TokenizerReader.readNormalizer(JsonField.root("t.json",
        JSON.createObjectNode().put("type", "Precompiled").put("precompiled_charsmap",
            Base64.getEncoder().encodeToString(xlmrBlob))));
    assertEquals("fi", n.normalize(NormalizedText.of("\ufb01")).toString());
  }

  @Test
  void malformedCharsmapsFailNamingTheField() {
    String good = Base64.getEncoder().encodeToString(xlmrBlob);
    byte[] truncated = Arrays.copyOf(xlmrBlob, 1000);
    byte[] badUtf8 = Arrays.copyOf(xlmrBlob, xlmrBlob.length + 1);
    badUtf8[badUtf8.length - 1] = (byte) 0xC3;
    byte[] outOfBounds = xlmrBlob.clone();
    // The root unit's offset, pointed past the end of the trie.
    ByteBuffer.wrap(outOfBounds).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 0x7FFFFC00);
    Map<String, JsonNode> cases = new LinkedHashMap<>();
    JsonNodeFactory f = JsonNodeFactory.instance;
    cases.put("absent", null);
    cases.put("null", f.nullNode());
    cases.put("a number", f.numberNode(3));
    cases.put("empty", f.textNode(""));
    cases.put("not base64", f.textNode("not base64!"));
    cases.put("unpadded", f.textNode(good.replace("=", "")));
    cases.put("stray bits", f.textNode("AAB="));
    cases.put("too short", f.textNode(Base64.getEncoder().encodeToString(new byte[] {1, 0})));
    cases.put("truncated", f.textNode(Base64.getEncoder().encodeToString(truncated)));
    cases.put("empty trie", f.textNode(Base64.getEncoder().encodeToString(new byte[4])));
    cases.put("bad UTF-8", f.textNode(Base64.getEncoder().encodeToString(badUtf8)));
    cases.put("out of bounds", f.textNode(Base64.getEncoder().encodeToString(outOfBounds)));
    cases.forEach((what, value) -> {
      ObjectNode node = JSON.createObjectNode().put("type", "Precompiled");
      if (value != null) node.set("precompiled_charsmap", value);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PrecompiledNormalizer.fromJson(JsonField.root("t.json",
              JSON.createObjectNode().set("normalizer", node)).get("normalizer")), what);
      assertTrue(e.getMessage().startsWith("t.json: normalizer.precompiled_charsmap must be "),
          what + ": " + e.getMessage());
    });
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(xlmr);
    }
    PrecompiledNormalizer copy;
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (PrecompiledNormalizer) in.readObject();
    }
    for (String t : multilingualTexts().subList(0, 200)) {
      assertEquals(ours(xlmr, t), ours(copy, t));
    }
  }

  /**
   * Not an assertion (machines differ): prints characters per second of this thread's CPU time
   * (so that other processes on the machine do not count), the best of 3 rounds.
   */
  @Test
  void throughput() {
    measure("multilingual texts", multilingualTexts().toArray(new String[0]));
    measure("test texts",
        io.corpusencoder.core.testing.TestTexts.generate(2000, 3).toArray(new String[0]));
  }

  private static void measure(String what, String[] texts) {
    long chars = 0;
    for (String t : texts) chars += t.length();
    long sink = 0;
    long best = Long.MAX_VALUE;
    java.lang.management.ThreadMXBean cpu =
        java.lang.management.ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 3; round++) {
      long t0 = cpu.getCurrentThreadCpuTime();
      for (String t : texts) sink += xlmr.normalize(NormalizedText.of(t)).length();
      best = Math.min(best, cpu.getCurrentThreadCpuTime() - t0);
    }
    System.out.printf("Precompiled (XLM-R) on %s: %.1f M chars/s (%d chars, sink %d)%n", what,
        chars * 1e3 / best, chars, sink);
  }

  // ---- comparison ----

  /** A normalized text with each code point's input span, in input code points. */
  record Normalized(String text, int[] starts, int[] ends) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Normalized n && text.equals(n.text) && Arrays.equals(starts, n.starts)
          && Arrays.equals(ends, n.ends);
    }

    @Override
    public int hashCode() {
      return text.hashCode();
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(escape(text)).append(' ');
      for (int i = 0; i < starts.length && i < 40; i++) {
        sb.append('[').append(starts[i]).append(',').append(ends[i]).append(')');
      }
      return sb.toString();
    }
  }

  static String normalize(PrecompiledNormalizer p, String text) {
    return p.normalize(NormalizedText.of(text)).toString();
  }

  static Normalized ours(PrecompiledNormalizer p, String text) {
    NormalizedText r = p.normalize(NormalizedText.of(text));
    String s = r.toString();
    int n = s.codePointCount(0, s.length());
    int[] starts = new int[n];
    int[] ends = new int[n];
    int[] cpIndex = new int[text.length() + 1];
    for (int i = 0, k = 0; i <= text.length(); i++) {
      cpIndex[i] = k;
      if (i < text.length() && !(Character.isHighSurrogate(text.charAt(i))
          && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)))) {
        k++;
      }
    }
    for (int u = 0, k = 0; u < s.length(); k++) {
      starts[k] = cpIndex[r.start(u)];
      ends[k] = cpIndex[r.end(u)];
      u += Character.charCount(s.codePointAt(u));
    }
    return new Normalized(s, starts, ends);
  }

  static void flush(PrecompiledNormalizer ours, Reference ref, List<String> texts,
      List<String> failures, int[] compared) {
    if (texts.isEmpty()) return;
    Normalized[] expected = ref.normalize(texts);
    for (int i = 0; i < expected.length; i++) {
      String text = texts.get(i);
      Normalized actual;
      try {
        actual = ours(ours, text);
      } catch (RuntimeException e) {
        failures.add(escape(text) + ": ours threw " + e);
        continue;
      }
      if (!actual.equals(expected[i])) {
        failures.add(describe(text, expected[i], actual));
      }
    }
    compared[0] += texts.size();
    texts.clear();
  }

  /** The first difference, with some context (texts may be long). */
  static String describe(String text, Normalized hf, Normalized our) {
    int[] a = hf.text.codePoints().toArray();
    int[] b = our.text.codePoints().toArray();
    int k = 0;
    while (k < a.length && k < b.length && a[k] == b[k] && hf.starts[k] == our.starts[k]
        && hf.ends[k] == our.ends[k]) {
      k++;
    }
    int from = Math.max(0, k - 3);
    int inFrom = k < hf.starts.length ? Math.max(0, hf.starts[Math.max(0, k - 1)] - 3) : 0;
    int[] input = text.codePoints().skip(inFrom).limit(12).toArray();
    String in = new String(input, 0, input.length);
    return "input " + escape(in) + " (from code point " + inFrom + " of "
        + text.codePointCount(0, text.length()) + "), normalized code point " + k + ":\n   hf: "
        + slice(hf, from) + "\n  our: " + slice(our, from);
  }

  static String slice(Normalized n, int from) {
    int to = Math.min(n.starts.length, from + 8);
    StringBuilder sb = new StringBuilder();
    int[] cps = n.text.codePoints().toArray();
    for (int i = from; i < to; i++) {
      sb.append(escape(str(cps[i]))).append('[').append(n.starts[i]).append(',')
          .append(n.ends[i]).append(") ");
    }
    return sb.length() == 0 ? "(end)" : sb.toString();
  }

  static String report(List<String> failures, int compared) {
    return failures.size() + " of " + compared + " differ:\n"
        + String.join("\n", failures.subList(0, Math.min(12, failures.size())));
  }

  static List<String> multilingual;

  /** The real multilingual texts (Debian package descriptions, 30+ languages), one per line. */
  static synchronized List<String> multilingualTexts() {
    if (multilingual != null) return multilingual;
    String resource = "tokenize/multilingual-texts.jsonl.gz";
    List<String> texts = new ArrayList<>();
    try (InputStream raw = PrecompiledNormalizerTest.class.getClassLoader()
        .getResourceAsStream(resource)) {
      if (raw == null) throw new IOException("test resource " + resource + " is missing");
      java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
          new java.util.zip.GZIPInputStream(raw), StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) texts.add(JSON.readTree(line).path("text").asText());
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    multilingual = List.copyOf(texts);
    return multilingual;
  }

  /** {@code s} quoted, with invisible and unusual characters escaped. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().limit(160).forEach(c -> {
      int type = Character.getType(c);
      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || type == Character.FORMAT
          || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
          || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
          || (Character.isWhitespace(c) && c != ' ') || Character.isSpaceChar(c) && c != ' ') {
        sb.append(String.format("\\u{%x}", c));
      } else {
        sb.appendCodePoint(c);
      }
    });
    if (s.codePointCount(0, s.length()) > 160) sb.append("...");
    return sb.append('"').toString();
  }

  static String str(int cp) {
    return new String(Character.toChars(cp));
  }

  /**
   * HF through DJL on a probe tokenizer.json (see the class comment): one token per UTF-8 byte
   * of the normalized text, whose id is the byte.
   */
  static final class Reference implements AutoCloseable {
    final HuggingFaceTokenizer hf;

    Reference(Path dir, String name, JsonNode normalizer) throws IOException {
      ObjectNode root = JSON.createObjectNode();
      root.put("version", "1.0");
      root.putNull("truncation");
      root.putNull("padding");
      root.putArray("added_tokens");
      root.set("normalizer", normalizer);
      ObjectNode pre = root.putObject("pre_tokenizer");
      pre.put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", false)
          .put("use_regex", false);
      root.putNull("post_processor");
      root.putNull("decoder");
      ObjectNode model = root.putObject("model");
      model.put("type", "BPE").putNull("dropout");
      model.putNull("unk_token").putNull("continuing_subword_prefix")
          .putNull("end_of_word_suffix");
      model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
      ObjectNode vocab = model.putObject("vocab");
      int[] symbol = byteSymbols();
      for (int b = 0; b < 256; b++) vocab.put(str(symbol[b]), b);
      model.putArray("merges");
      Path file = dir.resolve(name + "-probe-tokenizer.json");
      Files.writeString(file, JSON.writeValueAsString(root));
      hf = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false)
          .optPadding(false).optTruncation(false).build();
    }

    /**
     * HF's result on each text. The texts go as one pre-tokenized sequence per call (HF
     * normalizes each word as a text of its own, spans relative to it; the word id of each token
     * says whose it is), which costs far less than an encoding per text.
     */
    Normalized[] normalize(List<String> texts) {
      Normalized[] out = new Normalized[texts.size()];
      int from = 0;
      while (from < texts.size()) {
        int to = from;
        long chars = 0;
        while (to < texts.size() && to - from < 65536 && chars < 1_000_000) {
          chars += texts.get(to++).length();
        }
        String[] words = texts.subList(from, to).toArray(new String[0]);
        ai.djl.huggingface.tokenizers.Encoding e = hf.encode(words, false, false);
        long[] ids = e.getIds();
        long[] wordIds = e.getWordIds();
        CharSpan[] spans = e.getCharTokenSpans();
        int t = 0;
        for (int w = 0; w < words.length; w++) {
          int end = t;
          while (end < ids.length && wordIds[end] == w) end++;
          out[from + w] = decode(ids, spans, t, end);
          t = end;
        }
        if (t != ids.length) throw new IllegalStateException("word ids out of order");
        from = to;
      }
      return out;
    }

    private static Normalized decode(long[] ids, CharSpan[] spans, int from, int to) {
      byte[] bytes = new byte[to - from];
      for (int t = from; t < to; t++) bytes[t - from] = (byte) ids[t];
      String text = new String(bytes, StandardCharsets.UTF_8);
      int n = text.codePointCount(0, text.length());
      int[] starts = new int[n];
      int[] ends = new int[n];
      int t = from;
      for (int k = 0; k < n; k++) {
        int lead = bytes[t - from] & 0xFF;
        int len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        starts[k] = spans[t].getStart();
        ends[k] = spans[t].getEnd();
        for (int j = 1; j < len; j++) {
          // Every byte of a character has the character's span.
          if (spans[t + j].getStart() != starts[k] || spans[t + j].getEnd() != ends[k]) {
            starts[k] = -2;
          }
        }
        t += len;
      }
      return new Normalized(text, starts, ends);
    }

    @Override
    public void close() {
      hf.close();
    }
  }

  /** GPT-2's byte-to-symbol table, which HF's ByteLevel uses. */
  static int[] byteSymbols() {
    int[] symbol = new int[256];
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      symbol[b] = printable ? b : next++;
    }
    return symbol;
  }

  static JsonNode precompiledJson(byte[] blob) {
    return JSON.createObjectNode().put("type", "Precompiled")
        .put("precompiled_charsmap", Base64.getEncoder().encodeToString(blob));
  }

  // ---- charsmaps: reading the entries of one, and building one ----

  /** The key -> replacement entries of the XLM-R charsmap, read by a walk of its trie. */
  static Map<String, String> xlmrEntries() {
    ByteBuffer in = ByteBuffer.wrap(xlmrBlob).order(ByteOrder.LITTLE_ENDIAN);
    int[] units = new int[in.getInt() / 4];
    in.asIntBuffer().get(units);
    byte[] strings = Arrays.copyOfRange(xlmrBlob, 4 + 4 * units.length, xlmrBlob.length);
    Map<String, String> entries = new LinkedHashMap<>();
    walk(units, strings, (units[0] >>> 10) << ((units[0] & 0x200) >>> 6), new byte[0], entries);
    return entries;
  }

  private static void walk(int[] units, byte[] strings, int node, byte[] key,
      Map<String, String> out) {
    for (int b = 1; b < 256; b++) {
      int unit = units[node ^ b];
      if ((unit & 0x800000FF) != b) continue;
      int child = (node ^ b) ^ ((unit >>> 10) << ((unit & 0x200) >>> 6));
      byte[] k = Arrays.copyOf(key, key.length + 1);
      k[key.length] = (byte) b;
      if (((unit >>> 8) & 1) == 1) {
        int v = units[child] & 0x7FFFFFFF;
        int end = v;
        while (end < strings.length && strings[end] != 0) end++;
        out.put(new String(k, StandardCharsets.UTF_8),
            new String(strings, v, end - v, StandardCharsets.UTF_8));
      }
      walk(units, strings, child, k, out);
    }
  }

  /**
   * A precompiled charsmap in SentencePiece's format: a darts-clone style double array where
   * every node gets a 256-unit block of its own (children at {@code base ^ byte}, its value unit
   * at {@code base}), then the NUL-ended replacements.
   */
  static byte[] charsmap(List<byte[]> keys, List<String> values) {
    List<Map<Integer, Integer>> children = new ArrayList<>();
    List<Integer> value = new ArrayList<>();
    children.add(new LinkedHashMap<>());
    value.add(-1);
    ByteArrayOutputStream strings = new ByteArrayOutputStream();
    Map<String, Integer> offsetOf = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      int node = 0;
      for (byte b : keys.get(i)) {
        Integer next = children.get(node).get(b & 0xFF);
        if (next == null) {
          next = children.size();
          children.add(new LinkedHashMap<>());
          value.add(-1);
          children.get(node).put(b & 0xFF, next);
        }
        node = next;
      }
      Integer off = offsetOf.get(values.get(i));
      if (off == null) {
        off = strings.size();
        offsetOf.put(values.get(i), off);
        strings.writeBytes(values.get(i).getBytes(StandardCharsets.UTF_8));
        strings.write(0);
      }
      value.set(node, off);
    }
    int nodes = children.size();
    if (nodes + 1 >= 1 << 13) throw new IllegalArgumentException("too many nodes for this builder");
    int[] units = new int[(nodes + 1) * 256];
    int rootBase = 256;
    units[0] = rootBase << 10; // at 0, the root: its children at rootBase ^ byte
    for (int node = 0; node < nodes; node++) {
      int base = (node + 1) * 256;
      if (value.get(node) >= 0) units[base] = value.get(node) | 0x80000000;
      for (Map.Entry<Integer, Integer> c : children.get(node).entrySet()) {
        int pos = base ^ c.getKey();
        int childBase = (c.getValue() + 1) * 256;
        boolean leaf = value.get(c.getValue()) >= 0;
        units[pos] = ((pos ^ childBase) << 10) | (leaf ? 1 << 8 : 0) | c.getKey();
      }
    }
    ByteBuffer out = ByteBuffer.allocate(4 + units.length * 4 + strings.size())
        .order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(units.length * 4);
    for (int u : units) out.putInt(u);
    out.put(strings.toByteArray());
    return out.array();
  }

  // ---- multi-character strings ----

  static final String[] POOL = {
    // combining marks, variation selectors, joiners
    "\u0300", "\u0301", "\u0308", "\u0323", "\u0327", "\u0345", "\u0483", "\u0591", "\u05bf",
    "\u064b", "\u0650", "\u0653", "\u0654", "\u0655", "\u0670", "\u093c", "\u094d", "\u0951",
    "\u09bc", "\u09cd", "\u0e31", "\u0e48", "\u0e4d", "\u1ab0", "\u1dc0", "\u20d7", "\u20e3",
    "\u302a", "\u3099", "\u309a", "\ufe0f", "\ufe0e", "\ufe20", "\ud834\udd65", "\udb40\udc20",
    "\udb40\udc7f", "\u200c", "\u200d", "\u034f", "\uff9e", "\uff9f",
    // spacing marks
    "\u0903", "\u093e", "\u093f", "\u0940", "\u0949", "\u09bf", "\u0e33", "\u0eb3", "\u1b04",
    "\ud804\udc00",
    // prepend
    "\u0600", "\u0601", "\u0605", "\u06dd", "\u070f", "\u0890", "\u08e2", "\u0d4e",
    "\ud804\udcbd", "\ud804\uddc2", "\ud807\udf02",
    // Hangul jamo, syllables, compatibility and half-width jamo
    "\u1100", "\u1112", "\u1161", "\u1175", "\u11a8", "\u11c2", "\uac00", "\uac01", "\ud7a3",
    "\u3131", "\u314f", "\uffa1", "\uffc2",
    // Indic letters
    "\u0915", "\u0937", "\u0930", "\u095c", "\u0995", "\u09b7", "\u0a95", "\u0b15", "\u0c15",
    "\u0d15", "\u0b95", "\u0e01", "\u0e40", "\u0f40", "\u1000",
    // emoji, flags, keycaps, tags
    "\ud83d\ude00", "\ud83d\udc4d", "\ud83c\udffd", "\u2764", "\ud83d\udc68", "\ud83d\udc69",
    "\ud83d\udc67", "\ud83c\uddeb", "\ud83c\uddf7", "\ud83c\uddfa", "\u00a9", "\u00ae", "\u2122",
    "\u203c", "\ud83c\udff4", "\u263a", "#", "1",
    // full-width, half-width, compatibility, ligatures
    "\uff21", "\uff41", "\uff10", "\uff01", "\uff08", "\uff76", "\uff8a", "\u3000", "\ufb01",
    "\ufb00", "\ufb13", "\u0132", "\u01c4", "\u337f", "\u3231", "\u2121", "\u00bd", "\u2474",
    "\u2167", "\u00b2", "\u2082", "\u210c", "\ud835\udd3e", "\u00df", "\u1e9e", "\u0130",
    // spaces and controls
    " ", "\t", "\n", "\r", "\r\n", "\u000b", "\u000c", "\u0085", "\u001e", "\u0000", "\u00ad",
    "\u200b", "\u2028", "\ufeff", "\u00a0", "\u2009", "\u202f", "\u007f",
    // letters
    "a", "e", "o", "z", "A", "\u00e9", "\u0101", "\u03b1", "\u0436", "\u05d0", "\u0627",
    "\u0628", "\u4e2d", "\u3042", "\u30ab", "\u1ea0",
  };

  /**
   * Every multi-character key of the charsmap alone and in context, and {@code count} random
   * mixes of the pool, keys, marks and random code points.
   */
  static List<String> multiCharacterStrings(Map<String, String> entries, int count, long seed) {
    Random random = new Random(seed);
    List<String> atoms = new ArrayList<>(Arrays.asList(POOL));
    List<String> multi = new ArrayList<>();
    List<String> keys = new ArrayList<>(entries.keySet());
    for (String k : keys) {
      if (k.codePointCount(0, k.length()) > 1) multi.add(k);
    }
    List<String> out = new ArrayList<>(multi);
    // In context (chained by "\n", which always ends a grapheme): after a letter, before a mark,
    // twice.
    StringBuilder chain = new StringBuilder();
    for (int i = 0; i < multi.size(); i++) {
      String k = multi.get(i);
      chain.append('x').append(k).append("\u0301\n").append(k).append(k).append('\n');
      if (i % 200 == 199 || i == multi.size() - 1) {
        out.add(chain.toString());
        chain.setLength(0);
      }
    }
    String[] marks = {"\u0301", "\u0308", "\u093c", "\u3099", "\ufe0f", "\u200d", "\u094d"};
    int target = out.size() + count;
    while (out.size() < target) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + random.nextInt(10);
      for (int i = 0; i < n; i++) {
        int kind = random.nextInt(10);
        if (kind < 5) {
          sb.append(atoms.get(random.nextInt(atoms.size())));
        } else if (kind < 7) {
          sb.append(keys.get(random.nextInt(keys.size())));
        } else if (kind < 8 && !multi.isEmpty()) {
          sb.append(multi.get(random.nextInt(multi.size())));
        } else if (kind < 9) {
          sb.append(marks[random.nextInt(marks.length)]);
        } else {
          int cp;
          do {
            cp = random.nextInt(3) == 0 ? random.nextInt(0x110000) : random.nextInt(0x3000);
          } while (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
          sb.appendCodePoint(cp);
        }
      }
      out.add(sb.toString());
    }
    return out;
  }
}
