package io.corpusencoder.spark.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.corpusencoder.core.embed.EmbeddingMetadata;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.TextRepair;
import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.math.Ops;
import io.corpusencoder.spark.commit.SliceCounts;
import io.corpusencoder.spark.commit.SliceWriter;
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

  /**
   * The report of a finished run, from typed records: the read-and-check counts, the plan (with
   * the slices an earlier run committed) and this run's slices with their tasks.
   */
  record Run(JobOptions options, EncodeJob.Prepared prepared, String version, InputCheck input,
      JobPlan plan, Map<Integer, SliceWriter.Written> ran, boolean resumed, Timings times) {}

  /**
   * Driver-side times (seconds, except the broadcast's creation time on the wall clock) and the
   * broadcast's size as Spark stored it ({@link BroadcastBytes}).
   */
  record Timings(double encodeWriteSeconds, double wallSeconds, double broadcastSeconds,
      long broadcastEpochMillis, long broadcastBytes) {}

  /** Every field of _report.json but rows_committed (README, Output, says what each means). */
  static JobReport build(Run run, Map<String, Object> spark) {
    EmbeddingModel model = run.prepared().model();
    JobOptions o = run.options();
    InputCheck input = run.input();
    JobPlan plan = run.plan();
    // Totals over every slice, those of an earlier run included; throughput from this run only.
    SliceCounts before = SliceCounts.sum(plan.done.values());
    SliceCounts thisRun = SliceCounts.sum(
        run.ran().values().stream().map(SliceWriter.Written::counts).toList());
    SliceCounts total = before.plus(thisRun);
    List<TaskStats> taskStats = new ArrayList<>();
    for (SliceWriter.Written w : run.ran().values()) taskStats.addAll(w.tasks());

    JobReport r = new JobReport();
    r.fields.put("records_read", input.read());
    r.fields.put("records_written", total.texts());
    r.fields.put("records_quarantined", total.quarantined());
    r.fields.put("counts_add_up", input.read() == total.records()
        && total.quarantined() == input.bad());
    r.fields.put("rows_written", total.rows());
    r.fields.put("texts", total.texts());
    r.fields.put("chunks", total.chunks());
    r.fields.put("empty_texts", total.emptyTexts());
    r.fields.put("truncated_texts", total.truncatedTexts());
    // Texts changed by TextRepair (invalid UTF-8, lone surrogates), flagged in text_repaired; a
    // text with both counts once here and under each reason.
    r.fields.put("repaired_texts", total.repairedTexts());
    Map<String, Object> repairs = new LinkedHashMap<>();
    repairs.put(TextRepair.INVALID_UTF8, total.repairedInvalidUtf8());
    repairs.put(TextRepair.LONE_SURROGATE, total.repairedLoneSurrogate());
    r.fields.put("repaired_by_reason", repairs);
    r.fields.put("real_tokens", total.realTokens());
    r.fields.put("padding_tokens", 0L); // sequences are packed: no padding is ever computed
    r.fields.put("batches", total.batches());
    Map<String, Object> slices = new LinkedHashMap<>();
    slices.put("slices", plan.slices());
    slices.put("work_partitions", plan.workPartitions);
    slices.put("partitions_per_slice", plan.partitionsPerSlice);
    slices.put("sizing", plan.sizing);
    slices.put("resumed", run.resumed());
    slices.put("slices_skipped", plan.done.size());
    slices.put("records_skipped", before.records());
    slices.put("records_this_run", input.read() - before.records());
    r.fields.put("slices", slices);
    Map<String, Object> stages = new LinkedHashMap<>();
    stages.put("model_load_s", round(run.prepared().loadNanos() / 1e9));
    stages.put("read_and_check_s", round(input.seconds()));
    stages.put("tokenize_task_s", round(thisRun.tokenizeNanos() / 1e9));
    stages.put("encode_task_s", round(thisRun.encodeNanos() / 1e9));
    stages.put("read_encode_write_s", round(run.times().encodeWriteSeconds()));
    r.fields.put("stages", stages);
    r.fields.put("wall_s", round(run.times().wallSeconds()));
    r.fields.put("tokens_per_s", (double) Math.round(
        thisRun.realTokens() / Math.max(run.times().encodeWriteSeconds(), 1e-9)));
    r.fields.put("tasks", tasks(taskStats));
    r.fields.put("executors", executors(taskStats));
    r.fields.put("skew", skew(taskStats));
    r.fields.put("broadcast", broadcast(model, run.times().broadcastBytes(),
        run.times().broadcastSeconds(), run.times().broadcastEpochMillis(), taskStats));
    List<String> notes = run.prepared().modelNotes();
    List<String> warnings = new ArrayList<>(notes);
    warnings.addAll(warnings(taskStats));
    r.fields.put("model_notes", notes);
    r.fields.put("warnings", warnings);
    r.fields.put("model", EmbeddingMetadata.fields(model, o.encodeSettings(), run.version()));
    r.fields.put("blas", Blas.implementation());
    r.fields.put("simd", Ops.simd());
    r.fields.put("spark", spark);
    r.fields.put("output", o.get("output"));
    r.fields.put("settings", o.asMap());
    return r;
  }

  /** The "tasks" list: one entry per task, by work partition. */
  static List<Map<String, Object>> tasks(List<TaskStats> tasks) {
    return byPartition(tasks).stream().map(TaskStats::toReport).toList();
  }

  private static List<TaskStats> byPartition(List<TaskStats> tasks) {
    List<TaskStats> sorted = new ArrayList<>(tasks);
    sorted.sort(java.util.Comparator.comparingInt(TaskStats::partition));
    return sorted;
  }

  /**
   * The model's trip to the executors: the bytes its broadcast ships ({@code serializedBytes}),
   * and per executor how long after the broadcast was created its first task held the model
   * (fetch and deserialization included).
   */
  static Map<String, Object> broadcast(EmbeddingModel model, long serializedBytes,
      double createSeconds, long createdEpochMillis, List<TaskStats> tasks) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("serialized_bytes", serializedBytes);
    b.put("weights_sha256", model.encoder().weightsSha256());
    b.put("create_s", round(createSeconds));
    Map<String, Long> firstArrival = new java.util.TreeMap<>();
    Map<String, Double> fetch = new java.util.TreeMap<>();
    for (TaskStats t : tasks) {
      firstArrival.merge(t.executor(), t.modelArrivedEpochMillis(), Math::min);
      fetch.merge(t.executor(), round(t.modelFetchNanos() / 1e9), Math::max);
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

  /**
   * Bytes of {@code value} under Java serialization (what Spark's broadcast ships, before
   * spark.broadcast.compress), counted as they stream by: Tuner's model size before any broadcast.
   */
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
   * Warnings a user must see: tasks on the slow pure-Java BLAS, native BLAS free to start one
   * thread per core in every task (oversubscription), or executors without the SIMD kernels.
   * Each says the one-line fix.
   */
  static List<String> warnings(List<TaskStats> tasks) {
    List<String> w = new ArrayList<>();
    List<TaskStats> slow = byPartition(tasks).stream().filter(t -> !"JNIBLAS".equals(t.blas())).toList();
    if (!slow.isEmpty()) {
      w.add(slow.size() + " of " + tasks.size() + " tasks ran on " + slow.get(0).blas()
          + ", a pure-Java BLAS several times slower than native OpenBLAS; fix: apt-get install -y "
          + "libopenblas0-pthread on every node");
    }
    long unbounded = tasks.stream().filter(t -> "JNIBLAS".equals(t.blas())
        && t.openblasNumThreads() == null).count();
    if (unbounded > 0) {
      w.add(unbounded + " of " + tasks.size() + " tasks ran OpenBLAS without OPENBLAS_NUM_THREADS,"
          + " so each may start one thread per core and oversubscribe them; fix: export "
          + "OPENBLAS_NUM_THREADS=1 (and spark.executorEnv.OPENBLAS_NUM_THREADS=1)");
    }
    // Same bits either way, but slower; a user who turned SIMD off on purpose is not warned.
    List<TaskStats> scalar = byPartition(tasks).stream().filter(t -> !t.simd().startsWith("Vector API")
        && !t.simd().contains("corpusencoder.simd=false")).toList();
    if (!scalar.isEmpty()) {
      w.add(scalar.size() + " of " + tasks.size() + " tasks ran the elementwise kernels "
          + scalar.get(0).simd() + " on executor " + scalar.get(0).executor() + "; fix: pass "
          + "--add-modules=jdk.incubator.vector to the executors' JVMs "
          + "(spark.executor.extraJavaOptions)");
    }
    return w;
  }

  /**
   * Per executor: tasks, tokens, busy seconds (sum of task times), tokens/s while busy, and its
   * BLAS and SIMD kernels (one JVM: its first task's).
   */
  static List<Map<String, Object>> executors(List<TaskStats> tasks) {
    Map<String, List<TaskStats>> byExecutor = new java.util.TreeMap<>();
    for (TaskStats t : byPartition(tasks)) {
      byExecutor.computeIfAbsent(t.executor(), k -> new ArrayList<>()).add(t);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (var e : byExecutor.entrySet()) {
      long tokens = 0;
      double busy = 0;
      for (TaskStats t : e.getValue()) {
        tokens += t.realTokens();
        busy += round(t.taskSeconds()); // as the "tasks" entries show it
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("executor", e.getKey());
      m.put("tasks", (long) e.getValue().size());
      m.put("real_tokens", tokens);
      m.put("busy_s", round(busy));
      m.put("tokens_per_s", busy > 0 ? Math.round(tokens / busy) : 0L);
      m.put("blas", e.getValue().get(0).blas());
      m.put("simd", e.getValue().get(0).simd());
      out.add(m);
    }
    return out;
  }

  /** The slowest task against the median: how uneven the partitions were. */
  static Map<String, Object> skew(List<TaskStats> tasks) {
    Map<String, Object> m = new LinkedHashMap<>();
    double[] times = tasks.stream().mapToDouble(t -> round(t.taskSeconds())).sorted().toArray();
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
