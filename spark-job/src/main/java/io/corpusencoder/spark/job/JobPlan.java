package io.corpusencoder.spark.job;

import static org.apache.spark.sql.functions.col;

import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelIdentity;
import io.corpusencoder.core.math.Ops;
import io.corpusencoder.spark.commit.ResumeModelCheck;
import io.corpusencoder.spark.commit.SliceCounts;
import io.corpusencoder.spark.commit.SliceLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Inputs and options to slices: the work partitions and how many a slice holds (sized by the
 * work, by options, or taken from the plan being resumed), what {@code _slices/plan.json}
 * records, and the resume check: a resumed job must find the same inputs, settings and model, so
 * it cuts the same slices on any cluster, or it is refused.
 */
final class JobPlan {
  /** Texts the driver tokenizes and encodes to size the work (see WorkSizing). */
  static final int SIZING_SAMPLE = 256;

  final int inputPartitions;
  final int workPartitions;
  final int partitionsPerSlice;
  /** How the work was sized, for the report's slices.sizing. */
  final Map<String, Object> sizing;
  /** Slices an earlier run of this job committed (empty unless resumed), by number. */
  final Map<Integer, SliceCounts> done;

  private JobPlan(int inputPartitions, int workPartitions, int partitionsPerSlice,
      Map<String, Object> sizing, Map<Integer, SliceCounts> done) {
    this.inputPartitions = inputPartitions;
    this.workPartitions = workPartitions;
    this.partitionsPerSlice = partitionsPerSlice;
    this.sizing = sizing;
    this.done = Collections.unmodifiableMap(done);
  }

  int slices() {
    return (workPartitions + partitionsPerSlice - 1) / partitionsPerSlice;
  }

  /** The first work partition of {@code slice}. */
  int firstPartition(int slice) {
    return slice * partitionsPerSlice;
  }

  /** One past the last work partition of {@code slice}. */
  int endPartition(int slice) {
    return Math.min(workPartitions, firstPartition(slice) + partitionsPerSlice);
  }

  /** The slices still to encode, in order. */
  List<Integer> todo() {
    List<Integer> todo = new ArrayList<>();
    for (int k = 0; k < slices(); k++) if (!done.containsKey(k)) todo.add(k);
    return todo;
  }

  /** {@code records} cut into the work partitions. */
  Dataset<Row> partition(Dataset<Row> records) {
    // Round-robin repartitioning is deterministic here (Spark sorts each input partition first).
    return workPartitions == inputPartitions ? records : records.repartition(workPartitions);
  }

  /**
   * Sizes the work of a new job and records it in plan.json; or, resuming, reads the plan, checks
   * it against the inputs, settings and model now, and recovers the slices already committed.
   */
  static JobPlan settle(SparkSession spark, JobOptions o, EmbeddingModel model,
      Dataset<Row> records, InputCheck input, SliceLog log, boolean resume) throws IOException {
    var sc = spark.sparkContext();
    int inputPartitions = records.rdd().getNumPartitions();
    Map<String, Object> before = resume ? log.readPlan() : null;
    int workPartitions;
    int perSlice;
    Map<String, Object> sizing;
    if (before != null) {
      workPartitions = ((Number) before.get("work_partitions")).intValue();
      perSlice = ((Number) before.get("partitions_per_slice")).intValue();
      sizing = new LinkedHashMap<>(Map.of("sized_by", "the resumed plan"));
    } else {
      int slots = sc.defaultParallelism();
      WorkSizing w;
      if (o.getInt("partitions") > 0 || o.getInt("slice-partitions") > 0) {
        w = WorkSizing.byOptions(o.getInt("partitions"), o.getInt("slice-partitions"),
            inputPartitions, slots);
      } else {
        sc.setJobDescription("corpus-encoder: sample " + o.get("input") + " to size the work");
        List<String> sample = records.filter(col(CorpusReader.BAD).isNull())
            .select(col(CorpusReader.TEXT)).limit(SIZING_SAMPLE).collectAsList().stream()
            .map(r -> r.isNullAt(0) ? "" : r.getString(0)).toList();
        w = WorkSizing.byWork(input.read(), input.chars(), WorkSizing.measure(model, sample, 2.0),
            slots, o.getInt("slice-seconds"));
      }
      workPartitions = w.workPartitions();
      perSlice = w.partitionsPerSlice();
      sizing = w.report();
    }
    int numSlices = (workPartitions + perSlice - 1) / perSlice;
    Map<String, Object> now = record(o, model.identity(), inputPartitions, workPartitions,
        perSlice, numSlices, sc.hadoopConfiguration());
    // The prompt as resolved: a model's default_prompt_name may change with no option changing.
    now.put(PROMPT_KEY, model.prompt());
    Map<Integer, SliceCounts> done = new TreeMap<>();
    if (before != null) {
      requireSame(before, now, model.identity(), o.get("output"));
      for (var e : log.recover().entrySet()) {
        done.put(e.getKey(), SliceCounts.fromManifest(e.getValue(),
            "the manifest of slice " + e.getKey() + " in " + o.get("output")));
      }
    } else {
      log.writePlan(now);
    }
    return new JobPlan(inputPartitions, workPartitions, perSlice, sizing, done);
  }

