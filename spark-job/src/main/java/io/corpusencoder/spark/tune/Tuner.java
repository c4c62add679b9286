package io.corpusencoder.spark.tune;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.batch.Chunk;
import io.corpusencoder.core.batch.Chunker;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.EncodeSettings;
import io.corpusencoder.core.embed.ModelLoader;
import io.corpusencoder.core.tokenize.Encoding;
import io.corpusencoder.spark.job.CorpusReader;
import io.corpusencoder.spark.job.EncodeJob;
import io.corpusencoder.spark.job.JobOptions;
import io.corpusencoder.spark.job.JobReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The measurements behind scripts/tune.sh, all real encoding runs on this machine: a sample of
 * the corpus and its token lengths; model-core sweeps of the batch token budget and the chunk
 * length; task slots against BLAS threads (child JVMs, since OpenBLAS reads its thread count at
 * start); the Spark job on local[C] over partition counts; the defaults against the
 * recommendation. Everything lands in one JSON-friendly map (tune.json).
 */
public final class Tuner {
  /** Longest a child measurement JVM may take (they take seconds to a minute or two). */
  static final java.time.Duration MEASUREMENT_LIMIT = java.time.Duration.ofMinutes(20);
  /** Longest the cold job over the sample may take. */
  static final java.time.Duration COLD_JOB_LIMIT = java.time.Duration.ofMinutes(60);

  static final ObjectMapper JSON = new ObjectMapper();
  static final int[] BATCH_TOKENS = {1024, 2048, 4096, 8192};
  static final int[] MAX_LENGTHS = {128, 256, 512};

  private final SparkSession spark;
  private final JobOptions input;
  private final String modelName;
  private final Path dir;
  private final int cores;
  private final int sample;
  private final int holdoutSize;
  private final boolean withCluster;
  private final PrintLog log;

  interface PrintLog {
    void line(String s);
  }

  Tuner(SparkSession spark, JobOptions input, String modelName, Path dir, int cores, int sample,
      int holdoutSize, boolean withCluster, PrintLog log) {
    this.spark = spark;
    this.input = input;
    this.modelName = modelName;
    this.dir = dir;
    this.cores = cores;
    this.sample = sample;
    this.holdoutSize = holdoutSize;
    this.withCluster = withCluster;
    this.log = log;
  }

  Map<String, Object> run() throws Exception {
    long start = System.nanoTime();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("model", modelName);
    r.put("input", input.get("input"));
    r.put("cores", cores);
    EmbeddingModel model = ModelLoader.load(modelName);

    // 1. The corpus: document count, a sample to measure on and a disjoint one to check with.
    Dataset<Row> records = CorpusReader.read(spark, input)
        .filter(col(CorpusReader.BAD).isNull()).select(col(CorpusReader.ID), col(CorpusReader.TEXT));
    long docs = records.count();
    double fraction = Math.min(1.0, 1.2 * (sample + holdoutSize) / Math.max(1, docs));
    List<Row> picked = new ArrayList<>(records.sample(false, fraction, 42).collectAsList());
    java.util.Collections.shuffle(picked, new java.util.Random(42));
    int n = (int) Math.min(sample, (long) picked.size() * sample / (sample + holdoutSize));
    List<Row> fit = picked.subList(0, n);
    List<Row> holdout = picked.subList(n, Math.min(picked.size(), n + holdoutSize));
    writeJsonl(dir.resolve("sample.jsonl"), fit);
    writeJsonl(dir.resolve("holdout.jsonl"), holdout);
    r.put("corpus_docs", docs);
    r.put("sample_docs", fit.size());
    r.put("holdout_docs", holdout.size());
    log.line("corpus: " + docs + " documents; measuring on a sample of " + fit.size()
        + " (and " + holdout.size() + " held out for --check)");

    // 2. Token lengths (whole documents) and tokens per document once chunked.
    List<String> texts = fit.stream().map(row -> row.isNullAt(1) ? "" : row.getString(1)).toList();
    Chunker chunker = new Chunker(model.tokenizer(), model.maxLength(), 0, false);
    int[] docTokens = new int[texts.size()];
    long chunkTokens = 0;
    List<Encoding> encodings = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      for (Chunk c : chunker.chunk(texts.get(i))) {
        docTokens[i] += c.encoding().length();
        chunkTokens += c.encoding().length();
        encodings.add(c.encoding());
      }
    }
    r.put("tokens_per_doc", (double) chunkTokens / Math.max(1, texts.size()));
    r.put("length_histogram", histogram(docTokens));
    r.put("length_percentiles", percentiles(docTokens));
    log.line(String.format("tokens per document: mean %.1f, percentiles %s",
        (double) chunkTokens / Math.max(1, texts.size()), percentiles(docTokens)));

