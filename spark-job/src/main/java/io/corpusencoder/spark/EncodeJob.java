package io.corpusencoder.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.corpusencoder.core.batch.Chunker;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelLoader;
import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.pool.Pooling;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
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
  private EncodeJob() {}

  /** A job that ran but must be reported as failed (too many malformed records). */
  static final class JobFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JobFailedException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        System.out.print(JobOptions.help());
        System.exit(0);
      }
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
        JobReport report = run(spark, o, p);
        System.out.println(report.summary());
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
      status = 1;
    }
    System.exit(status);
  }

  /** What the driver settles before Spark starts: the model with its settings. */
  record Prepared(EmbeddingModel model, long loadNanos) {}

  /** Checks paths and loads the model; every problem here is an IllegalArgumentException. */
  static Prepared prepare(JobOptions o) throws IOException {
    Configuration conf = new Configuration();
    for (String in : o.getList("input")) {
      Path p = new Path(in);
      FileStatus[] found = p.getFileSystem(conf).globStatus(p);
      if (found == null || found.length == 0) {
        throw new IllegalArgumentException("--input: " + in + " does not exist");
      }
    }
    Path out = new Path(o.get("output"));
    if (o.get("save-mode").equals("error") && out.getFileSystem(conf).exists(out)) {
      throw new IllegalArgumentException("--output: " + out + " already exists; choose another "
          + "path or --save-mode overwrite|append");
    }
    long t0 = System.nanoTime();
    EmbeddingModel m = ModelLoader.load(o.get("model"));
    if (!o.get("pooling").equals("model")) m = m.withPooling(Pooling.parse(o.get("pooling"), "--pooling"));
    if (!o.get("normalize").equals("model")) m = m.withNormalize(o.getBool("normalize"));
    if (!o.get("max-length").equals("model")) {
      int max = o.getInt("max-length");
      int limit = m.encoder().config().maxPositions();
      if (max > limit || max <= m.tokenizer().numSpecialTokens()) {
        throw new IllegalArgumentException("--max-length " + max + " is outside what model "
            + m.name() + " takes: " + (m.tokenizer().numSpecialTokens() + 1) + " to " + limit);
      }
      m = m.withMaxLength(max);
    }
    try {
      new Chunker(m.tokenizer(), m.maxLength(), o.getInt("stride"), false);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--stride: " + e.getMessage(), e);
    }
    return new Prepared(m, System.nanoTime() - t0);
  }

  /** Runs the job on {@code spark}; returns the report (also written to the output). */
  static JobReport run(SparkSession spark, JobOptions o, Prepared p) throws IOException {
    EmbeddingModel model = p.model();
    String version = version();
    String output = o.get("output");
    long start = System.nanoTime();
    var sc = spark.sparkContext();
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
    int slots = sc.defaultParallelism();
    if (o.getInt("partitions") > 0) {
      records = records.repartition(o.getInt("partitions"));
    } else if (records.rdd().getNumPartitions() < slots) {
      // A small input read as fewer partitions than task slots would leave cores idle.
      records = records.repartition(slots);
    }
    List<String> keep = o.getList("keep-columns");
    StructType outSchema = OutputSchema.build(records.schema(), keep,
        o.get("embedding-type").equals("vector"), o.getBool("token-vectors"),
        OutputSchema.embeddingMetadata(model, o, version));

    long t0 = System.nanoTime();
    Row counts = records.agg(count(lit(1)),
        sum(when(col(CorpusReader.BAD).isNotNull(), 1).otherwise(0))).first();
    long read = counts.getLong(0);
    long bad = counts.isNullAt(1) ? 0 : counts.getLong(1);
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

    JobMetrics metrics = new JobMetrics(sc);
    Broadcast<EmbeddingModel> bModel = spark.sparkContext().broadcast(model,
        scala.reflect.ClassTag$.MODULE$.apply(EmbeddingModel.class));
    PartitionEncoder.Settings settings = new PartitionEncoder.Settings(model.maxLength(),
        o.getInt("stride"), o.get("long-text").equals("truncate"), o.getBool("doc-vector"),
        o.getBool("token-vectors"), o.get("embedding-type").equals("vector"),
        o.getInt("batch-size"), o.getInt("batch-tokens"), o.getInt("sort-window"), keep.size());
    Dataset<Row> out = records.filter(col(CorpusReader.BAD).isNull())
        .mapPartitions(new PartitionEncoder(bModel, settings, metrics), Encoders.row(outSchema))
        // The row encoder drops field metadata; put the model's identity back for the footer.
        .withMetadata("embedding", outSchema.apply("embedding").metadata());
    SaveMode mode = switch (o.get("save-mode")) {
      case "overwrite" -> SaveMode.Overwrite;
      case "append" -> SaveMode.Append;
      default -> SaveMode.ErrorIfExists;
    };
    sc.setJobDescription("corpus-encoder: encode " + o.get("input") + " with " + model.name()
        + " -> " + output);
    long t1 = System.nanoTime();
    if (o.get("output-format").equals("jsonl")) {
      out.write().mode(mode).json(output);
    } else {
      out.write().mode(mode).parquet(output);
    }
    double encodeWriteSeconds = (System.nanoTime() - t1) / 1e9;

    double quarantineSeconds = 0;
    if (bad > 0) {
      sc.setJobDescription("corpus-encoder: quarantine " + bad + " malformed records");
      long t2 = System.nanoTime();
      records.filter(col(CorpusReader.BAD).isNotNull())
          .select(col(CorpusReader.ID).as("id"), col(CorpusReader.SOURCE).as("source"),
              col(CorpusReader.BAD).as("reason"), col(CorpusReader.RAW).as("raw"))
          .write().mode(mode == SaveMode.Append ? SaveMode.Append : SaveMode.Overwrite)
          .json(new Path(output, "_quarantine").toString());
      quarantineSeconds = (System.nanoTime() - t2) / 1e9;
    }
    double wall = (System.nanoTime() - start) / 1e9;

    JobReport r = new JobReport();
    long tokens = metrics.realTokens.value();
    r.fields.put("records_read", read);
    r.fields.put("records_written", metrics.texts.value());
    r.fields.put("records_quarantined", bad);
    r.fields.put("counts_add_up", read == metrics.texts.value() + bad);
    r.fields.put("rows_written", metrics.rows.value());
    r.fields.put("texts", metrics.texts.value());
    r.fields.put("chunks", metrics.chunks.value());
    r.fields.put("empty_texts", metrics.emptyTexts.value());
    r.fields.put("truncated_texts", metrics.truncatedTexts.value());
    r.fields.put("real_tokens", tokens);
    r.fields.put("padding_tokens", 0L); // sequences are packed: no padding is ever computed
    r.fields.put("batches", metrics.batches.value());
    Map<String, Object> stages = new LinkedHashMap<>();
    stages.put("model_load_s", JobReport.round(p.loadNanos() / 1e9));
    stages.put("read_and_check_s", JobReport.round(readSeconds));
    stages.put("tokenize_task_s", JobReport.round(metrics.tokenizeNanos.value() / 1e9));
    stages.put("encode_task_s", JobReport.round(metrics.encodeNanos.value() / 1e9));
    stages.put("read_encode_write_s", JobReport.round(encodeWriteSeconds));
    stages.put("quarantine_write_s", JobReport.round(quarantineSeconds));
    r.fields.put("stages", stages);
    r.fields.put("wall_s", JobReport.round(wall));
    r.fields.put("tokens_per_s", (double) Math.round(tokens / Math.max(encodeWriteSeconds, 1e-9)));
    List<Map<String, Object>> tasks = JobReport.tasks(metrics.tasks.value());
    r.fields.put("tasks", tasks);
    List<String> warnings = JobReport.warnings(tasks);
    r.fields.put("warnings", warnings);
    for (String w : warnings) System.err.println("corpus-encoder: WARNING: " + w);
    r.fields.put("model", OutputSchema.asMap(model, o, version));
    r.fields.put("blas", Blas.implementation());
    r.fields.put("simd", io.corpusencoder.core.math.Ops.simd());
    r.fields.put("spark", Map.of("version", spark.version(), "master", sc.master(),
        "default_parallelism", sc.defaultParallelism()));
    r.fields.put("output", output);
    r.fields.put("settings", o.asMap());
    r.write(output, sc.hadoopConfiguration());
    return r;
  }

  static String version() {
    try (InputStream in = EncodeJob.class.getResourceAsStream("/corpus-encoder.properties")) {
      Properties p = new Properties();
      if (in != null) p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
