package io.corpusencoder.spark.job;

import static io.corpusencoder.spark.job.ClusterScripts.deleteTree;
import static io.corpusencoder.spark.job.ClusterScripts.freePort;
import static io.corpusencoder.spark.job.ClusterScripts.read;
import static io.corpusencoder.spark.job.ClusterScripts.script;
import static io.corpusencoder.spark.job.ClusterScripts.start;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corpusencoder.spark.job.ClusterScripts.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job on a real standalone cluster (scripts/cluster.sh: a Master and two Workers, executors
 * in JVMs of their own) submitted with scripts/submit.sh, as a user would. One executor JVM is
 * killed (kill -9) while the job runs; the job completes, every input id is in the output or the
 * quarantine exactly once, and every vector equals, bit for bit, the one a local-mode run gives.
 * Runs in `mvn verify` (failsafe) of each Spark line's module, after its job jar is packaged: the
 * cluster runs that line's Spark (the module's target/spark-home, Spark's jars only), and
 * submit.sh picks that line's job jar from it. The local run uses the line named by the
 * {@code crossline.spark.home} property when set (the 3.5 module sets Spark 4's home), so the
 * vectors are also compared bit for bit across the two Spark lines.
 */
class ClusterFaultToleranceIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path MODULE = ClusterScripts.MODULE;
  static final Path WORK = MODULE.resolve("target/it-cluster");
  static final Path SPARK_HOME = ClusterScripts.SPARK_HOME;
  static final Path DIR = WORK.resolve("cluster");
  static int port;
  static int webui;

  @BeforeAll
  static void startCluster() throws Exception {
    deleteTree(WORK);
    Files.createDirectories(WORK);
    port = freePort(1);
    webui = freePort(3);
    Result r = script(WORK.resolve("cluster-start.log"), 180, "scripts/cluster.sh", "start",
        "--dir", DIR.toString(), "--port", String.valueOf(port), "--webui-port",
        String.valueOf(webui), "--workers", "2", "--worker-cores", "1", "--worker-memory", "2g");
    assertEquals(0, r.status(), r.output());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    // Always, also when a test failed: no daemon outlives the build.
    Result r = script(WORK.resolve("cluster-stop.log"), 120, "scripts/cluster.sh", "stop",
        "--dir", DIR.toString());
    System.out.println(r.output());
  }

  @Test
  void anExecutorKilledMidJobLosesNoRecordAndWritesNoneTwice() throws Exception {
    int n = 4000;
    Path in = corpus(n);
    Path out = WORK.resolve("cluster-out");
    String[] job = {"--input", in.toString(), "--output", out.toString(), "--partitions", "12",
        "--slice-partitions", "2", "--long-text", "truncate", "--save-mode", "overwrite"};
    List<String> submit = new ArrayList<>(List.of("scripts/submit.sh", "--master",
        "spark://127.0.0.1:" + port, "--cluster-dir", DIR.toString(), "--executor-memory", "2g",
        "--total-executor-cores", "2"));
    submit.addAll(List.of(job));
    Process p = start(WORK.resolve("cluster-job.log"), submit);

    // Once a slice is committed the job is mid-way: kill one executor JVM outright. Any slice:
    // two run in flight, so slice 1 may commit before slice 0.
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (committedSlices(out) == 0) {
      assertTrue(p.isAlive(), () -> "the job ended early: " + read(WORK.resolve("cluster-job.log")));
      assertTrue(System.nanoTime() < deadline, "no slice committed in 5 minutes");
      Thread.sleep(200);
    }
    List<Long> executors = executorPids();
    assertEquals(2, executors.size(), "two executor JVMs: " + executors);
    long victim = executors.get(0);
    assertEquals(0, new ProcessBuilder("kill", "-9", String.valueOf(victim)).start().waitFor());
    System.out.println("killed executor JVM " + victim + " mid-job");

    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the job did not finish in 10 minutes");
    String log = read(WORK.resolve("cluster-job.log"));
    assertEquals(0, p.exitValue(), log);
    assertFalse(ProcessHandle.of(victim).map(ProcessHandle::isAlive).orElse(false));
    // The Worker replaced the lost executor: three executor folders for the application.
    long launched;
    try (Stream<Path> s = Files.walk(DIR, 3)) {
      launched = s.filter(f -> f.getParent() != null
          && f.getParent().getFileName().toString().startsWith("app-")
          && Files.isDirectory(f)).count();
    }
    assertTrue(launched >= 3, "executors launched: " + launched);

    JsonNode report = JSON.readTree(out.resolve("_report.json").toFile());
    System.out.println("cluster job report:\n" + report.toPrettyString());
    assertEquals(n, report.get("records_read").asLong());
    assertTrue(report.get("counts_add_up").asBoolean(), report.toString());
    assertTrue(report.at("/broadcast/executors").size() >= 2,
        "the broadcast report names every executor that held the model");

    // The same job in local mode, through the same script: bitwise the same vectors. On the
    // other Spark line when crossline.spark.home names one: its own Spark, Scala, Jackson and
    // netlib, its own job jar (submit.sh picks it from that SPARK_HOME).
    String crossLine = System.getProperty("crossline.spark.home", "");
    Path localHome = crossLine.isEmpty() ? SPARK_HOME : MODULE.resolve(crossLine).normalize();
    assertTrue(Files.isDirectory(localHome.resolve("jars")), () -> localHome + " has no jars/: "
        + "the other line's module must be packaged first (mvn -DskipTests package builds both)");
    System.out.println("local run on " + localHome);
    Path local = WORK.resolve("local-out");
    List<String> localSubmit = new ArrayList<>(List.of("scripts/submit.sh", "--master",
        "local[2]"));
    localSubmit.addAll(List.of(job));
    localSubmit.set(localSubmit.indexOf(out.toString()), local.toString());
    localSubmit.set(localSubmit.indexOf("12"), "3"); // and other partitions
    Process lp = start(WORK.resolve("local-job.log"), localSubmit, localHome, Map.of());
    assertTrue(lp.waitFor(10, TimeUnit.MINUTES));
    String localLog = read(WORK.resolve("local-job.log"));
    assertEquals(0, lp.exitValue(), localLog);
    assertTrue(localLog.contains(localHome.resolve("jars").toString()), "ran on " + localHome);

    var spark = SparkTestSupport.spark();
    Map<String, float[]> onCluster = vectors(spark.read().parquet(out.toString()).collectAsList());
    Map<String, float[]> onLocal = vectors(spark.read().parquet(local.toString()).collectAsList());
    // A malformed line has no readable id field: the quarantine keeps its raw text.
    List<String> bad = spark.read().json(out.resolve("_quarantine").toString()).select("raw")
        .collectAsList().stream().map(r -> r.getString(0).replaceAll(".*\"(doc-\\d+)\".*", "$1"))
        .toList();
    assertEquals(n / 500, bad.size(), "quarantined: " + bad);
    for (int i = 0; i < n; i++) {
      String id = "doc-" + i;
      assertTrue(onCluster.containsKey(id) ^ bad.contains(id), id + " exactly once");
    }
    assertEquals(onLocal.keySet(), onCluster.keySet());
    for (var e : onLocal.entrySet()) {
      assertArrayEquals(e.getValue(), onCluster.get(e.getKey()), 0f, e.getKey());
    }
  }

  /** id -> vector; fails on an id written twice. */
  private static Map<String, float[]> vectors(List<Row> rows) {
    Map<String, float[]> m = new HashMap<>();
    for (Row r : rows) {
      String id = r.getString(r.fieldIndex("id"));
      List<Float> l = r.getList(r.fieldIndex("embedding"));
      float[] v = new float[l.size()];
      for (int i = 0; i < v.length; i++) v[i] = l.get(i);
      assertFalse(m.containsKey(id), "written twice: " + id);
      m.put(id, v);
    }
    return m;
  }

  private static Path corpus(int n) throws IOException {
    List<String> texts = SparkTestSupport.texts(n);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (i % 500 == 7) {
        lines.add("{\"id\": \"doc-" + i + "\", \"text\": "); // malformed: quarantined
      } else {
        ObjectNode o = JSON.createObjectNode().put("id", "doc-" + i)
            .put("text", texts.get(i) + " " + texts.get((i * 7) % n));
        lines.add(o.toString());
      }
    }
    Path p = WORK.resolve("corpus.jsonl");
    Files.write(p, lines);
    return p;
  }

  /** Executor JVMs of this test's cluster (they run in DIR/worker-N/app-*). */
  private static List<Long> executorPids() throws Exception {
    Result r = script(WORK.resolve("executors.log"), 30, "scripts/cluster.sh", "executors",
        "--dir", DIR.toString());
    return r.output().lines().filter(l -> l.matches("\\d+")).map(Long::parseLong).toList();
  }

  /** Slice manifests written so far (none while the output folder does not exist yet). */
  private static long committedSlices(Path out) throws IOException {
    Path slices = out.resolve("_slices");
    if (!Files.isDirectory(slices)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(slices)) {
      return s.filter(f -> f.getFileName().toString().matches("slice-\\d+\\.json")).count();
    }
  }
}