    // 3. model-core, one thread: batch token budget, then chunk length.
    List<Encoding> subset = encodings.subList(0, Math.min(encodings.size(), 400));
    rate(model, subset, EncodeSettings.DEFAULTS.batchTokens()); // warm-up: JIT, workspaces
    List<Map<String, Object>> budget = new ArrayList<>();
    for (int b : BATCH_TOKENS) {
      double tps = Math.max(rate(model, subset, b), rate(model, subset, b));
      budget.add(Map.of("batch_tokens", b, "tokens_per_s", Math.round(tps)));
      log.line("batch-tokens " + b + ": " + Math.round(tps) + " tokens/s (1 thread)");
    }
    r.put("sweep_batch_tokens", budget);
    int bestBudget = (Integer) budget.stream().max((a, b) -> Long.compare(
        (Long) a.get("tokens_per_s"), (Long) b.get("tokens_per_s"))).get().get("batch_tokens");
    List<Map<String, Object>> lengths = new ArrayList<>();
    for (int len : MAX_LENGTHS) {
      if (len > model.encoder().config().maxLength()) continue;
      Chunker c = new Chunker(model.tokenizer(), len, 0, false);
      List<Encoding> enc = new ArrayList<>();
      long docChunks = 0;
      for (String t : texts.subList(0, Math.min(texts.size(), 300))) {
        for (Chunk ch : c.chunk(t)) {
          enc.add(ch.encoding());
          docChunks++;
        }
      }
      double tps = rate(model.withMaxLength(len), enc, bestBudget);
      lengths.add(Map.of("max_length", len, "tokens_per_s", Math.round(tps),
          "chunks_per_doc", (double) docChunks / Math.min(texts.size(), 300)));
      log.line("max-length " + len + ": " + Math.round(tps) + " tokens/s (1 thread)");
    }
    r.put("sweep_max_length", lengths);

    // 4. Task slots against BLAS threads, each in a JVM of its own (OPENBLAS_NUM_THREADS).
    Path subsetFile = dir.resolve("sample.jsonl");
    List<Map<String, Object>> split = new ArrayList<>();
    double oneSlot = 0;
    double allSlots = 0;
    double[] coldSlots = null;
    for (int[] sb : new int[][] {{1, 1}, {cores, 1}, {1, cores}}) {
      if (cores == 1 && (sb[0] != 1 || sb[1] != 1)) continue;
      if (split.stream().anyMatch(m -> m.get("slots").equals(sb[0])
          && m.get("blas_threads").equals(sb[1]))) {
        continue;
      }
      double[] w = worker(subsetFile, sb[0], sb[1], bestBudget);
      double tps = w[0];
      split.add(Map.of("slots", sb[0], "blas_threads", sb[1], "tokens_per_s", Math.round(tps)));
      if (sb[0] == 1 && sb[1] == 1) oneSlot = tps;
      if (sb[0] == cores && sb[1] == 1) {
        allSlots = tps;
        coldSlots = w;
      }
      log.line(sb[0] + " task slot(s) x " + sb[1] + " BLAS thread(s): " + Math.round(tps)
          + " tokens/s");
    }
    if (cores == 1) allSlots = oneSlot;
    if (coldSlots == null) coldSlots = worker(subsetFile, 1, 1, bestBudget);
    r.put("sweep_slots_vs_blas_threads", split);

    // 5. The Spark job on local[cores]: partitions per task slot.
    List<Map<String, Object>> parts = new ArrayList<>();
    for (int k : new int[] {1, 2, 4}) {
      Map<String, Object> rep = job("partitions-" + k * cores, "--partitions",
          String.valueOf(k * cores), "--batch-tokens", String.valueOf(bestBudget));
      parts.add(jobPoint(rep, "partitions", k * cores));
      log.line("job, --partitions " + k * cores + ": " + parts.get(parts.size() - 1)
          .get("tokens_per_s") + " tokens/s end to end");
    }
    r.put("sweep_partitions", parts);
    Map<String, Object> bestParts = parts.stream().max((a, b) -> Double.compare(
        (Double) a.get("tokens_per_s"), (Double) b.get("tokens_per_s"))).get();

