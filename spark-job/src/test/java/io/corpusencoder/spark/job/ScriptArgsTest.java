package io.corpusencoder.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell doors hand the options to the one parser unchanged: each script runs with a stub
 * java (and spark-submit) that records its arguments; no JVM, no Spark.
 */
class ScriptArgsTest {
  static final Path PROJECT = Paths.get(System.getProperty("user.dir")).getParent();
  /** Spaces, an equals sign, an empty value, a brace glob, bare booleans, a negative number. */
  static final List<String> ARGS = List.of("--input", "data dir/{a,b}/*.jsonl,more.jsonl",
      "--output=o", "--resume", "--doc-vector", "--keep-columns=", "--token-vectors", "false",
      "--stride", "-1");
  @TempDir Path tmp;
  /** A copy of scripts/ and conf/ with stand-ins for the build's outputs. */
  Path root;

  @BeforeEach
  void copyScripts() throws Exception {
    root = tmp.resolve("root");
    for (String dir : List.of("scripts", "conf")) {
      Files.createDirectories(root.resolve(dir));
      try (var files = Files.list(PROJECT.resolve(dir))) {
        for (Path f : files.toList()) Files.copy(f, root.resolve(dir).resolve(f.getFileName()));
      }
    }
    Path target = Files.createDirectories(root.resolve("spark-job/target"));
    Files.writeString(target.resolve("corpus-encoder-spark4_2.13-0-job.jar"), "");
    Files.writeString(target.resolve("spark-classpath.txt"), "cp");
    Files.writeString(Files.createDirectories(root.resolve("spark-job-3.5/target"))
        .resolve("corpus-encoder-spark3.5_2.12-0-job.jar"), "");
    Files.writeString(Files.createDirectories(root.resolve("model-core/target"))
        .resolve("runtime-classpath.txt"), "cp");
  }

