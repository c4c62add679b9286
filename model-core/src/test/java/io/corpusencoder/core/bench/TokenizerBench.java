package io.corpusencoder.core.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.corpusencoder.core.tokenize.Tokenizer;
import io.corpusencoder.core.tokenize.TokenizerReader;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * scripts/bench.sh --tokenizers: our tokenizers against Hugging Face tokenizers (the Rust library
 * through DJL's JNI binding, in this process) on the same multilingual texts and the same
 * tokenizer.json, one thread each, interleaved, medians of several repetitions. Both produce
 * ids, type ids, masks and spans for every text, truncated at the same maximum length.
 */
public final class TokenizerBench {
  private TokenizerBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>(Map.of("--reps", "5", "--max-length", "512",
        "--tokenizers", "e5-small-v2-tokenizer.json,tokenize/unigram-xlmr-tokenizer.json,"
            + "tokenize/bpe-bytelevel-tokenizer.json,tokenize/bpe-split-regex-tokenizer.json",
        "--extra", ""));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!opt.containsKey(args[i])) throw new IllegalArgumentException("unknown option " + args[i]);
      opt.put(args[i], args[i + 1]);
    }
    int reps = Integer.parseInt(opt.get("--reps"));
    int maxLength = Integer.parseInt(opt.get("--max-length"));
    List<String> texts = multilingualTexts();
    long chars = texts.stream().mapToLong(String::length).sum();
    System.out.printf("corpus: %d multilingual texts (%d UTF-16 units), max length %d, 1 thread, "
        + "%d repetitions (medians shown)%n", texts.size(), chars, maxLength, reps);
    Path tmp = Files.createTempDirectory("tokbench");
    List<Path> files = new ArrayList<>();
    for (String r : opt.get("--tokenizers").split(",")) {
      Path f = tmp.resolve(r.replace('/', '_'));
      try (InputStream in = TokenizerBench.class.getClassLoader().getResourceAsStream(r)) {
        if (in == null) throw new IllegalArgumentException("no test resource " + r);
        Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
      }
      files.add(f);
    }
    for (String extra : opt.get("--extra").split(",")) {
      if (!extra.isBlank()) files.add(Path.of(extra));
    }
    for (Path f : files) {
      Tokenizer ours = TokenizerReader.readTokenizerJson(f);
      try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(f)
          .optPadding(false).optTruncation(true).optMaxLength(maxLength).build()) {
        double[] oursS = new double[reps];
        double[] hfS = new double[reps];
        long tokens = 0;
        for (int r = -1; r < reps; r++) { // r = -1 warms both up
          long t0 = System.nanoTime();
          long n = 0;
          for (String t : texts) n += ours.encode(t, maxLength).length();
          long t1 = System.nanoTime();
          long m = 0;
          for (String t : texts) m += hf.encode(t).getIds().length;
          long t2 = System.nanoTime();
          if (n != m) throw new IllegalStateException(f + ": token counts differ: " + n + " " + m);
          tokens = n;
          if (r >= 0) {
            oursS[r] = (t1 - t0) / 1e9;
            hfS[r] = (t2 - t1) / 1e9;
          }
        }
        double o = median(oursS);
        double h = median(hfS);
        String name = f.getFileName().toString().replace("tokenize_", "");
        String type = ours.model().getClass().getSimpleName();
        System.out.printf("%-40s %-18s ours %8.0f texts/s %9.0f tokens/s | HF (DJL) %8.0f texts/s"
            + " %9.0f tokens/s | ratio %.2fx%n", name, type, texts.size() / o, tokens / o,
            texts.size() / h, tokens / h, h / o);
      }
    }
  }

  private static List<String> multilingualTexts() throws Exception {
    List<String> out = new ArrayList<>();
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    try (InputStream raw = TokenizerBench.class.getClassLoader()
        .getResourceAsStream("tokenize/multilingual-texts.jsonl.gz");
        BufferedReader r = new BufferedReader(
            new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) out.add(json.readTree(line).path("text").asText());
      }
    }
    return out;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