    // 6. The recommendation, and the defaults against it, alternated.
    Map<String, String> rec = new LinkedHashMap<>();
    rec.put("batch-tokens", String.valueOf(bestBudget));
    int bestP = (Integer) bestParts.get("partitions");
    rec.put("partitions", bestP == cores ? "0" : String.valueOf(bestP));
    r.put("recommended", rec);
    Path recFile = TuneReport.writeRecommended(dir, rec, r);
    List<Double> defaults = new ArrayList<>();
    List<Double> recommended = new ArrayList<>();
    Map<String, Object> lastRecommended = null;
    for (int rep = 0; rep < 2; rep++) {
      defaults.add((Double) job("defaults-" + rep).get("tokens_per_s"));
      lastRecommended = job("recommended-" + rep, "--conf", recFile.toString());
      recommended.add((Double) lastRecommended.get("tokens_per_s"));
    }
    double defaultTps = defaults.stream().mapToDouble(d -> d).average().orElse(0);
    double recTps = recommended.stream().mapToDouble(d -> d).average().orElse(0);
    if (recTps < defaultTps) {
      // Head to head the defaults won: recommend them rather than a setting that only looked
      // faster in its sweep.
      rec.put("batch-tokens", String.valueOf(EncodeSettings.DEFAULTS.batchTokens()));
      rec.put("partitions", "0");
      r.put("recommended_note", "the sweeps' best was slower than the defaults head to head "
          + "(" + Math.round(recTps) + " against " + Math.round(defaultTps) + " tokens/s): "
          + "the defaults are recommended");
      recFile = TuneReport.writeRecommended(dir, rec, r);
      log.line((String) r.get("recommended_note"));
      recTps = defaultTps;
    }
    r.put("defaults_tokens_per_s", Math.round(defaultTps));
    r.put("recommended_tokens_per_s", Math.round(recTps));
    r.put("defaults_runs", defaults);
    r.put("recommended_runs", recommended);
    log.line(String.format("defaults %.0f tokens/s, recommended %.0f tokens/s (local[%d], mean "
        + "of 2 alternated runs each)", defaultTps, recTps, cores));
    r.put("stage_breakdown", stageBreakdown(lastRecommended));

