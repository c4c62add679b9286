package io.corpusencoder.spark.job;

import io.corpusencoder.core.batch.Chunk;
import io.corpusencoder.core.embed.Embedding;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.EncodeSettings;
import io.corpusencoder.core.embed.EncodedText;
import io.corpusencoder.core.embed.RecordEncoder;
import io.corpusencoder.core.embed.TextRepair;
import io.corpusencoder.core.tokenize.Encoding;
import io.corpusencoder.core.tokenize.Vocab;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The work of one task: reads its records a window at a time (--sort-window), tokenizes and
 * chunks them, encodes the chunks in length-sorted batches, and yields output rows in input order
 * as it goes, so a partition is never held in memory whole.
 */
public final class PartitionEncoder implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** What the task needs besides the model: the encoding settings and the output's shape. */
  public record Settings(EncodeSettings encode, boolean vectorType, int keepColumns)
      implements java.io.Serializable {}

  private final Broadcast<EmbeddingModel> model;
  private final Settings s;
  private final JobMetrics metrics;

  private final int partitionOffset;

  /**
   * {@code partitionOffset}: the work partition of this stage's partition 0 (a slice's stage
   * numbers its partitions from 0), so the report names work partitions.
   */
  public PartitionEncoder(Broadcast<EmbeddingModel> model, Settings settings, JobMetrics metrics,
      int partitionOffset) {
    this.model = model;
    this.s = settings;
    this.metrics = metrics;
    this.partitionOffset = partitionOffset;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    long fetchStart = System.nanoTime();
    EmbeddingModel shared = model.value(); // the first task of an executor fetches it
    long fetchNanos = System.nanoTime() - fetchStart;
    long arrivedEpochMillis = System.currentTimeMillis();
    RecordEncoder encoder = new RecordEncoder(shared, s.encode());
    long taskStart = System.nanoTime();
    long[] taskTexts = {0};
    long[] taskTokens = {0};
    long[] taskEncode = {0};
    long[] taskTokenize = {0};
    long[] taskBatches = {0};
    long[] taskChunks = {0};
    return new Iterator<>() {
      private final ArrayDeque<Row> ready = new ArrayDeque<>();
      private boolean reported;

      @Override
      public boolean hasNext() {
        while (ready.isEmpty() && input.hasNext()) encodeWindow();
        if (ready.isEmpty() && !reported) {
          reported = true;
          TaskContext tc = TaskContext.get();
          metrics.tasks.add(TaskStats.onThisExecutor(
              tc == null ? -1 : partitionOffset + tc.partitionId(), taskTexts[0], taskChunks[0],
              taskTokens[0], taskBatches[0], taskTokenize[0], taskEncode[0],
              System.nanoTime() - taskStart, fetchNanos, arrivedEpochMillis));
        }
        return !ready.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) throw new NoSuchElementException();
        return ready.poll();
      }

      private void encodeWindow() {
        List<Row> records = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        while (records.size() < s.encode().sortWindow() && input.hasNext()) {
          Row r = input.next();
          records.add(r);
          // A source's null text is an empty record here (flagged empty), as it always was.
          texts.add(r.isNullAt(1) ? "" : r.getString(1));
        }
        // The reader repaired what Spark strings cannot hold (lone surrogates) and saw the
        // bytes; the encoder's TextRepair is a no-op here, kept so no path can skip it.
        RecordEncoder.Window w = encoder.encode(texts);
        EncodeSettings e = s.encode();
        for (int i = 0; i < records.size(); i++) {
          Row r = records.get(i);
          EncodedText t = w.texts().get(i);
          if (t.failed()) {
            throw new IllegalStateException("record " + r.getString(0) + ": " + t.error());
          }
          String repaired = TextRepair.combine(r.getString(5), t.textRepaired());
          for (EncodedText.ChunkVector cv : t.chunks()) {
            Chunk c = cv.chunk();
            ready.add(row(r, c.index(), c.start(), c.end(), cv.embedding().vector(),
                cv.embedding().nTokens(), c.encoding().truncated(), t.empty(), repaired,
                c.encoding(), cv.embedding(), encoder.model().tokenizer().vocab()));
          }
          if (e.docVector()) {
            ready.add(row(r, -1, 0, texts.get(i).length(), t.vector(), t.nTokens(), false,
                t.empty(), repaired, null, null, null));
          }
          if (t.empty()) metrics.emptyTexts.add(1);
          if (t.truncated()) metrics.truncatedTexts.add(1);
          if (repaired != null) {
            metrics.repairedTexts.add(1);
            if (repaired.contains(TextRepair.INVALID_UTF8)) metrics.repairedInvalidUtf8.add(1);
            if (repaired.contains(TextRepair.LONE_SURROGATE)) metrics.repairedLoneSurrogate.add(1);
          }
        }
        long tokens = w.tokens();
        int batchCount = w.batches();
        int chunkCount = w.chunks();
        metrics.texts.add(records.size());
        metrics.chunks.add(chunkCount);
        metrics.rows.add(ready.size());
        metrics.realTokens.add(tokens);
        metrics.tokenizeNanos.add(w.tokenizeNanos());
        metrics.encodeNanos.add(w.encodeNanos());
        metrics.batches.add(batchCount);
        taskTexts[0] += records.size();
        taskTokens[0] += tokens;
        taskEncode[0] += w.encodeNanos();
        taskTokenize[0] += w.tokenizeNanos();
        taskBatches[0] += batchCount;
        taskChunks[0] += chunkCount;
      }
    };
  }

  private Row row(Row in, int chunk, int start, int end, float[] vector, int nTokens,
      boolean truncated, boolean empty, String repaired, Encoding enc, Embedding e, Vocab vocab) {
    int tokenCols = s.encode().tokenVectors() ? 5 : 0;
    Object[] v = new Object[9 + tokenCols + s.keepColumns()];
    v[0] = in.getString(0);
    v[1] = chunk;
    v[2] = start;
    v[3] = end;
    v[4] = s.vectorType() ? Vectors.dense(toDouble(vector)) : boxed(vector);
    v[5] = nTokens;
    v[6] = truncated;
    v[7] = empty;
    v[8] = repaired;
    if (tokenCols > 0 && enc != null) {
      int n = enc.length();
      Integer[] ids = new Integer[n];
      String[] toks = new String[n];
      Integer[] st = new Integer[n];
      Integer[] en = new Integer[n];
      Object[] vecs = new Object[n];
      for (int t = 0; t < n; t++) {
        ids[t] = enc.ids()[t];
        toks[t] = vocab.token(enc.ids()[t]);
        st[t] = enc.starts()[t];
        en[t] = enc.ends()[t];
        vecs[t] = boxed(e.tokenVectors()[t]);
      }
      v[9] = ids;
      v[10] = toks;
      v[11] = st;
      v[12] = en;
      v[13] = vecs;
    }
    for (int k = 0; k < s.keepColumns(); k++) {
      v[9 + tokenCols + k] = in.get(CorpusReader.KEPT + k);
    }
    return RowFactory.create(v);
  }

  private static Float[] boxed(float[] a) {
    Float[] b = new Float[a.length];
    for (int i = 0; i < a.length; i++) b[i] = a[i];
    return b;
  }

  private static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) d[i] = a[i];
    return d;
  }
}
