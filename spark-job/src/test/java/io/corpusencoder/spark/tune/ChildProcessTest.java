package io.corpusencoder.spark.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {
  @TempDir Path tmp;

  /** A hanging child (and the grandchild it started) is killed at the limit, and named. */
  @Test
  void hangingChildIsStoppedAtTheLimit() throws Exception {
    Path log = tmp.resolve("hang.log");
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "sleep 300 & echo $!; wait");
    IllegalStateException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> assertThrows(IllegalStateException.class,
            () -> ChildProcess.run(pb, log, Duration.ofSeconds(2), "the test sleeper")));
    assertEquals("the test sleeper did not finish within 2 s and was stopped; see " + log,
        e.getMessage());
    long grandchild = Long.parseLong(Files.readAllLines(log).get(0).trim());
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      while (ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false)) {
        Thread.sleep(50);
      }
    }, "the child's own child (sleep, pid " + grandchild + ") must be stopped too");
  }

  @Test
  void failureNamesStatusAndLog() {
    Path log = tmp.resolve("fail.log");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ChildProcess.run(
        new ProcessBuilder("bash", "-c", "echo oops; exit 3"), log, Duration.ofSeconds(30),
        "the failing step"));
    assertEquals("the failing step failed (exit status 3); see " + log, e.getMessage());
  }

  @Test
  void successReturnsTheOutput() throws Exception {
    String out = ChildProcess.run(new ProcessBuilder(List.of("bash", "-c", "echo worker 1 2 3")),
        tmp.resolve("ok.log"), Duration.ofSeconds(30), "the worker");
    assertEquals("worker 1 2 3\n", out);
  }
}