    // 7. The cost model: steady-state rates from the recommended runs (warm), the start-up a
    // fresh job pays from a cold run in a JVM of its own, and what a fresh executor JVM adds
    // (JVM start and model load, JIT warm-up) from the cold worker JVMs above.
    long realTokens = ((Number) lastRecommended.get("real_tokens")).longValue();
    double busy = 0;
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> tasks = (List<Map<String, Object>>) lastRecommended.get("tasks");
    for (Map<String, Object> t : tasks) busy += ((Number) t.get("task_s")).doubleValue();
    double taskRate = realTokens / Math.max(busy, 1e-9);
    // One task alone runs faster than with every core busy, by the ratio the slot sweep measured.
    double aloneRate = cores > 1 && allSlots > 0 ? taskRate * oneSlot / (allSlots / cores) : taskRate;
    Map<String, Object> cold = coldJob(recFile);
    double coldWall = ((Number) cold.get("wall_s")).doubleValue();
    double startUp = Math.max(0, coldWall - realTokens / (cores * taskRate));
    log.line(String.format("cold job on local[%d]: %.1f s, of which %.1f s start-up", cores,
        coldWall, startUp));
    double executorStart;
    if (withCluster) {
      // The same job on the loopback cluster (2 executors x 1 core): what executors add.
      Map<String, Object> onCluster = TuneMain.onLoopbackCluster(dir, "calibrate-cluster",
          dir.resolve("sample.jsonl").toString(), recFile.toString());
      double clusterWall = ((Number) onCluster.get("wall_s")).doubleValue();
      executorStart = Math.max(0, clusterWall - startUp - realTokens / (2 * taskRate));
      r.put("cluster_calibration_wall_s", clusterWall);
      log.line(String.format("the same job on the loopback cluster: %.1f s; executors add "
          + "%.1f s (launch, model fetch, JIT warm-up, remote scheduling)", clusterWall,
          executorStart));
    } else {
      executorStart = coldSlots[1] + coldSlots[2];
      log.line(String.format("a fresh executor JVM adds about %.1f s (start and model %.1f s, "
          + "JIT warm-up %.1f s; no cluster run, --skip-cluster)", executorStart, coldSlots[1],
          coldSlots[2]));
    }
    long modelBytes = JobReport.serializedSize(model);
    var cfg = model.encoder().config();
    long activations = 4L * EncodeSettings.DEFAULTS.batchTokens() * (6L * cfg.hiddenSize() + cfg.intermediateSize());
    CostModel cm = new CostModel(realTokens / (double) Math.max(1, fit.size()), taskRate,
        aloneRate, startUp, executorStart, modelBytes, activations);
    r.put("cost_model", cm.asMap());
    r.put("tune_seconds", Math.round((System.nanoTime() - start) / 1e9));
    return r;
  }

  /** Real tokens per second embedding {@code enc} on this thread in batches of {@code budget}. */
  static double rate(EmbeddingModel m, List<Encoding> enc, int budget) {
    long tokens = 0;
    for (Encoding e : enc) tokens += e.length();
    long t0 = System.nanoTime();
    m.embedEncodings(enc, false, false, null, budget, Integer.MAX_VALUE);
    return tokens / ((System.nanoTime() - t0) / 1e9);
  }

  /** The job over the sample in a fresh JVM on local[cores], as a user's first run. */
  private Map<String, Object> coldJob(Path conf) throws Exception {
    Path out = dir.resolve("runs").resolve("cold");
    List<String> cmd = javaCommand("-Xmx3g");
    cmd.addAll(List.of("-Dspark.ui.showConsoleProgress=false", "-Dspark.driver.host=127.0.0.1",
        "-cp", System.getProperty("java.class.path"), EncodeJob.class.getName(), "--master",
        "local[" + cores + "]", "--conf", conf.toString(), "--input",
        dir.resolve("sample.jsonl").toString(), "--output", out.toString(), "--save-mode",
        "overwrite"));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    ChildProcess.run(pb, dir.resolve("cold-job.log"), COLD_JOB_LIMIT, "the cold job");
    return JSON.readValue(out.resolve("_report.json").toFile(),
        new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() {});
  }

  /** "java HEAP" plus this JVM's module and Spark flags: the start of a child JVM's command. */
  public static List<String> javaCommand(String heap) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(heap);
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-") || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
        cmd.add(a);
      }
    }
    return cmd;
  }

  /**
   * One slots × BLAS threads point, measured by a child JVM (see {@link TuneMain}'s --worker):
   * {tokens/s, seconds from JVM start to model loaded, JIT warm-up seconds}.
   */
  private double[] worker(Path texts, int slots, int blasThreads, int budget) throws Exception {
    List<String> cmd = javaCommand("-Xmx3g");
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TuneMain.class.getName(),
        "--worker", "--model", modelName, "--texts", texts.toString(), "--slots",
        String.valueOf(slots), "--batch-tokens", String.valueOf(budget)));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("OPENBLAS_NUM_THREADS", String.valueOf(blasThreads));
    String what = "the " + slots + "x" + blasThreads + " measurement";
    Path log = dir.resolve("worker-" + slots + "x" + blasThreads + ".log");
    String out = ChildProcess.run(pb, log, MEASUREMENT_LIMIT, what);
    String result = null;
    for (String l : out.split("\n")) if (l.startsWith("worker ")) result = l.substring(7).trim();
    if (result == null) {
      throw new IllegalStateException(what + " printed no result line; see " + log);
    }
    return Arrays.stream(result.split(" ")).mapToDouble(Double::parseDouble).toArray();
  }

  /** The measurement a worker JVM makes: {@code slots} threads sharing the texts' batches. */
  static double[] workerRate(EmbeddingModel m, List<String> texts, int slots, int budget)
      throws Exception {
    List<Encoding> enc = new ArrayList<>();
    for (String t : texts) enc.add(m.tokenize(t));
    List<Encoding> warm = enc.subList(0, Math.min(enc.size(), 100));
    ExecutorService pool = Executors.newFixedThreadPool(slots);
    try {
      // Each slot runs its own share, as task slots run their own partitions.
      List<List<Encoding>> shares = new ArrayList<>();
      for (int s = 0; s < slots; s++) shares.add(new ArrayList<>());
      for (int i = 0; i < enc.size(); i++) shares.get(i % slots).add(enc.get(i));
      // The same warm-up batch twice: the difference is what a fresh JVM pays to JIT-compile.
      double[] pass = new double[2];
      List<Future<?>> f = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        long w0 = System.nanoTime();
        f.clear();
        for (int s = 0; s < slots; s++) {
          f.add(pool.submit(() -> m.embedEncodings(warm, false, false, null, budget,
              Integer.MAX_VALUE)));
        }
        for (Future<?> x : f) x.get();
        pass[k] = (System.nanoTime() - w0) / 1e9;
      }
      long tokens = 0;
      for (Encoding e : enc) tokens += e.length();
      long t0 = System.nanoTime();
      f.clear();
      for (List<Encoding> share : shares) {
        f.add(pool.submit(() -> m.embedEncodings(share, false, false, null, budget,
            Integer.MAX_VALUE)));
      }
      for (Future<?> x : f) x.get();
      return new double[] {tokens / ((System.nanoTime() - t0) / 1e9), Math.max(0, pass[0] - pass[1])};
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs the real job on this session over the sample; returns its report. */
  private Map<String, Object> job(String name, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--input", dir.resolve("sample.jsonl").toString(),
        "--output", dir.resolve("runs").resolve(name).toString(), "--save-mode", "overwrite",
        "--model", modelName));
    args.addAll(Arrays.asList(extra));
    return runJob(spark, args);
  }

  static Map<String, Object> runJob(SparkSession spark, List<String> args) throws IOException {
    PrintStreamSilencer quiet = new PrintStreamSilencer();
    try {
      JobOptions o = JobOptions.parse(args.toArray(String[]::new), Map.of());
      return EncodeJob.run(spark, o, EncodeJob.prepare(o)).fields;
    } finally {
      quiet.restore();
    }
  }

  private static Map<String, Object> jobPoint(Map<String, Object> rep, String key, int value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(key, value);
    m.put("tokens_per_s", ((Number) rep.get("tokens_per_s")).doubleValue());
    m.put("wall_s", ((Number) rep.get("wall_s")).doubleValue());
    m.put("skew", rep.get("skew"));
    return m;
  }

  /** Task time split over read+tokenize, encode and write, summed over a job's tasks. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> stageBreakdown(Map<String, Object> rep) {
    double read = 0, encode = 0, write = 0;
    for (Map<String, Object> t : (List<Map<String, Object>>) rep.get("tasks")) {
      read += ((Number) t.get("read_tokenize_s")).doubleValue();
      encode += ((Number) t.get("encode_s")).doubleValue();
      write += ((Number) t.get("write_s")).doubleValue();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> stages = (Map<String, Object>) rep.get("stages");
    m.put("model_load_s", stages.get("model_load_s"));
    m.put("read_and_check_s", stages.get("read_and_check_s"));
    m.put("tasks_read_tokenize_s", Math.round(read * 1000) / 1000.0);
    m.put("tasks_encode_s", Math.round(encode * 1000) / 1000.0);
    m.put("tasks_write_s", Math.round(write * 1000) / 1000.0);
    return m;
  }

  static Map<String, Object> histogram(int[] tokens) {
    int[] edges = {0, 16, 32, 64, 128, 256, 512, 1024, 2048, Integer.MAX_VALUE};
    List<String> labels = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    for (int i = 0; i + 1 < edges.length; i++) {
      int lo = edges[i];
      int hi = edges[i + 1];
      labels.add(hi == Integer.MAX_VALUE ? lo + "+" : lo + "-" + (hi - 1));
      counts.add((int) Arrays.stream(tokens).filter(t -> t >= lo && t < hi).count());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bins", labels);
    m.put("documents", counts);
    return m;
  }

  static Map<String, Integer> percentiles(int[] tokens) {
    int[] s = tokens.clone();
    Arrays.sort(s);
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int p : new int[] {50, 90, 99}) {
      m.put("p" + p, s.length == 0 ? 0 : s[Math.min(s.length - 1, (int) (s.length * p / 100.0))]);
    }
    m.put("max", s.length == 0 ? 0 : s[s.length - 1]);
    return m;
  }

  private static void writeJsonl(Path p, List<Row> rows) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Row row : rows) {
      lines.add(JSON.createObjectNode().put("id", row.getString(0))
          .put("text", row.isNullAt(1) ? "" : row.getString(1)).toString());
    }
    Files.createDirectories(p.getParent());
    Files.write(p, lines);
  }

  /** Keeps the job's console lines out of the tuning log. */
  static final class PrintStreamSilencer {
    private final java.io.PrintStream out = System.out;

    PrintStreamSilencer() {
      System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    void restore() {
      System.setOut(out);
    }
  }
}
