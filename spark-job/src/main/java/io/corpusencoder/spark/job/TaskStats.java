package io.corpusencoder.spark.job;

import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.math.Ops;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one encoding task did and where it ran, sent from the executor to the driver through
 * {@link JobMetrics#tasks}. Times are nanoseconds of the task's own clock.
 *
 * @param partition the work partition (not the slice stage's partition number)
 * @param openblasNumThreads the executor's OPENBLAS_NUM_THREADS, null when unset
 * @param simd which elementwise kernels the executor runs ({@link Ops#simd()})
 * @param modelArrivedEpochMillis wall clock when the task held the broadcast model
 */
public record TaskStats(int partition, long texts, long chunks, long realTokens, long batches,
    long readTokenizeNanos, long encodeNanos, long taskNanos, long modelFetchNanos,
    long modelArrivedEpochMillis, String executor, String blas, String openblasNumThreads,
    String simd) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The executor's side of the record: its id, BLAS, OpenBLAS threads and SIMD kernels. */
  static TaskStats onThisExecutor(int partition, long texts, long chunks, long realTokens,
      long batches, long readTokenizeNanos, long encodeNanos, long taskNanos,
      long modelFetchNanos, long modelArrivedEpochMillis) {
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    return new TaskStats(partition, texts, chunks, realTokens, batches, readTokenizeNanos,
        encodeNanos, taskNanos, modelFetchNanos, modelArrivedEpochMillis,
        env == null ? "driver" : env.executorId(), Blas.implementation(),
        System.getenv("OPENBLAS_NUM_THREADS"), Ops.simd());
  }

  double taskSeconds() {
    return taskNanos / 1e9;
  }

  /** The task's entry in _report.json's "tasks" (README, Output). */
  Map<String, Object> toReport() {
    double encodeS = encodeNanos / 1e9;
    double taskS = taskSeconds();
    double tokenizeS = readTokenizeNanos / 1e9;
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("partition", partition);
    t.put("texts", texts);
    t.put("real_tokens", realTokens);
    t.put("encode_s", JobReport.round(encodeS));
    t.put("task_s", JobReport.round(taskS));
    t.put("tokens_per_s", taskS > 0 ? Math.round(realTokens / taskS) : 0);
    t.put("blas", blas);
    t.put("openblas_num_threads", String.valueOf(openblasNumThreads));
    t.put("simd", simd);
    t.put("executor", executor);
    t.put("model_fetch_s", JobReport.round(modelFetchNanos / 1e9));
    t.put("model_arrived_epoch_ms", modelArrivedEpochMillis);
    t.put("read_tokenize_s", JobReport.round(tokenizeS));
    // The rest of the task: handing rows to the writer (Parquet encoding and I/O).
    t.put("write_s", JobReport.round(Math.max(0, taskS - encodeS - tokenizeS)));
    t.put("batches", batches);
    t.put("mean_batch_texts", batches > 0 ? JobReport.round((double) chunks / batches) : 0.0);
    t.put("mean_batch_tokens", batches > 0 ? Math.round((double) realTokens / batches) : 0L);
    t.put("padding_fraction", 0.0); // packed sequences: no padding is computed
    return t;
  }
}
