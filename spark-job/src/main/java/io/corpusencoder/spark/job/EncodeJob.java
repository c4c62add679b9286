package io.corpusencoder.spark.job;

import io.corpusencoder.core.cli.OptionSpec;
import io.corpusencoder.core.embed.EmbeddingMetadata;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelLoader;
import io.corpusencoder.spark.commit.SliceLog;
import io.corpusencoder.spark.commit.SliceWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

  /**
   * Runs the job on a session the caller already has (the door of the Python API,
   * corpus_encoder.encode): {@code options} are the command line's, named without "--"; returns
   * the report as JSON (also written to the output's _report.json). The session keeps running.
   * Bad options are IllegalArgumentExceptions naming the option, as on the command line.
   */
  public static String encode(SparkSession spark, Map<String, String> options) throws IOException {
    if (options.containsKey("master")) {
      throw new IllegalArgumentException("master: the job runs on the given SparkSession (master "
          + spark.sparkContext().master() + "); leave master out");
    }
    List<String> args = new ArrayList<>();
    for (Map.Entry<String, String> e : options.entrySet()) {
      args.add("--" + e.getKey());
      args.add(e.getValue());
    }
    Map<String, String> sparkConf = new LinkedHashMap<>();
    for (Tuple2<String, String> t : spark.sparkContext().getConf().getAll()) {
      sparkConf.put(t._1(), t._2());
    }
    JobOptions o = JobOptions.parse(args.toArray(String[]::new), sparkConf);
    return run(spark, o, prepare(o)).toJson();
  }

  /** The job's option names, as the command line spells them without "--". */
  public static List<String> optionNames() {
    return JobOptions.SPECS.stream().map(OptionSpec::name).toList();
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

  /**
   * Runs the job on {@code spark}; returns the report (also written to the output). The steps:
   * read and check the input, settle the plan (slices, plan.json, the resume check), encode and
   * commit the slices still to do, report.
   */
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
    // cluster must cut the same slices (see JobPlan).
    if (!spark.conf().contains("spark.sql.files.minPartitionNum")) {
      spark.conf().set("spark.sql.files.minPartitionNum", "1");
    }
    sc.setJobDescription("corpus-encoder: read and check " + o.get("input"));
    Dataset<Row> records = read(spark, o);
    StructType outSchema = OutputSchema.build(records.schema(), o.getList("keep-columns"),
        o.get("embedding-type").equals("vector"), o.getBool("token-vectors"),
        OutputSchema.embeddingMetadata(EmbeddingMetadata.fields(model, o.encodeSettings(),
            version)));
    InputCheck input = InputCheck.run(records, o);

    if (!resume && o.get("save-mode").equals("overwrite")) fs.delete(outPath, true);
    JobPlan plan = JobPlan.settle(spark, o, model, records, input, log, resume);

    long tb = System.nanoTime();
    Broadcast<EmbeddingModel> bModel = sc.broadcast(model,
        scala.reflect.ClassTag$.MODULE$.apply(EmbeddingModel.class));
    long broadcastEpochMillis = System.currentTimeMillis();
    double broadcastSeconds = (System.nanoTime() - tb) / 1e9;
    long broadcastBytes = BroadcastBytes.of(bModel);
    PartitionEncoder.Settings settings = new PartitionEncoder.Settings(o.encodeSettings(),
        o.get("embedding-type").equals("vector"), o.getList("keep-columns").size());
    SliceWriter writer = new SliceWriter(spark, plan.partition(records).toJavaRDD(),
        records.schema(), outSchema, bModel, settings, o.get("output-format"), input.bad() > 0,
        log);

    long t1 = System.nanoTime();
    JobProgress progress = new JobProgress(input.read(), plan.slices(), plan.done, System.out,
        System::nanoTime);
    Map<Integer, SliceWriter.Written> ran = new SliceRunner(sc, writer,
        "corpus-encoder: encode " + o.get("input") + " with " + model.name())
        .run(plan, progress, output);
    double encodeWriteSeconds = (System.nanoTime() - t1) / 1e9;

    JobReport r = JobReport.build(new JobReport.Run(o, p, version, input, plan, ran, resume,
            new JobReport.Timings(encodeWriteSeconds, (System.nanoTime() - start) / 1e9,
                broadcastSeconds, broadcastEpochMillis, broadcastBytes)),
        Map.of("version", spark.version(), "master", sc.master(),
            "default_parallelism", sc.defaultParallelism()));
    for (Object w : (List<?>) r.fields.get("warnings")) {
      System.err.println("corpus-encoder: WARNING: " + w);
    }
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
          && committed == (Long) r.fields.get("rows_written"));
    }
    r.write(output, sc.hadoopConfiguration());
    fs.create(new Path(outPath, "_SUCCESS"), true).close();
    log.remove();
    return r;
  }

  /** The corpus as CorpusReader's records; a source Spark cannot read is a bad argument. */
  private static Dataset<Row> read(SparkSession spark, JobOptions o) {
    try {
      return CorpusReader.read(spark, o);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      // Scala code throws AnalysisException (checked in Java) for unknown sources and bad files.
      throw new IllegalArgumentException("--input " + o.get("input") + " as " + o.get("input-format")
          + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
  }

  /** Corpus Encoder's version; fails when the build left it out (see {@link BuildVersion}). */
  static String version() {
    return BuildVersion.current();
  }
}
