package io.corpusencoder.spark.tune;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.cli.CommandLine;
import io.corpusencoder.core.cli.OptionSpec;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.EncodeSettings;
import io.corpusencoder.core.embed.ModelLoader;
import io.corpusencoder.spark.job.EncodeJob;
import io.corpusencoder.spark.job.JobOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * scripts/tune.sh: measure and recommend (default), --predict from the measurements, --check the
 * predictions against real runs (local[1], local[2], the loopback cluster). See README, Tuning.
 */
public final class TuneMain {
  /** Longest a script the validation runs (cluster start/stop, a submitted job) may take. */
  static final java.time.Duration SCRIPT_LIMIT = java.time.Duration.ofMinutes(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every option of scripts/tune.sh (the job's input options as the job declares them). */
  static final CommandLine COMMAND_LINE = new CommandLine(List.of(
      OptionSpec.text("input", "", "the corpus, as the job's --input (measure)"),
      JobOptions.spec("input-format"), JobOptions.spec("text-unit"),
      JobOptions.spec("text-column"), JobOptions.spec("id-column"),
      OptionSpec.text("model", "all-minilm-l6-v2", "the model to measure (measure; --worker)"),
      OptionSpec.text("output", "", "folder for index.html, recommended.properties, tune.json "
          + "(measure)"),
      OptionSpec.positiveInt("cores", "", "task slots (default: this machine's cores to measure, "
          + "1 to --predict)"),
      OptionSpec.positiveInt("sample", "1000", "documents to measure on"),
      OptionSpec.positiveInt("holdout", "2000", "documents held out for --check"),
      OptionSpec.bool("skip-cluster", "false", "leave out the loopback cluster (measure, "
          + "--check)"),
      OptionSpec.bool("predict", "false", "predict wall time, core-hours and executor memory "
          + "from --tuned DIR"),
      OptionSpec.bool("check", "false", "real runs on the held-out documents next to their "
          + "predictions, from --tuned DIR"),
      OptionSpec.text("tuned", "", "a folder an earlier measurement wrote (--predict, --check)"),
      OptionSpec.positiveInt("executors", "1", "executors (--predict)"),
      OptionSpec.checked("docs", "", "documents (--predict; default: the corpus's)",
          OptionSpec::isPositiveLong, "a positive integer"),
      OptionSpec.bool("cluster", "true", "count what executors add (--predict)"),
      OptionSpec.bool("worker", "false", "internal: one measurement in a child JVM"),
      OptionSpec.text("texts", "", "internal (--worker): JSON lines to encode"),
      OptionSpec.positiveInt("slots", "1", "internal (--worker): task slots"),
      OptionSpec.positiveInt("batch-tokens",
          String.valueOf(EncodeSettings.DEFAULTS.batchTokens()),
          "internal (--worker): batch token budget")));

  static final String USAGE = "usage: scripts/tune.sh --input CORPUS --model NAME --output DIR "
      + "[options]\n       scripts/tune.sh --predict --tuned DIR --executors E --cores C "
      + "[--docs N]\n       scripts/tune.sh --check --tuned DIR [--skip-cluster]\n\n"
      + "Options are written --name value or --name=value; a true|false option given alone "
      + "means true.\n\n";

  private TuneMain() {}

  public static void main(String[] args) throws Exception {
    if (CommandLine.wantsHelp(args)) {
      System.out.print(COMMAND_LINE.help(USAGE));
      System.exit(0);
    }
    try {
      run(args);
    } catch (IllegalArgumentException e) {
      System.err.println("tune: " + e.getMessage());
      System.exit(2);
    }
    System.exit(0);
  }

  /** Every problem with the arguments, the input or the model is an IllegalArgumentException. */
  static void run(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    if (a.get("worker").equals("true")) {
      worker(a);
    } else if (a.get("predict").equals("true")) {
      predict(a);
    } else if (a.get("check").equals("true")) {
      check(a);
    } else {
      tune(a);
    }
  }

  /** Every declared option, its default or the value given; "" = none. */
  static Map<String, String> parse(String[] args) {
    return COMMAND_LINE.parse(args).values();
  }

  private static String need(Map<String, String> a, String k) {
    String v = a.get(k);
    if (v == null || v.isEmpty()) throw new IllegalArgumentException("--" + k + " is required");
    return v;
  }

  private static int intOpt(Map<String, String> a, String k, int dflt) {
    String v = a.get(k);
    return v.isEmpty() ? dflt : Integer.parseInt(v); // validated by the declaration
  }

  private static SparkSession session(int cores) {
    return SparkSession.builder().master("local[" + cores + "]").appName("corpus-encoder-tune")
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.executorEnv.OPENBLAS_NUM_THREADS", "1").getOrCreate();
  }

  private static void tune(Map<String, String> a) throws Exception {
    Path dir = Paths.get(need(a, "output"));
    String model = a.getOrDefault("model", "all-minilm-l6-v2");
    int cores = intOpt(a, "cores", Runtime.getRuntime().availableProcessors());
    int sample = intOpt(a, "sample", 1000);
    int holdout = intOpt(a, "holdout", 2000);
    List<String> inputArgs = new ArrayList<>(List.of("--input", need(a, "input"), "--output",
        dir.resolve("unused").toString()));
    for (String k : List.of("input-format", "text-column", "id-column", "text-unit")) {
      inputArgs.addAll(List.of("--" + k, a.get(k)));
    }
    JobOptions in = JobOptions.parse(inputArgs.toArray(String[]::new), Map.of());
    EncodeJob.requireInputs(in, new org.apache.hadoop.conf.Configuration());
    try {
      ModelLoader.load(model); // an unknown model fails here, before any measuring
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("--model " + model + ": " + e.getMessage(), e);
    }
    SparkSession spark = session(cores);
    spark.sparkContext().setLogLevel("WARN");
    try {
      Map<String, Object> r = new Tuner(spark, in, model, dir, cores, sample, holdout,
          !a.get("skip-cluster").equals("true"), line -> System.out.println("tune: " + line)).run();
      Files.writeString(dir.resolve("tune.json"),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
      Path html = TuneReport.write(dir, r);
      System.out.println("tune: report " + html);
      System.out.println("tune: recommended settings " + dir.resolve("recommended.properties")
          + " (scripts/encode.sh --conf " + dir.resolve("recommended.properties") + " ...)");
      System.out.println("tune: done in " + r.get("tune_seconds") + " s");
    } finally {
      spark.stop();
    }
  }

  private static Map<String, Object> load(Path dir) throws IOException {
    Path f = dir.resolve("tune.json");
    if (!Files.exists(f)) {
      throw new IllegalArgumentException("--tuned " + dir + " has no tune.json; run scripts/tune.sh "
          + "--input ... --output " + dir + " first");
    }
    return JSON.readValue(f.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
  }

  @SuppressWarnings("unchecked")
  private static void predict(Map<String, String> a) throws IOException {
    Path dir = Paths.get(need(a, "tuned"));
    Map<String, Object> r = load(dir);
    CostModel cm = CostModel.fromMap((Map<String, Object>) r.get("cost_model"));
    int e = intOpt(a, "executors", 1);
    int c = intOpt(a, "cores", 1);
    long docs = !a.get("docs").isEmpty() ? Long.parseLong(a.get("docs"))
        : ((Number) r.get("corpus_docs")).longValue();
    boolean cluster = a.get("cluster").equals("true");
    double wall = cm.wallSeconds(docs, e, c, cluster);
    System.out.println(describe(r, cm, docs, e, c, wall));
  }

  static String describe(Map<String, Object> r, CostModel cm, long docs, int e, int c,
      double wall) {
    return String.format(Locale.ROOT, "%s, %,d documents (%.0f tokens each, %,.0f in all) on %d "
            + "executor(s) x %d core(s): predicted wall %s (%.0f s), %.2f core-hours; executor "
            + "memory at least %.1f GB (spark.executor.memory)",
        r.get("model"), docs, cm.tokensPerDoc(), docs * cm.tokensPerDoc(), e, c, hms(wall), wall,
        wall * e * c / 3600, cm.executorMemoryBytes(c) / 1e9);
  }

  private static String hms(double s) {
    long t = Math.round(s);
    return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
  }

  /** Real runs over the held-out sample, each next to its prediction. */
  @SuppressWarnings("unchecked")
  private static void check(Map<String, String> a) throws Exception {
    Path dir = Paths.get(need(a, "tuned"));
    Map<String, Object> r = load(dir);
    CostModel cm = CostModel.fromMap((Map<String, Object>) r.get("cost_model"));
    long docs = ((Number) r.get("holdout_docs")).longValue();
    String holdout = dir.resolve("holdout.jsonl").toString();
    String rec = dir.resolve("recommended.properties").toString();
    List<Map<String, Object>> rows = new ArrayList<>();
    int cores = Runtime.getRuntime().availableProcessors();
    // Each run in a JVM of its own through scripts/submit.sh, as a user runs the job.
    Path root = Paths.get(System.getProperty("corpusencoder.root", "."));
    for (int k = 1; k <= Math.min(2, cores); k++) {
      Path out = dir.resolve("runs/check-local-" + k);
      run(root, dir.resolve("check-local-" + k + ".log"), "scripts/submit.sh", "--master",
          "local[" + k + "]", "--conf", rec, "--input", holdout, "--output", out.toString(),
          "--save-mode", "overwrite");
      JsonNode rep = JSON.readTree(out.resolve("_report.json").toFile());
      rows.add(row("local[" + k + "]", cm.wallSeconds(docs, 1, k, false),
          rep.get("wall_s").asDouble()));
      System.out.println("tune: " + rows.get(rows.size() - 1));
    }
    if (!a.get("skip-cluster").equals("true")) {
      rows.add(clusterRun(dir, cm, docs, holdout, rec));
      System.out.println("tune: " + rows.get(rows.size() - 1));
    }
    r.put("check", rows);
    Files.writeString(dir.resolve("tune.json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
    TuneReport.write(dir, r);
    double worst = rows.stream().mapToDouble(m -> Math.abs((Double) m.get("error_pct"))).max()
        .orElse(0);
    System.out.printf(Locale.ROOT, "tune: largest prediction error %.1f%% (%s)%n", worst,
        worst <= 20 ? "within 20%" : "MORE THAN 20%");
  }

  private static Map<String, Object> clusterRun(Path dir, CostModel cm, long docs, String holdout,
      String rec) throws Exception {
    JsonNode rep = JSON.valueToTree(onLoopbackCluster(dir, "check-cluster", holdout, rec));
    return row("loopback cluster, 2 executors x 1 core", cm.wallSeconds(docs, 2, 1, true),
        rep.get("wall_s").asDouble());
  }

  /**
   * The job over {@code input} on a loopback cluster of 2 workers x 1 core that this call
   * starts (scripts/cluster.sh, ports 7177 and 8180) and always stops; returns its report.
   */
  static Map<String, Object> onLoopbackCluster(Path dir, String name, String input, String conf)
      throws Exception {
    Path root = Paths.get(System.getProperty("corpusencoder.root", "."));
    Path clusterDir = dir.resolve("cluster");
    Path out = dir.resolve("runs").resolve(name);
    try {
      run(root, dir.resolve(name + "-cluster-start.log"), "scripts/cluster.sh", "start", "--dir",
          clusterDir.toString(), "--port", "7177", "--webui-port", "8180");
      run(root, dir.resolve(name + ".log"), "scripts/submit.sh", "--master",
          "spark://127.0.0.1:7177", "--total-executor-cores", "2", "--executor-memory", "2g",
          "--conf", conf, "--input", input, "--output", out.toString(), "--save-mode",
          "overwrite");
    } finally {
      run(root, dir.resolve(name + "-cluster-stop.log"), "scripts/cluster.sh", "stop", "--dir",
          clusterDir.toString());
    }
    return JSON.readValue(out.resolve("_report.json").toFile(),
        new TypeReference<LinkedHashMap<String, Object>>() {});
  }

  private static void run(Path root, Path log, String... cmd) throws Exception {
    List<String> c = new ArrayList<>(List.of(cmd));
    c.set(0, root.resolve(cmd[0]).toString());
    ChildProcess.run(new ProcessBuilder(c).directory(root.toFile()), log, SCRIPT_LIMIT,
        String.join(" ", cmd));
  }

  private static Map<String, Object> row(String where, double predicted, double measured) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run", where);
    m.put("predicted_wall_s", Math.round(predicted * 10) / 10.0);
    m.put("measured_wall_s", measured);
    m.put("error_pct", Math.round(1000 * (predicted - measured) / measured) / 10.0);
    return m;
  }

  /**
   * --worker: one slots × BLAS-threads measurement in this JVM; prints "worker TOKENS_PER_S
   * SECONDS_TO_MODEL_LOADED JIT_WARMUP_SECONDS".
   */
  private static void worker(Map<String, String> a) throws Exception {
    EmbeddingModel m = ModelLoader.load(need(a, "model"));
    List<String> texts = new ArrayList<>();
    for (String line : Files.readAllLines(Paths.get(need(a, "texts")))) {
      texts.add(JSON.readTree(line).get("text").asText());
    }
    texts = texts.subList(0, Math.min(texts.size(), 400));
    double loaded = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
    double[] w = Tuner.workerRate(m, texts, intOpt(a, "slots", 1), intOpt(a, "batch-tokens",
        EncodeSettings.DEFAULTS.batchTokens()));
    System.out.println("worker " + w[0] + " " + loaded + " " + w[1]);
  }
}
