package io.corpusencoder.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Unicode scalar value, U+0000..U+10FFFF less the surrogates, alone and inside a word
 * ("Hello" + c + "world"), through each tokenizer here and through Hugging Face tokenizers (Rust,
 * via DJL): ids, type ids, mask and spans must agree on all 2,224,128 texts.
 *
 * <p>The per-character rules behind it are HF's, each at its own Unicode version ({@link
 * UnicodeTables}); with Java's Character (Unicode 13.0) BERT differed here on 831,039 code points
 * (unassigned ones dropped as control; new letters, digits, marks and punctuation). A real BERT
 * vocabulary maps most characters to [UNK] whatever they were normalized to, so the "probe"
 * tokenizers give WordPiece a vocabulary with every character of planes 0-2 and 14 (and its "##"
 * form): their ids show exactly which characters each normalizer produced and where each
 * pre-tokenizer split.
 *
 * <p>Cost per tokenizer: about 2.2M texts, HF ~55-100 s of CPU (batchEncode, both cores), ours
 * ~10-20 s. For a quicker look: -Dsweep.tokenizers=name,... (as the test names them) and
 * -Dsweep.last=0x... (the last code point swept).
 */
class UnicodeSweepTest {
  static final int BATCH = 4096;
  static final int MAX_LENGTH = 64;
  static final int SHOWN_PER_GROUP = 3;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  static Stream<Arguments> tokenizers() {
    List<Arguments> out = new ArrayList<>();
    // The three BERT models here (MiniLM, BGE, E5) have the same normalizer, pre-tokenizer and
    // vocabulary; BGE stands for all.
    out.add(Arguments.of("bge-small-en-v1.5-tokenizer.json"));
    out.add(Arguments.of("probe:bert-uncased"));
    out.add(Arguments.of("probe:bert-cased"));
    out.add(Arguments.of("probe:rules"));
    // Every tokenizer.json fixture but the one that differs from another only in how its merges
    // are written.
    for (String f : fixtures()) {
      if (!f.equals("bpe-bytelevel-gpt2merges-tokenizer.json")) {
        out.add(Arguments.of("tokenize/" + f));
      }
    }
    String only = System.getProperty("sweep.tokenizers");
    return only == null ? out.stream()
        : out.stream().filter(a -> List.of(only.split(",")).contains((String) a.get()[0]));
  }

