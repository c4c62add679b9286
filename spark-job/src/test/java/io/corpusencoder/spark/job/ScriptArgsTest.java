package io.corpusencoder.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    Files.writeString(target.resolve("spark-job-0-job.jar"), "");
    Files.writeString(target.resolve("spark-classpath.txt"), "cp");
    Files.writeString(Files.createDirectories(root.resolve("model-core/target"))
        .resolve("runtime-classpath.txt"), "cp");
  }

  /** The arguments the stub received after {@code mainClass} (and {@code skip} more). */
  private List<String> run(String script, String mainClass, int skip, List<String> args)
      throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path out = tmp.resolve("args");
    String stub = "#!/usr/bin/env bash\nprintf '%s\\0' \"$@\" > \"$ARGS_OUT\"\n";
    for (Path p : List.of(bin.resolve("java"), Files.createDirectories(tmp.resolve("home/bin"))
        .resolve("spark-submit"))) {
      Files.writeString(p, stub);
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    List<String> cmd = new ArrayList<>(List.of("bash", root.resolve(script).toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("log").toFile());
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("ARGS_OUT", out.toString());
    pb.environment().put("CORPUS_ENCODER_NO_BUILD", "1");
    pb.environment().put("SPARK_HOME", tmp.resolve("home").toString());
    Process p = pb.start();
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("log")));
    List<String> got = Arrays.asList(
        new String(Files.readAllBytes(out), StandardCharsets.UTF_8).split("\0", -1));
    got = got.subList(0, got.size() - 1); // after the last NUL
    int at = got.indexOf(mainClass);
    return got.subList(at + 1 + skip, got.size());
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
}
