package io.corpusencoder.spark.job;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Spark accumulators the encoding tasks of one slice feed and the report reads. They are updated
 * in the write's result stage, where Spark applies each partition's update once, from its one
 * successful attempt (failed, killed and duplicate speculative attempts are not counted).
 */
public final class JobMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  public final LongAccumulator texts;
  public final LongAccumulator chunks;
  public final LongAccumulator rows;
  public final LongAccumulator realTokens;
  public final LongAccumulator emptyTexts;
  public final LongAccumulator truncatedTexts;
  /** Texts TextRepair changed, and of those with invalid UTF-8 and with lone surrogates. */
  public final LongAccumulator repairedTexts;
  public final LongAccumulator repairedInvalidUtf8;
  public final LongAccumulator repairedLoneSurrogate;
  public final LongAccumulator tokenizeNanos;
  public final LongAccumulator encodeNanos;
  public final LongAccumulator batches;
  /** One record per task: what it did and the executor it ran on. */
  public final CollectionAccumulator<TaskStats> tasks;

  public JobMetrics(SparkContext sc) {
    texts = sc.longAccumulator("corpusencoder.texts");
    chunks = sc.longAccumulator("corpusencoder.chunks");
    rows = sc.longAccumulator("corpusencoder.rows");
    realTokens = sc.longAccumulator("corpusencoder.real_tokens");
    emptyTexts = sc.longAccumulator("corpusencoder.empty_texts");
    truncatedTexts = sc.longAccumulator("corpusencoder.truncated_texts");
    repairedTexts = sc.longAccumulator("corpusencoder.repaired_texts");
    repairedInvalidUtf8 = sc.longAccumulator("corpusencoder.repaired_invalid_utf8");
    repairedLoneSurrogate = sc.longAccumulator("corpusencoder.repaired_lone_surrogate");
    tokenizeNanos = sc.longAccumulator("corpusencoder.tokenize_ns");
    encodeNanos = sc.longAccumulator("corpusencoder.encode_ns");
    batches = sc.longAccumulator("corpusencoder.batches");
    tasks = sc.collectionAccumulator("corpusencoder.tasks");
  }
}
