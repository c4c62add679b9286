package io.corpusencoder.spark.job;

import io.corpusencoder.spark.commit.SliceWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.SparkContext;

/**
 * Encodes and commits the slices a plan still lacks, two in flight, so the slots one slice's
 * last tasks leave idle serve the next. Each slice's Spark jobs carry a description with the
 * overall progress; the console gets a line as each commits.
 */
final class SliceRunner {
  private final SparkContext sc;
  private final SliceWriter writer;
  private final String what;

  /** {@code what}: "corpus-encoder: encode INPUT with MODEL", the start of each description. */
  SliceRunner(SparkContext sc, SliceWriter writer, String what) {
    this.sc = sc;
    this.writer = writer;
    this.what = what;
  }

  /** Runs every slice of {@code plan} not yet done; returns them by number. */
  Map<Integer, SliceWriter.Written> run(JobPlan plan, JobProgress progress, String output)
      throws IOException {
    List<Integer> todo = plan.todo();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Map<Integer, SliceWriter.Written> ran = new TreeMap<>();
    try {
      List<Future<SliceWriter.Written>> futures = new ArrayList<>();
      for (int k : todo) {
        int lo = plan.firstPartition(k);
        int hi = plan.endPartition(k);
        String description = what + ", slice " + (k + 1) + " of " + plan.slices()
            + " (partitions " + lo + "-" + (hi - 1) + ") -> " + output;
        futures.add(pool.submit(() -> {
          // The Spark UI shows the overall progress as it stood when this slice started.
          sc.setJobDescription(description + " | " + progress.summary());
          SliceWriter.Written w = writer.write(k, lo, hi);
          progress.sliceCommitted(k, w.counts());
          return w;
        }));
      }
      for (int i = 0; i < todo.size(); i++) ran.put(todo.get(i), getUnwrapped(futures.get(i)));
    } finally {
      pool.shutdownNow();
    }
    return ran;
  }

  private static <T> T getUnwrapped(Future<T> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) throw re;
      // Spark's own failures (SparkException, or I/O on the cluster's file system): the job
      // failed, the input and options were fine; the slices committed so far stay for --resume.
      throw new EncodeJob.JobFailedException(
          String.valueOf(c.getMessage()).lines().findFirst().orElse("")
          + "\nslices committed so far are kept; rerun with --resume to finish", c);
    }
  }
}
