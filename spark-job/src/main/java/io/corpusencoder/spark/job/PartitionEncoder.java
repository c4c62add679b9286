package io.corpusencoder.spark.job;

import io.corpusencoder.core.batch.Chunk;
import io.corpusencoder.core.batch.Chunker;
import io.corpusencoder.core.embed.Embedding;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.TextRepair;
import io.corpusencoder.core.math.Ops;
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

  /** What the task needs besides the model; all plain values. */
  public record Settings(int maxLength, int stride, boolean truncate, boolean docVector,
      boolean tokenVectors, boolean vectorType, int batchSize, int batchTokens, int sortWindow,
      int keepColumns) implements java.io.Serializable {}

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
    EmbeddingModel m = shared.withMaxLength(s.maxLength());
    Chunker chunker = new Chunker(m.tokenizer(), s.maxLength(), s.stride(), s.truncate());
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
          metrics.tasks.add((tc == null ? -1 : partitionOffset + tc.partitionId()) + " " + taskTexts[0] + " "
              + taskTokens[0] + " " + taskEncode[0] + " " + (System.nanoTime() - taskStart) + " "
              + io.corpusencoder.core.math.Blas.implementation() + " "
              + System.getenv("OPENBLAS_NUM_THREADS") + " " + executorId() + " " + fetchNanos
              + " " + arrivedEpochMillis + " " + taskTokenize[0] + " " + taskBatches[0] + " "
              + taskChunks[0]);
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
        List<String> repairs = new ArrayList<>();
        List<List<Chunk>> chunksPerRecord = new ArrayList<>();
        List<Encoding> encodings = new ArrayList<>();
        long t0 = System.nanoTime();
        while (records.size() < s.sortWindow() && input.hasNext()) {
          Row r = input.next();
          // The rule of every door. The reader repaired what Spark strings cannot hold (lone
          // surrogates) and saw the bytes; here it is a no-op kept so no path can skip it.
          TextRepair.Repaired t = TextRepair.repair(r.getString(1));
          List<Chunk> chunks = chunker.chunk(t.text());
          records.add(r);
          repairs.add(TextRepair.combine(r.getString(5), t.reason()));
          chunksPerRecord.add(chunks);
          for (Chunk c : chunks) encodings.add(c.encoding());
        }
        long t1 = System.nanoTime();
        List<int[]> batches =
            EmbeddingModel.lengthSortedBatches(encodings, s.batchTokens(), s.batchSize());
        List<Embedding> embs =
            m.embedBatches(encodings, batches, s.tokenVectors(), s.tokenVectors(), null);
        long t2 = System.nanoTime();
        int k = 0;
        long tokens = 0;
        for (int i = 0; i < records.size(); i++) {
          Row r = records.get(i);
          String text = r.isNullAt(1) ? null : r.getString(1);
          String repaired = repairs.get(i);
          List<Chunk> chunks = chunksPerRecord.get(i);
          boolean empty = chunks.size() == 1 && chunks.get(0).encoding().length()
              == m.tokenizer().numSpecialTokens();
          float[] docSum = s.docVector() ? new float[m.dimension()] : null;
          int docTokens = 0;
          for (Chunk c : chunks) {
            Embedding e = embs.get(k++);
            tokens += e.nTokens();
            docTokens += e.nTokens();
            if (docSum != null) for (int d = 0; d < docSum.length; d++) docSum[d] += e.vector()[d];
            ready.add(row(r, c.index(), c.start(), c.end(), e.vector(), e.nTokens(),
                c.encoding().truncated(), empty, repaired, c.encoding(), e,
                m.tokenizer().vocab()));
          }
          if (docSum != null) {
            for (int d = 0; d < docSum.length; d++) docSum[d] /= chunks.size();
            Ops.l2NormalizeInPlace(docSum, 0, docSum.length);
            ready.add(row(r, -1, 0, text == null ? 0 : text.length(), docSum, docTokens,
                false, empty, repaired, null, null, null));
          }
          if (empty) metrics.emptyTexts.add(1);
          if (chunks.get(0).encoding().truncated()) metrics.truncatedTexts.add(1);
          if (repaired != null) {
            metrics.repairedTexts.add(1);
            if (repaired.contains(TextRepair.INVALID_UTF8)) metrics.repairedInvalidUtf8.add(1);
            if (repaired.contains(TextRepair.LONE_SURROGATE)) metrics.repairedLoneSurrogate.add(1);
          }
        }
        metrics.texts.add(records.size());
        metrics.chunks.add(encodings.size());
        metrics.rows.add(ready.size());
        metrics.realTokens.add(tokens);
        metrics.tokenizeNanos.add(t1 - t0);
        metrics.encodeNanos.add(t2 - t1);
        metrics.batches.add(batches.size());
        taskTexts[0] += records.size();
        taskTokens[0] += tokens;
        taskEncode[0] += t2 - t1;
        taskTokenize[0] += t1 - t0;
        taskBatches[0] += batches.size();
        taskChunks[0] += encodings.size();
      }
    };
  }

  private Row row(Row in, int chunk, int start, int end, float[] vector, int nTokens,
      boolean truncated, boolean empty, String repaired, Encoding enc, Embedding e, Vocab vocab) {
    int tokenCols = s.tokenVectors() ? 5 : 0;
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

  private static String executorId() {
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    return env == null ? "driver" : env.executorId();
  }
}