  /** The *-tokenizer.json files in the test resources' tokenize/ folder, sorted. */
  static List<String> fixtures() {
    try {
      java.net.URL dir = UnicodeSweepTest.class.getClassLoader().getResource("tokenize");
      if (dir == null || !dir.getProtocol().equals("file")) return List.of();
      try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
        return files.map(f -> f.getFileName().toString())
            .filter(f -> f.endsWith("-tokenizer.json")).sorted().toList();
      }
    } catch (IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The last code point swept: all of them, unless -Dsweep.last=0x... (a quicker look). */
  static final int LAST = Integer.decode(System.getProperty("sweep.last", "0x10FFFF"));

  /**
   * Code points known to differ, by tokenizer, and why: each must still differ (so that the list
   * shrinks as the causes are fixed) and nothing else may.
   */
  static final Map<String, Known> KNOWN = Map.of();

  record Known(String why, int... codePoints) {}

  @ParameterizedTest(name = "{0}")
  @MethodSource("tokenizers")
  void everyCodePointAsHuggingFace(String name) throws Exception {
    long t0 = System.nanoTime();
    Path file = name.startsWith("probe:") ? probe(name.substring(6)) : copy(name);
    Sweep sweep = new Sweep();
    try (HfParity p = HfParity.open(file, MAX_LENGTH)) {
      sweep.loaded = System.nanoTime() - t0;
      List<String> batch = new ArrayList<>(BATCH);
      List<Integer> cps = new ArrayList<>(BATCH);
      int[] swept = java.util.Arrays.stream(SweptCodePoints.all()).filter(cp -> cp <= LAST)
          .toArray();
      int lastSwept = swept[swept.length - 1];
      for (int cp : swept) {
        String c = new String(Character.toChars(cp));
        for (String text : forms(c)) {
          batch.add(text);
          cps.add(cp);
        }
        if (batch.size() >= BATCH || cp == lastSwept) {
          sweep.run(p, batch, cps);
          batch.clear();
          cps.clear();
        }
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    String report = sweep.report(name, seconds);
    System.out.print(report);
    if (LAST == Character.MAX_CODE_POINT) {
      assertEquals(2 * SweptCodePoints.count(), sweep.texts, "texts swept");
    }
    Known known = KNOWN.getOrDefault(name, new Known(""));
    Set<Integer> expected = new TreeSet<>();
    for (int cp : known.codePoints()) if (cp <= LAST) expected.add(cp);
    Set<Integer> unexpected = new TreeSet<>(sweep.differing);
    unexpected.removeAll(expected);
    assertTrue(unexpected.isEmpty(), unexpected.size() + " code points differ from HF:\n" + report);
    Set<Integer> fixed = new TreeSet<>(expected);
    fixed.removeAll(sweep.differing);
    assertTrue(fixed.isEmpty(), "known differences now agree with HF, take them off KNOWN: "
        + fixed.stream().map(c -> String.format("U+%04X", c)).toList());
    if (!expected.isEmpty()) {
      System.out.printf("  %d known (%s)%n", expected.size(), known.why());
    }
  }

  /** One tokenizer's results and costs. */
  static final class Sweep {
    long loaded;
    long hfNanos;
    long hfCpu;
    long oursNanos;
    long oursCpu;
    int texts;
    int mismatches;
    final Set<Integer> differing = new TreeSet<>();
    final Map<String, List<String>> shown = new TreeMap<>();
    final Map<String, Integer> counts = new TreeMap<>();

    void run(HfParity p, List<String> batch, List<Integer> cps) {
      long c0 = processCpu();
      long t0 = System.nanoTime();
      ai.djl.huggingface.tokenizers.Encoding[] expected = p.ref.batchEncode(batch);
      long c1 = processCpu();
      long t1 = System.nanoTime();
      String[] diffs = new String[batch.size()];
      IntStream.range(0, diffs.length).parallel()
          .forEach(i -> diffs[i] = p.compare(batch.get(i), expected[i]));
      hfNanos += t1 - t0;
      hfCpu += c1 - c0;
      oursNanos += System.nanoTime() - t1;
      oursCpu += processCpu() - c1;
      texts += batch.size();
      for (int i = 0; i < diffs.length; i++) {
        if (diffs[i] == null) continue;
        mismatches++;
        int cp = cps.get(i);
        differing.add(cp);
        String group = group(cp);
        counts.merge(group, 1, Integer::sum);
        List<String> s = shown.computeIfAbsent(group, g -> new ArrayList<>());
        if (s.size() < SHOWN_PER_GROUP) s.add(String.format("U+%04X: %s", cp, diffs[i]));
      }
    }

    String report(String name, double seconds) {
      StringBuilder r = new StringBuilder(String.format(
          "%s: %d texts, %d differ (%d code points), %.1f s: loading %.1f s, HF %.1f s (CPU %.1f s),"
              + " ours %.1f s (CPU %.1f s)%n",
          name, texts, mismatches, differing.size(), seconds, loaded / 1e9, hfNanos / 1e9,
          hfCpu / 1e9, oursNanos / 1e9, oursCpu / 1e9));
      for (Map.Entry<String, Integer> e : counts.entrySet()) {
        r.append(String.format("  %-24s %7d%n", e.getKey(), e.getValue()));
        for (String s : shown.get(e.getKey())) r.append("      ").append(s).append('\n');
      }
      return r.toString();
    }

    private static long processCpu() {
      return ((com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
  }

  /** The texts each code point is tried in. */
  static String[] forms(String c) {
    return new String[] {c, "Hello" + c + "world"};
  }

  /**
   * A mismatch's group: the code point's general category in Unicode 16.0 and, when Java 17 does
   * not know it, the version range it is new in.
   */
  static String group(int cp) {
    String gc = UnicodeTable.CATEGORIES[UnicodeTable.category(cp)];
    boolean javaKnows = Character.getType(cp) != Character.UNASSIGNED;
    if (gc.equals("Cn")) return "Cn in 16.0";
    return javaKnows ? gc : gc + " (new in 14.0-16.0)";
  }

  private Path copy(String resource) throws IOException {
    Path file = tmp.resolve(resource.replace('/', '_'));
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IOException("test resource " + resource + " is missing");
      Files.copy(in, file);
    }
    return file;
  }

  /**
   * BGE's tokenizer.json with every character of planes 0-2 and 14 added to the vocabulary (alone
   * and with "##"), and with the rules under test:
   *
   * <ul>
   *   <li>bert-uncased: BertNormalizer as BERT uncased has it (clean text, CJK, strip accents,
   *       lowercase) and BertPreTokenizer;
   *   <li>bert-cased: BertNormalizer without lowercasing or accent stripping;
   *   <li>rules: normalizers StripAccents then Lowercase, pre-tokenizers WhitespaceSplit,
   *       Punctuation and Digits (individual), and added tokens "Hello" (single_word) and "world"
   *       (lstrip), whose matching looks at the character between them.
   * </ul>
   */
  private Path probe(String kind) throws IOException {
    ObjectNode root;
    try (InputStream in = getClass().getClassLoader()
        .getResourceAsStream("bge-small-en-v1.5-tokenizer.json")) {
      root = (ObjectNode) JSON.readTree(in);
    }
    ObjectNode vocab = (ObjectNode) root.get("model").get("vocab");
    int next = vocab.size();
    int[][] planes = {{0x21, 0x7E}, {0xA0, 0x2FFFF}, {0xE0000, 0xE0FFF}};
    for (int[] range : planes) {
      for (int cp = range[0]; cp <= range[1]; cp++) {
        if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) continue;
        String c = new String(Character.toChars(cp));
        if (!vocab.has(c)) vocab.put(c, next++);
        if (!vocab.has("##" + c)) vocab.put("##" + c, next++);
      }
    }
    ObjectNode normalizer = (ObjectNode) root.get("normalizer");
    switch (kind) {
      case "bert-uncased" -> {
        normalizer.put("lowercase", true);
        normalizer.put("strip_accents", true);
      }
      case "bert-cased" -> {
        normalizer.put("lowercase", false);
        normalizer.put("strip_accents", false);
      }
      case "rules" -> {
        root.set("normalizer", JSON.readTree("{\"type\": \"Sequence\", \"normalizers\": ["
            + "{\"type\": \"StripAccents\"}, {\"type\": \"Lowercase\"}]}"));
        root.set("pre_tokenizer", JSON.readTree("{\"type\": \"Sequence\", \"pretokenizers\": ["
            + "{\"type\": \"WhitespaceSplit\"},"
            + "{\"type\": \"Punctuation\", \"behavior\": \"Isolated\"},"
            + "{\"type\": \"Digits\", \"individual_digits\": true}]}"));
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        added.add(addedToken(next++, "Hello", true, false));
        // "world" is in the vocabulary already: HF gives an added token that is its model id.
        added.add(addedToken(vocab.get("world").asInt(), "world", false, true));
      }
      default -> throw new IllegalArgumentException(kind);
    }
    Path file = tmp.resolve("probe-" + kind + "-tokenizer.json");
    JSON.writeValue(file.toFile(), root);
    return file;
  }

  private static JsonNode addedToken(int id, String content, boolean singleWord, boolean lstrip) {
    ObjectNode t = JSON.createObjectNode();
    t.put("id", id);
    t.put("content", content);
    t.put("single_word", singleWord);
    t.put("lstrip", lstrip);
    t.put("rstrip", false);
    t.put("normalized", false);
    t.put("special", false);
    return t;
  }
}
