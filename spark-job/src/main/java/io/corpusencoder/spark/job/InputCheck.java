package io.corpusencoder.spark.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The read-and-check pass over the whole input, before anything is written: records, malformed
 * records and characters of text. Too many malformed records fail the job here.
 */
record InputCheck(long read, long bad, long chars, double seconds) {

  /** Counts {@code records}; throws JobFailedException past --max-bad-fraction. */
  static InputCheck run(Dataset<Row> records, JobOptions o) {
    long t0 = System.nanoTime();
    Row counts = records.agg(count(lit(1)),
        sum(when(col(CorpusReader.BAD).isNotNull(), 1).otherwise(0)),
        sum(length(col(CorpusReader.TEXT)))).first();
    long read = counts.getLong(0);
    long bad = counts.isNullAt(1) ? 0 : counts.getLong(1);
    long chars = counts.isNullAt(2) ? 0 : counts.getLong(2);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double maxBad = o.getDouble("max-bad-fraction");
    if (read > 0 && bad > maxBad * read) {
      List<String> reasons = records.filter(col(CorpusReader.BAD).isNotNull())
          .select(col(CorpusReader.SOURCE), col(CorpusReader.BAD)).limit(5).collectAsList()
          .stream().map(r -> r.getString(0) + ": " + r.getString(1)).toList();
      throw new EncodeJob.JobFailedException(bad + " of " + read + " records are malformed ("
          + String.format("%.2f%%", 100.0 * bad / read) + "), more than --max-bad-fraction "
          + maxBad + "; nothing was written. First reasons:\n  " + String.join("\n  ", reasons));
    }
    return new InputCheck(read, bad, chars, seconds);
  }
}
