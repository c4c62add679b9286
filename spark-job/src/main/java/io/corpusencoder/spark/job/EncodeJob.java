package io.corpusencoder.spark.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.corpusencoder.core.embed.EmbeddingMetadata;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelIdentity;
import io.corpusencoder.core.embed.ModelLoader;
import io.corpusencoder.core.embed.TextRepair;
import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.math.Ops;
import io.corpusencoder.spark.commit.ResumeModelCheck;
import io.corpusencoder.spark.commit.SliceLog;
import io.corpusencoder.spark.commit.SliceWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * spark-submit entry point: reads a corpus, encodes every text on the executors with the
 * broadcast model, writes embeddings (Parquet or JSON lines), the quarantine of malformed records,
 * and _report.json. Options are checked before any Spark work starts.
 */
public final class EncodeJob {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EncodeJob.class);
  /** Texts the driver tokenizes and encodes to size the work (see WorkSizing). */
  static final int SIZING_SAMPLE = 256;
  private EncodeJob() {}

  /** A job that ran but must be reported as failed (too many malformed records). */
  public static final class JobFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JobFailedException(String message) {
      super(message);
    }

    JobFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static void main(String[] args) {
    if (io.corpusencoder.core.cli.CommandLine.wantsHelp(args)) {
      System.out.print(JobOptions.help());
      System.exit(0);
    }
    int status = 0;
    try {
      Map<String, String> sparkConf = new LinkedHashMap<>();
      for (Tuple2<String, String> t : new SparkConf().getAll()) sparkConf.put(t._1(), t._2());
      JobOptions o = JobOptions.parse(args, sparkConf);
      Prepared p = prepare(o);
      SparkSession.Builder b = SparkSession.builder().appName("corpus-encoder");
      if (!sparkConf.containsKey("spark.executorEnv.OPENBLAS_NUM_THREADS")) {
        // One BLAS thread per task: parallelism comes from task slots (see README, BLAS).
        b = b.config("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
      }
      if (!o.get("master").isEmpty()) {
        b = b.master(o.get("master"));
      } else if (!sparkConf.containsKey("spark.master")) {
        b = b.master("local[*]");
      }
      SparkSession spark = b.getOrCreate();
      try {
        JobReport report;
        try {
          report = run(spark, o, p);
        } catch (IOException e) {
          throw new JobFailedException("I/O failed: " + e.getMessage(), e);
        }
        System.out.println(report.summary());
        if (report.fields.containsKey("skew")) System.out.println(report.timeSummary());
        System.out.println("report: " + new Path(o.get("output"), "_report.json"));
      } finally {
        spark.stop();
      }
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("encode: " + e.getMessage());
      System.err.println("run with --help for the options");
      status = 2;
    } catch (JobFailedException e) {
      System.err.println("encode: " + e.getMessage());
      if (e.getCause() != null) e.getCause().printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  /** What the driver settles before Spark starts: the model with its settings. */
  /** The loaded model, its load time, and the loader's notes (config overrides) for the report. */
  public record Prepared(EmbeddingModel model, long loadNanos, List<String> modelNotes) {}

  /** Every --input path or glob matches something, else an IllegalArgumentException naming it. */
  public static void requireInputs(JobOptions o, Configuration conf) throws IOException {
    for (String in : o.getPaths("input")) {
      Path p = new Path(in);
      FileStatus[] found = p.getFileSystem(conf).globStatus(p);
      if (found == null || found.length == 0) {
        throw new IllegalArgumentException("--input: " + in + " does not exist");
      }
    }
  }

  /** Checks paths and loads the model; every problem here is an IllegalArgumentException. */
  public static Prepared prepare(JobOptions o) throws IOException {
    Configuration conf = new Configuration();
    requireInputs(o, conf);
    Path out = new Path(o.get("output"));
    FileSystem fs = out.getFileSystem(conf);
    boolean unfinished = new SliceLog(fs, out).exists();
    if (o.getBool("resume")) {
      if (!unfinished && !fs.exists(new Path(out, "_report.json"))) {
        throw new IllegalArgumentException("--resume: " + out + " holds no unfinished job (no "
            + SliceLog.DIR + "/plan.json) to resume");
      }
    } else if (unfinished && !o.get("save-mode").equals("overwrite")) {
      throw new IllegalArgumentException("--output: " + out + " holds a job that did not finish; "
          + "add --resume to finish it, or --save-mode overwrite to start again");
    } else if (o.get("save-mode").equals("error") && fs.exists(out)) {
      throw new IllegalArgumentException("--output: " + out + " already exists; choose another "
          + "path or --save-mode overwrite|append");
    }
    long t0 = System.nanoTime();
    ModelLoader.Loaded parts = ModelLoader.loadParts(o.get("model"));
    // model-core logs through java.util.logging, which Spark's log4j output does not show.
    for (String note : parts.notes()) LOG.warn("model {}: {}", o.get("model"), note);
    EmbeddingModel m = o.encodeSettings().resolve(parts.toModel());
    return new Prepared(m, System.nanoTime() - t0, parts.notes());
  }

  /** Runs the job on {@code spark}; returns the report (also written to the output). */
  public static JobReport run(SparkSession spark, JobOptions o, Prepared p) throws IOException {
    EmbeddingModel model = p.model();
    String version = version();
    String output = o.get("output");
    long start = System.nanoTime();
    var sc = spark.sparkContext();
    Path outPath = new Path(output);
    FileSystem fs = outPath.getFileSystem(sc.hadoopConfiguration());
    SliceLog log = new SliceLog(fs, outPath);
    boolean resume = o.getBool("resume");
    if (resume && !log.exists()) {
      System.out.println("corpus-encoder: " + output + " is already complete; nothing to resume");
      return JobReport.read(output, sc.hadoopConfiguration());
    }
    // Input splits from the files alone, not from the cluster's size: a resumed job on another
    // cluster must cut the same slices (see plan()).
    if (!spark.conf().contains("spark.sql.files.minPartitionNum")) {
      spark.conf().set("spark.sql.files.minPartitionNum", "1");
    }
    sc.setJobDescription("corpus-encoder: read and check " + o.get("input"));

    Dataset<Row> records;
    try {
      records = CorpusReader.read(spark, o);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      // Scala code throws AnalysisException (checked in Java) for unknown sources and bad files.
      throw new IllegalArgumentException("--input " + o.get("input") + " as " + o.get("input-format")
          + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
    List<String> keep = o.getList("keep-columns");
    StructType outSchema = OutputSchema.build(records.schema(), keep,
        o.get("embedding-type").equals("vector"), o.getBool("token-vectors"),
        OutputSchema.embeddingMetadata(EmbeddingMetadata.fields(model, o.encodeSettings(),
            version)));

    long t0 = System.nanoTime();
    Row counts = records.agg(count(lit(1)),
        sum(when(col(CorpusReader.BAD).isNotNull(), 1).otherwise(0)),
        sum(length(col(CorpusReader.TEXT)))).first();
    long read = counts.getLong(0);
    long bad = counts.isNullAt(1) ? 0 : counts.getLong(1);
    long chars = counts.isNullAt(2) ? 0 : counts.getLong(2);
    double readSeconds = (System.nanoTime() - t0) / 1e9;
    double maxBad = o.getDouble("max-bad-fraction");
    if (read > 0 && bad > maxBad * read) {
      List<String> reasons = records.filter(col(CorpusReader.BAD).isNotNull())
          .select(col(CorpusReader.SOURCE), col(CorpusReader.BAD)).limit(5).collectAsList()
          .stream().map(r -> r.getString(0) + ": " + r.getString(1)).toList();
      throw new JobFailedException(bad + " of " + read + " records are malformed ("
          + String.format("%.2f%%", 100.0 * bad / read) + "), more than --max-bad-fraction "
          + maxBad + "; nothing was written. First reasons:\n  " + String.join("\n  ", reasons));
    }

    if (!resume && o.get("save-mode").equals("overwrite")) fs.delete(outPath, true);

    // The work partitions, cut into slices that are committed one by one (see SliceLog). A
    // resumed job takes the counts from its plan, so it cuts the same slices on any cluster.
    int slots = sc.defaultParallelism();
    int inputPartitions = records.rdd().getNumPartitions();
    Map<String, Object> before = resume ? log.readPlan() : null;
    int workPartitions;
    int perSlice;
    Map<String, Object> sizing;
    if (before != null) {
      workPartitions = ((Number) before.get("work_partitions")).intValue();
      perSlice = ((Number) before.get("partitions_per_slice")).intValue();
      sizing = new LinkedHashMap<>(Map.of("sized_by", "the resumed plan"));
    } else {
      WorkSizing w;
      if (o.getInt("partitions") > 0 || o.getInt("slice-partitions") > 0) {
        w = WorkSizing.byOptions(o.getInt("partitions"), o.getInt("slice-partitions"),
            inputPartitions, slots);
      } else {
        sc.setJobDescription("corpus-encoder: sample " + o.get("input") + " to size the work");
        List<String> sample = records.filter(col(CorpusReader.BAD).isNull())
            .select(col(CorpusReader.TEXT)).limit(SIZING_SAMPLE).collectAsList().stream()
            .map(r -> r.isNullAt(0) ? "" : r.getString(0)).toList();
        w = WorkSizing.byWork(read, chars, WorkSizing.measure(model, sample, 2.0), slots,
            o.getInt("slice-seconds"));
      }
      workPartitions = w.workPartitions();
      perSlice = w.partitionsPerSlice();
      sizing = w.report();
    }
    // Round-robin repartitioning is deterministic here (Spark sorts each input partition first).
    if (workPartitions != inputPartitions) records = records.repartition(workPartitions);
    JavaRDD<Row> work = records.toJavaRDD();
    int numSlices = (workPartitions + perSlice - 1) / perSlice;
    Map<String, Object> plan = plan(o, model.identity(), inputPartitions, workPartitions,
        perSlice, numSlices, sc.hadoopConfiguration());
    Map<Integer, Map<String, Object>> done;
    if (before != null) {
      checkSamePlan(before, plan, model.identity(), output);
      done = log.recover();
    } else {
      log.writePlan(plan);
      done = new TreeMap<>();
    }
    Map<Integer, Map<String, Object>> skipped = new TreeMap<>(done);

    long tb = System.nanoTime();
    Broadcast<EmbeddingModel> bModel = spark.sparkContext().broadcast(model,
        scala.reflect.ClassTag$.MODULE$.apply(EmbeddingModel.class));
    long broadcastEpochMillis = System.currentTimeMillis();
    double broadcastSeconds = (System.nanoTime() - tb) / 1e9;
    PartitionEncoder.Settings settings = new PartitionEncoder.Settings(o.encodeSettings(),
        o.get("embedding-type").equals("vector"), keep.size());
    SliceWriter writer = new SliceWriter(spark, work, records.schema(), outSchema, bModel,
        settings, o.get("output-format"), bad > 0, log);

    long t1 = System.nanoTime();
    List<Integer> todo = new ArrayList<>();
    for (int k = 0; k < numSlices; k++) if (!done.containsKey(k)) todo.add(k);
    List<String> taskLines = new ArrayList<>();
    JobProgress progress = new JobProgress(read, numSlices, done, System.out, System::nanoTime);
    // Two slices in flight, so the slots one slice's last tasks leave idle serve the next.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Map<String, Object>>> futures = new ArrayList<>();
      for (int k : todo) {
        int lo = k * perSlice;
        int hi = Math.min(workPartitions, lo + perSlice);
        String what = "corpus-encoder: encode " + o.get("input") + " with " + model.name()
            + ", slice " + (k + 1) + " of " + numSlices + " (partitions " + lo + "-" + (hi - 1)
            + ") -> " + output;
        futures.add(pool.submit(() -> {
          // The Spark UI shows the overall progress as it stood when this slice started.
          sc.setJobDescription(what + " | " + progress.summary());
          Map<String, Object> sliceCounts = writer.write(k, lo, hi);
          progress.sliceCommitted(k, sliceCounts);
          return sliceCounts;
        }));
      }
      for (int i = 0; i < todo.size(); i++) {
        done.put(todo.get(i), getUnwrapped(futures.get(i)));
      }
    } finally {
      pool.shutdownNow();
    }
    double encodeWriteSeconds = (System.nanoTime() - t1) / 1e9;
    double wall = (System.nanoTime() - start) / 1e9;

    // Totals over every slice, those of an earlier run included; throughput from this run only.
    Map<String, Long> total = new LinkedHashMap<>();
    Map<String, Long> thisRun = new LinkedHashMap<>();
    for (var e : done.entrySet()) {
      for (var c : e.getValue().entrySet()) {
        if (!(c.getValue() instanceof Number n)) continue;
        total.merge(c.getKey(), n.longValue(), Long::sum);
        if (!skipped.containsKey(e.getKey())) thisRun.merge(c.getKey(), n.longValue(), Long::sum);
      }
      if (!skipped.containsKey(e.getKey())) {
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) e.getValue().get("tasks");
        taskLines.addAll(lines);
      }
    }
    long written = total.getOrDefault("texts", 0L);
    long quarantined = total.getOrDefault("quarantined", 0L);

    JobReport r = new JobReport();
    long tokens = thisRun.getOrDefault("real_tokens", 0L);
    r.fields.put("records_read", read);
    r.fields.put("records_written", written);
    r.fields.put("records_quarantined", quarantined);
    r.fields.put("counts_add_up", read == written + quarantined && quarantined == bad);
    r.fields.put("rows_written", total.getOrDefault("rows", 0L));
    r.fields.put("texts", written);
    r.fields.put("chunks", total.getOrDefault("chunks", 0L));
    r.fields.put("empty_texts", total.getOrDefault("empty_texts", 0L));
    r.fields.put("truncated_texts", total.getOrDefault("truncated_texts", 0L));
    // Texts changed by TextRepair (invalid UTF-8, lone surrogates), flagged in text_repaired; a
    // text with both counts once here and under each reason.
    r.fields.put("repaired_texts", total.getOrDefault("repaired_texts", 0L));
    Map<String, Object> repairs = new LinkedHashMap<>();
    repairs.put(TextRepair.INVALID_UTF8, total.getOrDefault("repaired_invalid_utf8", 0L));
    repairs.put(TextRepair.LONE_SURROGATE, total.getOrDefault("repaired_lone_surrogate", 0L));
    r.fields.put("repaired_by_reason", repairs);
    r.fields.put("real_tokens", total.getOrDefault("real_tokens", 0L));
    r.fields.put("padding_tokens", 0L); // sequences are packed: no padding is ever computed
    r.fields.put("batches", total.getOrDefault("batches", 0L));
    Map<String, Object> slicesReport = new LinkedHashMap<>();
    slicesReport.put("slices", numSlices);
    slicesReport.put("work_partitions", workPartitions);
    slicesReport.put("partitions_per_slice", perSlice);
    slicesReport.put("sizing", sizing);
    slicesReport.put("resumed", resume);
    slicesReport.put("slices_skipped", skipped.size());
    long skippedRecords = 0;
    for (Map<String, Object> c : skipped.values()) {
      skippedRecords += ((Number) c.get("texts")).longValue() + ((Number) c.get("quarantined")).longValue();
    }
    slicesReport.put("records_skipped", skippedRecords);
    slicesReport.put("records_this_run", read - skippedRecords);
    r.fields.put("slices", slicesReport);
    Map<String, Object> stages = new LinkedHashMap<>();
    stages.put("model_load_s", JobReport.round(p.loadNanos() / 1e9));
    stages.put("read_and_check_s", JobReport.round(readSeconds));
    stages.put("tokenize_task_s", JobReport.round(thisRun.getOrDefault("tokenize_ns", 0L) / 1e9));
    stages.put("encode_task_s", JobReport.round(thisRun.getOrDefault("encode_ns", 0L) / 1e9));
    stages.put("read_encode_write_s", JobReport.round(encodeWriteSeconds));
    r.fields.put("stages", stages);
    r.fields.put("wall_s", JobReport.round(wall));
    r.fields.put("tokens_per_s", (double) Math.round(tokens / Math.max(encodeWriteSeconds, 1e-9)));
    List<Map<String, Object>> tasks = JobReport.tasks(taskLines);
    r.fields.put("tasks", tasks);
    r.fields.put("executors", JobReport.executors(tasks));
    r.fields.put("skew", JobReport.skew(tasks));
    r.fields.put("broadcast", JobReport.broadcast(model, broadcastSeconds, broadcastEpochMillis,
        tasks));
    List<String> warnings = new ArrayList<>(p.modelNotes());
    warnings.addAll(JobReport.warnings(tasks));
    r.fields.put("model_notes", p.modelNotes());
    r.fields.put("warnings", warnings);
    for (String w : warnings) System.err.println("corpus-encoder: WARNING: " + w);
    r.fields.put("model", EmbeddingMetadata.fields(model, o.encodeSettings(), version));
    r.fields.put("blas", Blas.implementation());
    r.fields.put("simd", Ops.simd());
    r.fields.put("spark", Map.of("version", spark.version(), "master", sc.master(),
        "default_parallelism", sc.defaultParallelism()));
    r.fields.put("output", output);
    r.fields.put("settings", o.asMap());
    // A last, cheap job (row counts from the Parquet footers) checks what was committed and
    // shows the summary in the Spark UI's job list.
    sc.setJobDescription(r.summary());
    if (o.get("output-format").equals("parquet")) {
      // This run's files only (the manifests'): an appended-to output holds older files too.
      List<String> files = log.committedDataFiles();
      long committed = files.isEmpty() ? 0
          : spark.read().parquet(files.toArray(String[]::new)).count();
      r.fields.put("rows_committed", committed);
      r.fields.put("counts_add_up", (Boolean) r.fields.get("counts_add_up")
          && committed == total.getOrDefault("rows", 0L));
    }
    r.write(output, sc.hadoopConfiguration());
    fs.create(new Path(outPath, "_SUCCESS"), true).close();
    log.remove();
    return r;
  }

  private static <T> T getUnwrapped(Future<T> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) throw re;
      // Spark's own failures (SparkException, or I/O on the cluster's file system): the job
      // failed, the input and options were fine; the slices committed so far stay for --resume.
      throw new JobFailedException(String.valueOf(c.getMessage()).lines().findFirst().orElse("")
          + "\nslices committed so far are kept; rerun with --resume to finish", c);
    }
  }

  /** What the slices are cut from; a resume must find the same. */
  static Map<String, Object> plan(JobOptions o, ModelIdentity model, int inputPartitions,
      int workPartitions, int perSlice, int numSlices, Configuration conf) throws IOException {
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("input_partitions", inputPartitions);
    plan.put("work_partitions", workPartitions);
    plan.put("partitions_per_slice", perSlice);
    plan.put("slices", numSlices);
    // Vectors of two numerics revisions (an upgrade between the runs) must not share an output.
    plan.put("numerics_revision", Ops.NUMERICS_REVISION);
    Map<String, String> settings = new TreeMap<>(o.asMap());
    // Settings that change neither which records a slice holds nor any vector may differ.
    for (String k : List.of("master", "conf", "resume", "save-mode", "partitions",
        "slice-partitions", "slice-seconds", "batch-size", "batch-tokens", "sort-window", "max-bad-fraction")) {
      settings.remove(k);
    }
    plan.put("settings", settings);
    // --model is a name or a path; what it held when the job began must be what it holds now.
    plan.put(ResumeModelCheck.PLAN_KEY, ResumeModelCheck.planEntry(model));
    List<String> inputs = new ArrayList<>();
    for (String in : o.getPaths("input")) {
      Path p = new Path(in);
      FileSystem fs = p.getFileSystem(conf);
      for (FileStatus g : fs.globStatus(p)) {
        var it = fs.listFiles(g.getPath(), true);
        while (it.hasNext()) {
          var f = it.next();
          inputs.add(f.getPath() + " " + f.getLen() + " " + f.getModificationTime());
        }
      }
    }
    inputs.sort(null);
    plan.put("inputs", inputs);
    return plan;
  }

  private static void checkSamePlan(Map<String, Object> before, Map<String, Object> now,
      ModelIdentity model, String output) {
    for (String key : now.keySet()) {
      Object a = before.get(key);
      if (key.equals(ResumeModelCheck.PLAN_KEY)) {
        ResumeModelCheck.requireSame(a, model, output);
        continue;
      }
      Object b = now.get(key);
      if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
        for (Object k : mb.keySet()) {
          if (!String.valueOf(ma.get(k)).equals(String.valueOf(mb.get(k)))) {
            throw new IllegalArgumentException("--resume: --" + k + " was " + ma.get(k)
                + " in the unfinished job in " + output + " and is " + mb.get(k) + " now; "
                + "resume with the same settings, or --save-mode overwrite to start again");
          }
        }
      } else if (!String.valueOf(a).equals(String.valueOf(b))) {
        throw new IllegalArgumentException("--resume: the " + key.replace('_', ' ') + " differ "
            + "from the unfinished job's in " + output + " (was " + (a == null ? "not recorded" : a)
            + ", now " + b + "); "
            + "resume with the same input and settings, or --save-mode overwrite to start again");
      }
    }
  }

  /** Corpus Encoder's version; fails when the build left it out (see {@link BuildVersion}). */
  static String version() {
    return BuildVersion.current();
  }
}
