package io.corpusencoder.spark.commit;

import static org.apache.spark.sql.functions.col;

import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.spark.job.CorpusReader;
import io.corpusencoder.spark.job.JobMetrics;
import io.corpusencoder.spark.job.PartitionEncoder;
import io.corpusencoder.spark.job.TaskStats;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractFunction1;

/**
 * Encodes and commits one slice of the work partitions: its embeddings and its quarantined
 * records go to the slice's staging folder through Spark's commit protocol, then {@link SliceLog}
 * publishes them. Thread-safe: the job runs two slices at once.
 */
public final class SliceWriter {
  /** Test hook: "SLICE:POINT" halts the driver (as kill -9 would) at that point of that slice. */
  public static final String HALT_PROPERTY = "corpusencoder.test.halt";

  private final SparkSession spark;
  private final JavaRDD<Row> work;
  private final StructType recordSchema;
  private final StructType outSchema;
  private final Broadcast<EmbeddingModel> model;
  private final PartitionEncoder.Settings settings;
  private final String format;
  private final boolean anyBad;
  private final SliceLog log;

  static final String DICTIONARY = "parquet.enable.dictionary";

  public SliceWriter(SparkSession spark, JavaRDD<Row> work, StructType recordSchema,
      StructType outSchema, Broadcast<EmbeddingModel> model, PartitionEncoder.Settings settings,
      String format, boolean anyBad, SliceLog log) {
    this.spark = spark;
    this.work = work;
    this.recordSchema = recordSchema;
    this.outSchema = outSchema;
    this.model = model;
    this.settings = settings;
    this.format = format;
    this.anyBad = anyBad;
    this.log = log;
  }

  /** A committed slice: its counts (as its manifest has them) and its tasks' records. */
  public record Written(SliceCounts counts, List<TaskStats> tasks) {}

  /** Encodes work partitions [lo, hi) as slice {@code slice} and publishes it. */
  public Written write(int slice, int lo, int hi) throws IOException {
    RDD<Row> part = PartitionPruningRDD.create(work.rdd(), new InRange(lo, hi));
    Dataset<Row> records = spark.createDataFrame(part, recordSchema);
    JobMetrics metrics = new JobMetrics(spark.sparkContext());
    Dataset<Row> out = records.filter(col(CorpusReader.BAD).isNull())
        .mapPartitions(new PartitionEncoder(model, settings, metrics, lo), Encoders.row(outSchema))
        // The row encoder drops field metadata; put the model's identity back for the footer.
        .withMetadata("embedding", outSchema.apply("embedding").metadata());
    String data = log.stagingData(slice).toString();
    if (format.equals("jsonl")) {
      out.write().mode(SaveMode.Overwrite).json(data);
    } else {
      // Embeddings are all distinct floats: Parquet's dictionary encoding builds a dictionary,
      // finds it useless and falls back to plain, at about 2% of task time. Off unless the user
      // set it (spark.hadoop.parquet.enable.dictionary).
      String dictionary = spark.sparkContext().hadoopConfiguration().get(DICTIONARY, "false");
      out.write().mode(SaveMode.Overwrite).option(DICTIONARY, dictionary).parquet(data);
    }
    long quarantined = 0;
    if (anyBad) {
      Dataset<Row> badRecords = records.filter(col(CorpusReader.BAD).isNotNull())
          .select(col(CorpusReader.ID).as("id"), col(CorpusReader.SOURCE).as("source"),
              col(CorpusReader.BAD).as("reason"), col(CorpusReader.RAW).as("raw"));
      badRecords.write().mode(SaveMode.Overwrite).json(log.stagingQuarantine(slice).toString());
      // Counted from what was committed, so the count is exact whatever tasks were retried.
      quarantined = spark.read().schema(badRecords.schema())
          .json(log.stagingQuarantine(slice).toString()).count();
    }
    halt(slice, "written");
    SliceCounts counts = new SliceCounts(hi - lo, metrics.texts.value(), quarantined,
        metrics.rows.value(), metrics.chunks.value(), metrics.realTokens.value(),
        metrics.emptyTexts.value(), metrics.truncatedTexts.value(),
        metrics.repairedTexts.value(), metrics.repairedInvalidUtf8.value(),
        metrics.repairedLoneSurrogate.value(), metrics.batches.value(),
        metrics.tokenizeNanos.value(), metrics.encodeNanos.value());
    log.publish(slice, counts.toManifest(), () -> halt(slice, "manifest"));
    halt(slice, "published");
    return new Written(counts, List.copyOf(metrics.tasks.value()));
  }

  private static void halt(int slice, String point) {
    if ((slice + ":" + point).equals(System.getProperty(HALT_PROPERTY))) {
      System.err.println("corpus-encoder: halting at slice " + slice + " " + point
          + " (" + HALT_PROPERTY + ")");
      Runtime.getRuntime().halt(137);
    }
  }

  /** Keeps partitions [lo, hi): a named class, as Spark ships the filter to the executors. */
  private static final class InRange extends AbstractFunction1<Object, Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int lo;
    private final int hi;

    InRange(int lo, int hi) {
      this.lo = lo;
      this.hi = hi;
    }

    @Override
    public Object apply(Object partition) {
      int p = (Integer) partition;
      return p >= lo && p < hi;
    }
  }
}