  /**
   * A SPARK_HOME stand-in: bin/spark-submit (a stub that records its arguments, and a copy and
   * the mode of its --properties-file) and an empty jars/spark-core_SCALA-VERSION.jar.
   */
  private Path sparkHome(String scala, String version) throws Exception {
    Path home = tmp.resolve("home-" + scala + "-" + version);
    Files.createDirectories(home.resolve("jars"));
    Files.writeString(home.resolve("jars/spark-core_" + scala + "-" + version + ".jar"), "");
    Path bin = Files.createDirectories(home.resolve("bin"));
    Files.writeString(bin.resolve("spark-submit"), STUB);
    Files.setPosixFilePermissions(bin.resolve("spark-submit"),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  static final String STUB = "#!/usr/bin/env bash\nprintf '%s\\0' \"$@\" > \"$ARGS_OUT\"\n"
      + "prev=; for a in \"$@\"; do [[ $prev == --properties-file ]] && cp \"$a\" \"$ARGS_OUT.props\""
      + " && stat -c %a \"$a\" > \"$ARGS_OUT.mode\"; prev=$a; done; exit 0\n";

  record Run(int status, String log, List<String> args) {}

  /** Runs {@code script} with stub java and spark-submit, SPARK_HOME = {@code home}. */
  private Run runScript(String script, Path home, List<String> args) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path out = tmp.resolve("args");
    Files.deleteIfExists(out);
    Files.writeString(bin.resolve("java"), STUB);
    Files.setPosixFilePermissions(bin.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> cmd = new ArrayList<>(List.of("bash", root.resolve(script).toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("log").toFile());
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("ARGS_OUT", out.toString());
    pb.environment().put("CORPUS_ENCODER_NO_BUILD", "1");
    pb.environment().put("SPARK_HOME", home.toString());
    Process p = pb.start();
    p.waitFor(60, TimeUnit.SECONDS);
    List<String> got = List.of();
    if (Files.exists(out)) {
      got = Arrays.asList(
          new String(Files.readAllBytes(out), StandardCharsets.UTF_8).split("\0", -1));
      got = got.subList(0, got.size() - 1); // after the last NUL
    }
    return new Run(p.exitValue(), Files.readString(tmp.resolve("log")), got);
  }

  /** The arguments the stub received after {@code mainClass} (and {@code skip} more). */
  private List<String> run(String script, String mainClass, int skip, List<String> args)
      throws Exception {
    Run r = runScript(script, sparkHome("2.13", "4.1.0"), args);
    assertEquals(0, r.status, r.log);
    int at = r.args.indexOf(mainClass);
    return r.args.subList(at + 1 + skip, r.args.size());
  }

  @Test
  void encodeEmbedTuneAndSubmitPassOptionsThroughUnchanged() throws Exception {
    List<String> withDefaults = new ArrayList<>(List.of("--conf",
        root.resolve("conf/encoder.properties").toString()));
    withDefaults.addAll(ARGS);
    List<String> encode = new ArrayList<>(withDefaults);
    encode.addAll(List.of("--master", "local[*]"));
    assertEquals(encode, run("scripts/encode.sh", "io.corpusencoder.spark.job.EncodeJob", 0, ARGS));
    assertEquals(ARGS, run("scripts/embed.sh", "io.corpusencoder.core.cli.EmbedCli", 0, ARGS));
    assertEquals(ARGS, run("scripts/tune.sh", "io.corpusencoder.spark.tune.TuneMain", 0, ARGS));
    // submit.sh takes its own options in either spelling and passes the rest to the job.
    List<String> submit = new ArrayList<>(List.of("--master=local[2]", "--executor-memory", "1g",
        "--deploy-mode=client"));
    submit.addAll(ARGS);
    assertEquals(withDefaults, run("scripts/submit.sh", "io.corpusencoder.spark.job.EncodeJob", 1,
        submit));
  }

  @Test
  void submitPicksTheJobJarOfTheSparkHomesLine() throws Exception {
    List<String> args = List.of("--master", "local[2]", "--input", "x", "--output", "y");
    String[][] lines = {{"2.12", "3.5.9", "spark-job-3.5/target/corpus-encoder-spark3.5_2.12-0-job.jar"},
        {"2.12", "3.5.0", "spark-job-3.5/target/corpus-encoder-spark3.5_2.12-0-job.jar"},
        {"2.13", "4.1.4", "spark-job/target/corpus-encoder-spark4_2.13-0-job.jar"},
        {"2.13", "4.0.1", "spark-job/target/corpus-encoder-spark4_2.13-0-job.jar"}};
    for (String[] line : lines) {
      Run r = runScript("scripts/submit.sh", sparkHome(line[0], line[1]), args);
      assertEquals(0, r.status, r.log);
      int at = r.args.indexOf("io.corpusencoder.spark.job.EncodeJob");
      assertEquals(root.resolve(line[2]).toString(), r.args.get(at + 1), line[1] + " " + r.log);
    }
    // Lines the job is not built for fail before any JVM starts, naming what was found.
    Run old = runScript("scripts/submit.sh", sparkHome("2.12", "3.4.1"), args);
    assertEquals(2, old.status, old.log);
    assertTrue(old.log.contains("runs Spark 3.4.1 on Scala 2.12"), old.log);
    assertTrue(old.log.contains("corpus-encoder-spark3.5_2.12"), old.log);
    Run scala213 = runScript("scripts/submit.sh", sparkHome("2.13", "3.5.9"), args);
    assertEquals(2, scala213.status, scala213.log);
    assertTrue(scala213.log.contains("runs Spark 3.5.9 on Scala 2.13"), scala213.log);
    Run four00 = runScript("scripts/submit.sh", sparkHome("2.13", "4.0.0"), args);
    assertEquals(2, four00.status, four00.log);
    assertTrue(four00.log.contains("SPARK-52259"), four00.log);
    Path empty = Files.createDirectories(tmp.resolve("no-spark"));
    Run none = runScript("scripts/submit.sh", empty, args);
    assertEquals(2, none.status, none.log);
    assertTrue(none.log.contains(empty + " has no jars/spark-core_*.jar"), none.log);
    assertTrue(none.args.isEmpty());
  }

  @Test
  void submitToTheLoopbackClusterPassesItsSecretInAFileOnlyTheUserReads() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cluster"));
    Files.writeString(dir.resolve("master-url"), "spark://127.0.0.1:7177\n");
    String secret = "5e3f00aa";
    Files.writeString(dir.resolve("auth.properties"),
        "spark.authenticate true\nspark.authenticate.secret " + secret + "\n");
    Run r = runScript("scripts/submit.sh", sparkHome("2.13", "4.1.0"), List.of("--master",
        "spark://127.0.0.1:7177", "--cluster-dir", dir.toString(), "--input", "x"));
    assertEquals(0, r.status, r.log);
    assertFalse(String.join(" ", r.args).contains(secret), "the secret is on the command line");
    String props = Files.readString(tmp.resolve("args.props"));
    assertTrue(props.contains("spark.authenticate.secret " + secret), props);
    assertTrue(props.contains("spark.authenticate true"), props);
    assertTrue(props.startsWith(Files.readString(root.resolve("conf/spark-defaults.conf"))));
    assertEquals("600", Files.readString(tmp.resolve("args.mode")).trim());
    try (var left = Files.list(dir)) { // the merged file is removed when the job ends
      assertEquals(List.of("auth.properties", "master-url"),
          left.map(f -> f.getFileName().toString()).sorted().toList());
    }
    // Another master is not this cluster: no secret, and submit.sh says so.
    Run other = runScript("scripts/submit.sh", sparkHome("2.13", "4.1.0"), List.of("--master",
        "spark://127.0.0.1:7178", "--cluster-dir", dir.toString(), "--input", "x"));
    assertEquals(0, other.status, other.log);
    assertTrue(other.log.contains("is not the cluster of " + dir), other.log);
    int at = other.args.indexOf("--properties-file");
    assertEquals(root.resolve("conf/spark-defaults.conf").toString(), other.args.get(at + 1));
  }
}
