package io.corpusencoder.spark.tune;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Predicts a job's wall time and core-hours on E executors of C cores from what scripts/tune.sh
 * measured on this machine: tokens per document (chunked, special tokens included), the
 * per-task rate (read, tokenize, encode and write: real tokens per busy second) with every core
 * busy and with one, the start-up of a fresh job (a cold run in a JVM of its own, less its
 * steady-state work) and what a fresh executor JVM adds on a cluster (JVM start and model load,
 * JIT warm-up). Wall time, as the job report's {@code wall_s}:
 *
 * <pre>
 *   start + (cluster ? executorStart : 0) + docs · tokensPerDoc / (E·C · taskRate)
 * </pre>
 *
 * with the one-task rate when E·C = 1, the all-cores-busy rate otherwise.
 */
record CostModel(double tokensPerDoc, double taskTokensPerSAllBusy, double taskTokensPerSAlone,
    double startSeconds, double executorStartSeconds, long modelBytes,
    long activationBytesPerTask) {

  /** Predicted wall seconds for {@code docs} documents on executors × cores task slots. */
  double wallSeconds(long docs, int executors, int cores, boolean cluster) {
    int slots = executors * cores;
    double rate = slots == 1 ? taskTokensPerSAlone : taskTokensPerSAllBusy;
    return startSeconds + (cluster ? executorStartSeconds : 0)
        + docs * tokensPerDoc / (slots * rate);
  }

  /** Executor memory: the model twice while it arrives, activations per task, Spark's own. */
  long executorMemoryBytes(int cores) {
    return 2 * modelBytes + cores * activationBytesPerTask + 512L * 1024 * 1024;
  }

  Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tokens_per_doc", tokensPerDoc);
    m.put("task_tokens_per_s_all_cores_busy", taskTokensPerSAllBusy);
    m.put("task_tokens_per_s_alone", taskTokensPerSAlone);
    m.put("start_s", startSeconds);
    m.put("executor_start_s", executorStartSeconds);
    m.put("model_bytes", modelBytes);
    m.put("activation_bytes_per_task", activationBytesPerTask);
    return m;
  }

  static CostModel fromMap(Map<String, Object> m) {
    return new CostModel(num(m, "tokens_per_doc"), num(m, "task_tokens_per_s_all_cores_busy"),
        num(m, "task_tokens_per_s_alone"), num(m, "start_s"), num(m, "executor_start_s"),
        (long) num(m, "model_bytes"), (long) num(m, "activation_bytes_per_task"));
  }

  private static double num(Map<String, Object> m, String k) {
    Object v = m.get(k);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("tune.json: cost_model." + k + " is missing; rerun "
          + "scripts/tune.sh to measure it");
    }
    return n.doubleValue();
  }
}