  /** The plan's key for the prompt text the vectors were made with ("" none). */
  static final String PROMPT_KEY = "prompt";

  /** What the slices are cut from (plan.json); a resume must find the same. */
  static Map<String, Object> record(JobOptions o, ModelIdentity model, int inputPartitions,
      int workPartitions, int perSlice, int numSlices, Configuration conf) throws IOException {
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("input_partitions", inputPartitions);
    plan.put("work_partitions", workPartitions);
    plan.put("partitions_per_slice", perSlice);
    plan.put("slices", numSlices);
    // Vectors of two numerics revisions (an upgrade between the runs) must not share an output.
    plan.put("numerics_revision", Ops.NUMERICS_REVISION);
    Map<String, String> settings = new TreeMap<>(o.asMap());
    // Settings that change neither which records a slice holds nor any vector may differ.
    for (String k : List.of("master", "conf", "resume", "save-mode", "partitions",
        "slice-partitions", "slice-seconds", "batch-size", "batch-tokens", "sort-window", "max-bad-fraction")) {
      settings.remove(k);
    }
    plan.put("settings", settings);
    // --model is a name or a path; what it held when the job began must be what it holds now.
    plan.put(ResumeModelCheck.PLAN_KEY, ResumeModelCheck.planEntry(model));
    List<String> inputs = new ArrayList<>();
    for (String in : o.getPaths("input")) {
      Path p = new Path(in);
      FileSystem fs = p.getFileSystem(conf);
      for (FileStatus g : fs.globStatus(p)) {
        var it = fs.listFiles(g.getPath(), true);
        while (it.hasNext()) {
          var f = it.next();
          inputs.add(f.getPath() + " " + f.getLen() + " " + f.getModificationTime());
        }
      }
    }
    inputs.sort(null);
    plan.put("inputs", inputs);
    return plan;
  }

  /** The resume check: the plan recorded {@code before} against the one made {@code now}. */
  static void requireSame(Map<String, Object> before, Map<String, Object> now,
      ModelIdentity model, String output) {
    for (String key : now.keySet()) {
      Object a = before.get(key);
      if (a == null && key.equals(PROMPT_KEY)) a = ""; // plans from before prompts had none
      if (key.equals(ResumeModelCheck.PLAN_KEY)) {
        ResumeModelCheck.requireSame(a, model, output);
        continue;
      }
      Object b = now.get(key);
      if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
        for (Object k : mb.keySet()) {
          if (!String.valueOf(ma.get(k)).equals(String.valueOf(mb.get(k)))) {
            throw new IllegalArgumentException("--resume: --" + k + " was " + ma.get(k)
                + " in the unfinished job in " + output + " and is " + mb.get(k) + " now; "
                + "resume with the same settings, or --save-mode overwrite to start again");
          }
        }
      } else if (!String.valueOf(a).equals(String.valueOf(b))) {
        throw new IllegalArgumentException("--resume: the " + key.replace('_', ' ') + " differ "
            + "from the unfinished job's in " + output + " (was " + (a == null ? "not recorded" : a)
            + ", now " + b + "); "
            + "resume with the same input and settings, or --save-mode overwrite to start again");
      }
    }
  }
}
