package io.corpusencoder.spark.tune;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A child process the tuner waits for (measurement JVMs, cold jobs, cluster scripts), with its
 * output in a log file and a time limit: a child that hangs is killed, with its own children, and
 * the tuner fails naming it, rather than waiting forever.
 */
final class ChildProcess {
  private ChildProcess() {}

  /**
   * Runs {@code pb} with output and errors to {@code log}; returns the log's text when it exits
   * with status 0 within {@code limit}, else throws naming {@code what}, the status or the limit,
   * and the log.
   */
  static String run(ProcessBuilder pb, Path log, Duration limit, String what)
      throws IOException, InterruptedException {
    Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(p);
        throw new IllegalStateException(what + " did not finish within " + limit.toSeconds()
            + " s and was stopped; see " + log);
      }
    } catch (InterruptedException e) {
      kill(p);
      throw e;
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(what + " failed (exit status " + p.exitValue() + "); see "
          + log);
    }
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  private static void kill(Process p) throws InterruptedException {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
  }
}
