package io.corpusencoder.spark.job;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The cluster tests' way to run the project's scripts (cluster.sh, submit.sh) as a user would,
 * from the repository root, on this module's Spark (its target/spark-home), with their output in
 * a log file.
 */
final class ClusterScripts {
  static final Path MODULE = Paths.get(System.getProperty("user.dir"));
  static final Path ROOT = MODULE.getParent();
  /** This line's Spark, as a SPARK_HOME (jars/ from the module's dependencies). */
  static final Path SPARK_HOME = MODULE.resolve("target/spark-home");

  private ClusterScripts() {}

  record Result(int status, String output) {}

  /** Runs {@code cmd} (a path under the root first) to its end, or kills it after the limit. */
  static Result script(Path log, int seconds, String... cmd) throws Exception {
    Process p = start(log, List.of(cmd));
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, read(log) + "\n(timed out after " + seconds + " s)");
    }
    return new Result(p.exitValue(), read(log));
  }

  static Process start(Path log, List<String> cmd) throws IOException {
    return start(log, cmd, SPARK_HOME, Map.of());
  }

  /**
   * Starts {@code cmd} on {@code sparkHome}'s Spark; {@code env} adds to the environment (the
   * driver's heap is 2g unless ENCODER_DRIVER_MEMORY says otherwise).
   */
  static Process start(Path log, List<String> cmd, Path sparkHome, Map<String, String> env)
      throws IOException {
    List<String> full = new ArrayList<>(cmd);
    full.set(0, ROOT.resolve(cmd.get(0)).toString());
    ProcessBuilder pb = new ProcessBuilder(full).directory(ROOT.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("CORPUS_ENCODER_NO_BUILD", "1"); // the build is running this test
    pb.environment().put("ENCODER_DRIVER_MEMORY", "2g");
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().remove("SPARK_SCALA_VERSION"); // the scripts set the line's own
    pb.environment().putAll(env);
    return pb.start();
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(no " + p + ")";
    }
  }

  /** A port such that it and the next {@code count - 1} are free on loopback. */
  static int freePort(int count) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base;
      try (ServerSocket s = new ServerSocket(0)) {
        base = s.getLocalPort();
      }
      if (base + count > 65535) continue;
      boolean ok = true;
      for (int i = 1; i < count && ok; i++) {
        try (ServerSocket s = new ServerSocket(base + i)) {
          ok = true;
        } catch (IOException e) {
          ok = false;
        }
      }
      if (ok) return base;
    }
    throw new IOException("no free ports");
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(f);
      }
    }
  }
}
