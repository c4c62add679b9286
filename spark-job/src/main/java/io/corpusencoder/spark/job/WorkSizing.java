package io.corpusencoder.spark.job;

import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.tokenize.Encoding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many work partitions a job cuts its input into, and how many of them make a slice (the unit
 * committed and skipped by --resume). By default by the work: the read-and-check pass gives the
 * records and their characters, a sample tokenized on the driver gives tokens per character, and
 * the sample encoded on the driver gives tokens/s per task slot; slices are then cut to take
 * about --slice-seconds each on the cluster's slots, two partitions per slot per slice. So a
 * driver killed late redoes about a slice's worth of work, and no task holds a large share of
 * the job, whatever the input's files look like. --partitions or --slice-partitions override it.
 */
record WorkSizing(int workPartitions, int partitionsPerSlice, Map<String, Object> report) {
  /** Partitions per slot in a slice: two, so a slot that finishes early takes another. */
  static final int PARTITIONS_PER_SLOT = 2;

  /** What the driver measured on the sample: tokens per character and tokens/s on one thread. */
  record Sample(int texts, double tokensPerChar, double tokensPerSecond) {}

  /** Cut by the options, as given ({@code 0}: as read but one per slot; 4 per slot a slice). */
  static WorkSizing byOptions(int partitions, int slicePartitions, int inputPartitions,
      int slots) {
    int work = partitions > 0 ? partitions : Math.max(inputPartitions, slots);
    int perSlice = slicePartitions > 0 ? slicePartitions : 4 * slots;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("sized_by", "options");
    return new WorkSizing(work, perSlice, r);
  }

  /** Cut by the work: slices of about {@code sliceSeconds} on {@code slots} slots. */
  static WorkSizing byWork(long records, long chars, Sample sample, int slots, int sliceSeconds) {
    double tokens = chars * sample.tokensPerChar();
    double seconds = tokens / (sample.tokensPerSecond() * slots);
    int slices = (int) Math.max(1, Math.min(100_000, Math.ceil(seconds / sliceSeconds)));
    int perSlice = PARTITIONS_PER_SLOT * slots;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("sized_by", "work");
    r.put("records", records);
    r.put("characters", chars);
    r.put("sample_texts", sample.texts());
    r.put("tokens_per_character", JobReport.round(sample.tokensPerChar()));
    r.put("estimated_tokens", Math.round(tokens));
    r.put("driver_tokens_per_s_per_slot", Math.round(sample.tokensPerSecond()));
    r.put("slots", slots);
    r.put("estimated_work_s", JobReport.round(seconds));
    r.put("target_slice_s", sliceSeconds);
    return new WorkSizing(slices * perSlice, perSlice, r);
  }

  /**
   * Tokenizes {@code texts} (their characters counted as Spark's length() counts them, in code
   * points), then encodes them one batch after another for at most {@code budgetSeconds} after a
   * short warm-up, on this thread.
   */
  static Sample measure(EmbeddingModel m, List<String> texts, double budgetSeconds) {
    long chars = 0;
    long tokens = 0;
    List<Encoding> enc = new ArrayList<>();
    for (String t : texts) {
      chars += t.codePointCount(0, t.length());
      tokens += m.tokenizer().tokenize(t).length(); // all of a long text: it is chunked
      enc.add(m.tokenize(t));
    }
    if (enc.isEmpty() || chars == 0) return new Sample(texts.size(), 0.25, 1_000);
    int batch = 16;
    m.embedEncodings(enc.subList(0, Math.min(batch, enc.size())), false, false, null,
        Integer.MAX_VALUE, batch); // warm-up: the first calls compile the kernels
    long encoded = 0;
    long start = System.nanoTime();
    double elapsed = 0;
    for (int i = 0; i < enc.size() && elapsed < budgetSeconds; i += batch) {
      List<Encoding> b = enc.subList(i, Math.min(enc.size(), i + batch));
      m.embedEncodings(b, false, false, null, Integer.MAX_VALUE, batch);
      for (Encoding e : b) encoded += e.length();
      elapsed = (System.nanoTime() - start) / 1e9;
    }
    return new Sample(texts.size(), (double) tokens / chars, encoded / Math.max(elapsed, 1e-9));
  }
}
