package io.corpusencoder.spark.job;

import io.corpusencoder.spark.commit.SliceCounts;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Overall progress of a job, updated as slices commit: records and tokens done of the total,
 * slices committed of all, this run's tokens/s and the time left at this run's record rate. Shown
 * on the console and, through {@link #summary()}, in the Spark UI's description of the slices
 * still to run. A resumed job counts its earlier slices as done but not in its rates.
 */
final class JobProgress {
  private final long totalRecords;
  private final int totalSlices;
  private final PrintStream out;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private int slicesDone;
  private long recordsDone;
  private long tokensDone;
  private long recordsThisRun;
  private long tokensThisRun;

  JobProgress(long totalRecords, int totalSlices, Map<Integer, SliceCounts> doneBefore,
      PrintStream out, LongSupplier nanoTime) {
    this.totalRecords = totalRecords;
    this.totalSlices = totalSlices;
    this.out = out;
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
    for (SliceCounts counts : doneBefore.values()) {
      slicesDone++;
      recordsDone += counts.records();
      tokensDone += counts.realTokens();
    }
  }

  /** A slice committed with these counts: prints the progress line. */
  synchronized void sliceCommitted(int slice, SliceCounts counts) {
    slicesDone++;
    long r = counts.records();
    long t = counts.realTokens();
    recordsDone += r;
    tokensDone += t;
    recordsThisRun += r;
    tokensThisRun += t;
    out.println("corpus-encoder: slice " + (slice + 1) + " committed; " + summary());
  }

  /** "records R of N (P%), T tokens, slices S of M, X tokens/s, about Y left". */
  synchronized String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "records %,d of %,d (%s), %,d tokens, slices %d of %d",
        recordsDone, totalRecords, percent(), tokensDone, slicesDone, totalSlices));
    double seconds = (nanoTime.getAsLong() - startNanos) / 1e9;
    if (recordsThisRun > 0 && seconds > 0) {
      sb.append(String.format(Locale.ROOT, ", %,.0f tokens/s", tokensThisRun / seconds));
      long left = Math.max(0, totalRecords - recordsDone);
      sb.append(", about ").append(duration(left * seconds / recordsThisRun)).append(" left");
    }
    return sb.toString();
  }

  private String percent() {
    if (totalRecords == 0) return "100%";
    return String.format(Locale.ROOT, "%.0f%%", 100.0 * recordsDone / totalRecords);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) return s + " s";
    if (s < 3600) return (s + 30) / 60 + " min";
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600 + 30) / 60);
  }
}
