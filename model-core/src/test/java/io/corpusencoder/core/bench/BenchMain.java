package io.corpusencoder.core.bench;

import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelLoader;
import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.pool.Pooling;
import io.corpusencoder.core.testing.OnnxRuntimeReference;
import io.corpusencoder.core.testing.TestModels;
import io.corpusencoder.core.testing.TestTexts;
import io.corpusencoder.core.tokenize.Encoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * scripts/bench.sh: model-core against ONNX Runtime on the same texts, same model, same maximum
 * length and thread count, in one process, interleaved, median of several repetitions. Timings
 * cover the forward pass and pooling from token ids (both sides get the same ids); tokenization
 * is timed on its own.
 */
public final class BenchMain {
  private BenchMain() {}

  record Run(String label, int threads, double seconds, long realTokens, long computedTokens,
      double flops) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>(Map.of("--texts", "2000", "--models",
        "all-minilm-l6-v2,bge-small-en-v1.5", "--threads", "1,2", "--reps", "3",
        "--max-length", "256", "--batch", "32", "--corpus", "", "--write-jsonl", ""));
    opt.put("--ort-corpus-order", "yes");
    opt.put("--st-python", "");
    opt.put("--st-skip", "");
    opt.put("--long-tokens", "");
    opt.put("--long-engine", "model-core");
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!opt.containsKey(args[i])) throw new IllegalArgumentException("unknown option " + args[i]);
      opt.put(args[i], args[i + 1]);
    }
    int nTexts = Integer.parseInt(opt.get("--texts"));
    int reps = Integer.parseInt(opt.get("--reps"));
    int maxLength = Integer.parseInt(opt.get("--max-length"));
    int batch = Integer.parseInt(opt.get("--batch"));
    int[] threadCounts = Arrays.stream(opt.get("--threads").split(",")).mapToInt(Integer::parseInt).toArray();
    String corpus = opt.get("--corpus");
    List<String> texts;
    if (!corpus.isEmpty() && Files.isRegularFile(Paths.get(corpus))) {
      texts = DebianCorpus.read(Paths.get(corpus), nTexts, 2026);
      System.out.printf("corpus: %d Debian package descriptions from %s%n", texts.size(), corpus);
    } else {
      texts = TestTexts.generate(nTexts, 2026);
      System.out.printf("corpus: %d generated test texts (no Debian corpus given)%n", texts.size());
    }
    if (!opt.get("--write-jsonl").isEmpty()) {
      // For the Spark bench: the same texts as JSON lines.
      var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        lines.add(mapper.writeValueAsString(Map.of("id", "t" + i, "text", texts.get(i))));
      }
      Files.write(Paths.get(opt.get("--write-jsonl")), lines);
      System.out.println("wrote " + lines.size() + " texts to " + opt.get("--write-jsonl"));
      return;
    }
    if (!opt.get("--long-tokens").isEmpty()) {
      LongInputBench.run(opt.get("--models").split(",")[0], texts,
          Integer.parseInt(opt.get("--long-tokens")), opt.get("--long-engine"), threadCounts[0], reps);
      return;
    }
    System.out.printf("BLAS: %s, SIMD: %s, OPENBLAS_NUM_THREADS=%s, cores=%d, max length %d, ORT batch %d, "
        + "%d repetitions (medians shown)%n", Blas.implementation(), io.corpusencoder.core.math.Ops.simd(),
        System.getenv("OPENBLAS_NUM_THREADS"), Runtime.getRuntime().availableProcessors(),
        maxLength, batch, reps);
    double sgemm = sgemmGflops();
    System.out.printf("sgemm (1 thread, 1024x384x1536): %.1f GFLOP/s%n%n", sgemm);

    for (String spec : opt.get("--models").split(",")) {
      // A catalog name, or a model directory (shown by its folder's name).
      String name = Files.isDirectory(Paths.get(spec)) ? Paths.get(spec).getFileName().toString() : spec;
      EmbeddingModel model = ModelLoader.load(spec).withMaxLength(maxLength);
      long t0 = System.nanoTime();
      List<Encoding> enc = new ArrayList<>();
      for (String t : texts) enc.add(model.tokenize(t));
      double tokSeconds = (System.nanoTime() - t0) / 1e9;
      long real = enc.stream().mapToLong(Encoding::length).sum();
      System.out.printf("== %s: %d texts, %d real tokens (mean %.1f), tokenization %.0f texts/s%n",
          name, enc.size(), real, (double) real / enc.size(), enc.size() / tokSeconds);
      byte[] onnx = onnxBytes(spec);
      if (onnx == null) {
        System.out.printf("%s onnxruntime: n/a (no model.onnx or onnx/model.onnx in %s)%n", name, spec);
      }
      Run oursOneThread = null;
      for (int threads : threadCounts) {
        if (onnx == null) {
          Run ours = timeOurs(model, enc, threads, reps, real);
          print(name, ours, enc.size(), sgemm);
          if (threads == 1) oursOneThread = ours;
          continue;
        }
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
        try (OnnxRuntimeReference ort = new OnnxRuntimeReference(onnx, threads)) {
          model.embedEncodings(enc.subList(0, Math.min(64, enc.size())), false, false, pool);
          ortRun(ort, enc.subList(0, Math.min(64, enc.size())), batch, false, model); // warm-up
          Map<String, List<Run>> runs = new LinkedHashMap<>();
          for (int r = 0; r < reps; r++) {
            if (opt.get("--ort-corpus-order").equals("yes")) {
              runs.computeIfAbsent("onnxruntime corpus order", k -> new ArrayList<>())
                  .add(timeOrt("onnxruntime corpus order", ort, enc, batch, false, threads, model));
            }
            runs.computeIfAbsent("onnxruntime length-sorted", k -> new ArrayList<>())
                .add(timeOrt("onnxruntime length-sorted", ort, enc, batch, true, threads, model));
            long s = System.nanoTime();
            model.embedEncodings(enc, false, false, pool);
            double sec = (System.nanoTime() - s) / 1e9;
            runs.computeIfAbsent("model-core", k -> new ArrayList<>())
                .add(new Run("model-core", threads, sec, real, real, flops(model, enc)));
          }
          Map<String, Run> med = new LinkedHashMap<>();
          runs.forEach((k, v) -> med.put(k, median(v)));
          for (Run run : med.values()) print(name, run, enc.size(), sgemm);
          Run ours = med.get("model-core");
          if (threads == 1) oursOneThread = ours;
          Run corpusOrder = med.get("onnxruntime corpus order");
          System.out.printf(Locale.ROOT, "%s threads=%d ratio model-core / onnxruntime: "
              + "%.2fx length-sorted%s%n", name, threads,
              med.get("onnxruntime length-sorted").seconds() / ours.seconds(),
              corpusOrder == null ? "" : String.format(Locale.ROOT, ", %.2fx corpus order",
                  corpusOrder.seconds() / ours.seconds()));
        } finally {
          if (pool != null) pool.shutdownNow();
        }
      }
      SentenceTransformersAnchor.compare(name, spec, texts, real, maxLength, reps,
          opt.get("--st-python"), opt.get("--st-skip"), oursOneThread);
      System.out.println();
    }
  }

  /** Ours alone (no ONNX export to compare with): median of {@code reps}. */
  private static Run timeOurs(EmbeddingModel model, List<Encoding> enc, int threads, int reps,
      long real) {
    ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
    try {
      model.embedEncodings(enc.subList(0, Math.min(64, enc.size())), false, false, pool);
      List<Run> runs = new ArrayList<>();
      for (int r = 0; r < reps; r++) {
        long s = System.nanoTime();
        model.embedEncodings(enc, false, false, pool);
        runs.add(new Run("model-core", threads, (System.nanoTime() - s) / 1e9, real, real,
            flops(model, enc)));
      }
      return median(runs);
    } finally {
      if (pool != null) pool.shutdownNow();
    }
  }

  /**
   * The ONNX export of a catalog model (test resources), or of a model directory (its model.onnx
   * or onnx/model.onnx, as scripts/setup.sh and make_bench_models.py write them); null if none.
   */
  static byte[] onnxBytes(String name) throws java.io.IOException {
    Path dir = Paths.get(name);
    if (!Files.isDirectory(dir)) return TestModels.onnxBytes(name);
    for (Path p : List.of(dir.resolve("model.onnx"), dir.resolve("onnx/model.onnx"))) {
      if (Files.isRegularFile(p)) return Files.readAllBytes(p);
    }
    return null;
  }

  static void print(String model, Run r, int texts, double sgemm) {
    double pad = 1.0 - (double) r.realTokens() / r.computedTokens();
    double gflops = r.flops() / r.seconds() / 1e9;
    System.out.printf(Locale.ROOT, "%s threads=%d %-26s %8.1f texts/s %9.0f real tokens/s  "
            + "padding %4.1f%%  %5.1f GFLOP/s = %4.1f%% of %d-thread sgemm bound%n",
        model, r.threads(), r.label(), texts / r.seconds(), r.realTokens() / r.seconds(),
        100 * pad, gflops, 100 * gflops / (sgemm * r.threads()), r.threads());
  }

  static Run median(List<Run> runs) {
    List<Run> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble(Run::seconds));
    return sorted.get(sorted.size() / 2);
  }

  private static Run timeOrt(String label, OnnxRuntimeReference ort, List<Encoding> enc,
      int batch, boolean sorted, int threads, EmbeddingModel model) throws Exception {
    long s = System.nanoTime();
    long[] computed = ortRun(ort, enc, batch, sorted, model);
    double sec = (System.nanoTime() - s) / 1e9;
    long real = enc.stream().mapToLong(Encoding::length).sum();
    return new Run(label, threads, sec, real, computed[0], Double.longBitsToDouble(computed[1]));
  }

  /** Runs ORT over padded batches; returns {computed tokens, bits of useful FLOPs}. */
  private static long[] ortRun(OnnxRuntimeReference ort, List<Encoding> enc, int batch,
      boolean sorted, EmbeddingModel model) throws Exception {
    Integer[] order = new Integer[enc.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    if (sorted) Arrays.sort(order, Comparator.comparingInt(i -> enc.get(i).length()));
    long computed = 0;
    for (int from = 0; from < order.length; from += batch) {
      int to = Math.min(order.length, from + batch);
      int maxLen = 0;
      for (int k = from; k < to; k++) maxLen = Math.max(maxLen, enc.get(order[k]).length());
      long[][] ids = new long[to - from][maxLen];
      long[][] mask = new long[to - from][maxLen];
      long[][] types = new long[to - from][maxLen];
      for (int k = from; k < to; k++) {
        Encoding e = enc.get(order[k]);
        for (int t = 0; t < e.length(); t++) {
          ids[k - from][t] = e.ids()[t];
          mask[k - from][t] = 1;
        }
      }
      float[][][] h = ort.lastHiddenState(ids, mask, types);
      // Pool as the model does, so both sides do the same work.
      for (int k = from; k < to; k++) {
        float[] v = new float[h[0][0].length];
        int len = enc.get(order[k]).length();
        for (int t = 0; t < len; t++) for (int c = 0; c < v.length; c++) v[c] += h[k - from][t][c];
      }
      computed += (long) (to - from) * maxLen;
    }
    return new long[] {computed, Double.doubleToLongBits(flops(model, enc))};
  }

  /**
   * FLOPs of the encoder's matrix products on these texts, 2 per multiply-add, as
   * {@link io.corpusencoder.core.model.Encoder#multiplyAdds} counts them from the loaded layers:
   * per token-layer the Q, K, V and output projections (4·d², fused or not), the feed-forward
   * (2·d·ff plain, 3·d·ff gated: d -> 2·ff, ff -> d), and attention's QKᵀ and P·V over the keys
   * each query block reads (every key, or a local layer's band only), with [CLS] pooling
   * post-LayerNorm encoders' last layer on the first token only, as model-core runs it. No
   * padding, embeddings, norms, activations or softmax. The ONNX Runtime lines get the same
   * count, so both GFLOP/s figures are the same work over each engine's time.
   */
  static double flops(EmbeddingModel model, List<Encoding> enc) {
    boolean clsOnly = model.pooling() == Pooling.CLS; // as EmbeddingModel runs without token vectors
    double total = 0;
    for (Encoding e : enc) total += 2.0 * model.encoder().multiplyAdds(e.length(), clsOnly);
    return total;
  }

  private static double sgemmGflops() {
    int m = 1024, k = 384, n = 1536;
    float[] a = new float[m * k], b = new float[n * k], c = new float[m * n];
    for (int i = 0; i < a.length; i++) a[i] = (i % 7) * 0.1f;
    for (int i = 0; i < b.length; i++) b[i] = (i % 5) * 0.1f;
    for (int w = 0; w < 5; w++) Blas.gemmNT(m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
    double best = 0;
    for (int r = 0; r < 5; r++) {
      long s = System.nanoTime();
      int iters = 10;
      for (int i = 0; i < iters; i++) Blas.gemmNT(m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
      double sec = (System.nanoTime() - s) / 1e9;
      best = Math.max(best, 2.0 * m * n * k * iters / sec / 1e9);
    }
    return best;
  }
}
