package io.corpusencoder.spark.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.corpusencoder.core.embed.EmbeddingModel;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** What a job did: counts that must add up, tokens, stage times, throughput, model, settings. */
public final class JobReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  public final Map<String, Object> fields = new LinkedHashMap<>();

  public long recordsRead() {
    return ((Number) fields.get("records_read")).longValue();
  }

  /** Per-task figures from JobMetrics.tasks lines. */
  static List<Map<String, Object>> tasks(List<String> lines) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String l : lines) {
      String[] p = l.split(" ");
      Map<String, Object> t = new LinkedHashMap<>();
      long tokens = Long.parseLong(p[2]);
      double encodeS = Long.parseLong(p[3]) / 1e9;
      double taskS = Long.parseLong(p[4]) / 1e9;
      t.put("partition", Integer.parseInt(p[0]));
      t.put("texts", Long.parseLong(p[1]));
      t.put("real_tokens", tokens);
      t.put("encode_s", round(encodeS));
      t.put("task_s", round(taskS));
      t.put("tokens_per_s", taskS > 0 ? Math.round(tokens / taskS) : 0);
      t.put("blas", p[5]);
      t.put("openblas_num_threads", p[6]);
      t.put("executor", p[7]);
      t.put("model_fetch_s", round(Long.parseLong(p[8]) / 1e9));
      t.put("model_arrived_epoch_ms", Long.parseLong(p[9]));
      double tokenizeS = Long.parseLong(p[10]) / 1e9;
      long batches = Long.parseLong(p[11]);
      long chunks = Long.parseLong(p[12]);
      t.put("read_tokenize_s", round(tokenizeS));
      // The rest of the task: handing rows to the writer (Parquet encoding and I/O).
      t.put("write_s", round(Math.max(0, taskS - encodeS - tokenizeS)));
      t.put("batches", batches);
      t.put("mean_batch_texts", batches > 0 ? round((double) chunks / batches) : 0.0);
      t.put("mean_batch_tokens", batches > 0 ? Math.round((double) tokens / batches) : 0L);
      t.put("padding_fraction", 0.0); // packed sequences: no padding is computed
      out.add(t);
    }
    out.sort((a, b) -> Integer.compare((Integer) a.get("partition"), (Integer) b.get("partition")));
    return out;
  }

  /**
   * The model's trip to the executors: its serialized size, and per executor how long after the
   * broadcast was created its first task held the model (fetch and deserialization included).
   */
  static Map<String, Object> broadcast(EmbeddingModel model, double createSeconds,
      long createdEpochMillis, List<Map<String, Object>> tasks) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("serialized_bytes", serializedSize(model));
    b.put("weights_sha256", model.encoder().weightsSha256());
    b.put("create_s", round(createSeconds));
    Map<String, Long> firstArrival = new java.util.TreeMap<>();
    Map<String, Double> fetch = new java.util.TreeMap<>();
    for (Map<String, Object> t : tasks) {
      String e = (String) t.get("executor");
      firstArrival.merge(e, (Long) t.get("model_arrived_epoch_ms"), Math::min);
      fetch.merge(e, (Double) t.get("model_fetch_s"), Math::max);
    }
    List<Map<String, Object>> executors = new ArrayList<>();
    double all = 0;
    for (var e : firstArrival.entrySet()) {
      double s = round(Math.max(0, e.getValue() - createdEpochMillis) / 1e3);
      all = Math.max(all, s);
      executors.add(Map.of("executor", e.getKey(), "held_after_s", s,
          "fetch_and_deserialize_s", fetch.get(e.getKey())));
    }
    b.put("executors", executors);
    b.put("all_executors_hold_it_after_s", all);
    return b;
  }

  /** Bytes of the model under Java serialization, what Spark's broadcast ships. */
  public static long serializedSize(java.io.Serializable value) {
    long[] n = {0};
    OutputStream counter = new OutputStream() {
      @Override
      public void write(int b) {
        n[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        n[0] += len;
      }
    };
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(counter)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return n[0];
  }

  /** The report a completed job wrote. */
  public static JobReport read(String outputDir, Configuration conf) throws IOException {
    Path p = new Path(outputDir, "_report.json");
    JobReport r = new JobReport();
    try (java.io.InputStream in = p.getFileSystem(conf).open(p)) {
      r.fields.putAll(JSON.readValue(in,
          new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() {}));
    }
    return r;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  void write(String outputDir, Configuration conf) throws IOException {
    Path p = new Path(outputDir, "_report.json");
    FileSystem fs = p.getFileSystem(conf);
    try (OutputStream out = fs.create(p, true)) {
      JSON.writeValue(out, fields);
    }
  }

  String toJson() throws IOException {
    return JSON.writeValueAsString(fields);
  }

  /**
   * Warnings a user must see: tasks on the slow pure-Java BLAS, or native BLAS free to start one
   * thread per core in every task (oversubscription). Each says the one-line fix.
   */
  static List<String> warnings(List<Map<String, Object>> tasks) {
    List<String> w = new ArrayList<>();
    long slow = tasks.stream().filter(t -> !"JNIBLAS".equals(t.get("blas"))).count();
    if (slow > 0) {
      w.add(slow + " of " + tasks.size() + " tasks ran on " + tasks.stream()
          .map(t -> (String) t.get("blas")).filter(b -> !"JNIBLAS".equals(b)).findFirst().orElse("")
          + ", a pure-Java BLAS several times slower than native OpenBLAS; fix: apt-get install -y "
          + "libopenblas0-pthread on every node");
    }
    long unbounded = tasks.stream().filter(t -> "JNIBLAS".equals(t.get("blas"))
        && "null".equals(t.get("openblas_num_threads"))).count();
    if (unbounded > 0) {
      w.add(unbounded + " of " + tasks.size() + " tasks ran OpenBLAS without OPENBLAS_NUM_THREADS,"
          + " so each may start one thread per core and oversubscribe them; fix: export "
          + "OPENBLAS_NUM_THREADS=1 (and spark.executorEnv.OPENBLAS_NUM_THREADS=1)");
    }
    return w;
  }

  /** Per executor: tasks, tokens, busy seconds (sum of task times) and tokens/s while busy. */
  static List<Map<String, Object>> executors(List<Map<String, Object>> tasks) {
    Map<String, double[]> agg = new java.util.TreeMap<>();
    for (Map<String, Object> t : tasks) {
      double[] a = agg.computeIfAbsent((String) t.get("executor"), k -> new double[3]);
      a[0]++;
      a[1] += ((Number) t.get("real_tokens")).doubleValue();
      a[2] += ((Number) t.get("task_s")).doubleValue();
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (var e : agg.entrySet()) {
      double[] a = e.getValue();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("executor", e.getKey());
      m.put("tasks", (long) a[0]);
      m.put("real_tokens", (long) a[1]);
      m.put("busy_s", round(a[2]));
      m.put("tokens_per_s", a[2] > 0 ? Math.round(a[1] / a[2]) : 0L);
      out.add(m);
    }
    return out;
  }

  /** The slowest task against the median: how uneven the partitions were. */
  static Map<String, Object> skew(List<Map<String, Object>> tasks) {
    Map<String, Object> m = new LinkedHashMap<>();
    double[] times = tasks.stream().mapToDouble(t -> ((Number) t.get("task_s")).doubleValue())
        .sorted().toArray();
    if (times.length == 0) return m;
    double median = times.length % 2 == 1 ? times[times.length / 2]
        : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
    double max = times[times.length - 1];
    m.put("slowest_task_s", round(max));
    m.put("median_task_s", round(median));
    m.put("slowest_over_median", median > 0 ? round(max / median) : 0.0);
    return m;
  }

  /** The one-line console summary; repaired texts are named when there are any. */
  String summary() {
    return String.format(Locale.ROOT, "corpus-encoder: %d records read, %d written as %d rows, "
            + "%d quarantined%s; %d real tokens in %.1f s = %.0f tokens/s; output %s",
        fields.get("records_read"), fields.get("records_written"), fields.get("rows_written"),
        fields.get("records_quarantined"), repairedSummary(), fields.get("real_tokens"),
        (Double) fields.get("wall_s"), (Double) fields.get("tokens_per_s"), fields.get("output"));
  }

  /** ", N texts repaired (I invalid UTF-8, L lone surrogates; see text_repaired)", or "". */
  private String repairedSummary() {
    if (!(fields.get("repaired_texts") instanceof Number n) || n.longValue() == 0) return "";
    Map<?, ?> by = fields.get("repaired_by_reason") instanceof Map<?, ?> m ? m : Map.of();
    return String.format(Locale.ROOT, ", %d texts repaired (%s with invalid UTF-8, %s with lone "
        + "surrogates; see text_repaired)", n.longValue(), by.get("invalid_utf8"),
        by.get("lone_surrogate"));
  }

  /** Where the time went, in one line: stage totals over tasks, and the skew. */
  @SuppressWarnings("unchecked")
  String timeSummary() {
    List<Map<String, Object>> tasks = (List<Map<String, Object>>) fields.get("tasks");
    double read = 0, encode = 0, write = 0;
    for (Map<String, Object> t : tasks) {
      read += ((Number) t.get("read_tokenize_s")).doubleValue();
      encode += ((Number) t.get("encode_s")).doubleValue();
      write += ((Number) t.get("write_s")).doubleValue();
    }
    double all = Math.max(read + encode + write, 1e-9);
    Map<String, Object> skew = (Map<String, Object>) fields.get("skew");
    return String.format(Locale.ROOT, "corpus-encoder: task time %.0f%% read+tokenize, %.0f%% "
            + "encode, %.0f%% write; %d tasks on %d executors; slowest task %s s vs median %s s",
        100 * read / all, 100 * encode / all, 100 * write / all, tasks.size(),
        ((List<?>) fields.get("executors")).size(), skew.getOrDefault("slowest_task_s", 0),
        skew.getOrDefault("median_task_s", 0));
  }
}
