package io.corpusencoder.spark.commit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one committed slice holds, as its manifest records it ("counts"): records written and
 * quarantined, rows, chunks, tokens, flagged texts, batches and the tasks' tokenize and encode
 * nanoseconds. Counted once per slice from the successful task attempts (see JobMetrics).
 */
public record SliceCounts(long partitions, long texts, long quarantined, long rows, long chunks,
    long realTokens, long emptyTexts, long truncatedTexts, long repairedTexts,
    long repairedInvalidUtf8, long repairedLoneSurrogate, long batches, long tokenizeNanos,
    long encodeNanos) {
  public static final SliceCounts ZERO = new SliceCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** Input records the slice accounts for: written or quarantined. */
  public long records() {
    return texts + quarantined;
  }

  public SliceCounts plus(SliceCounts o) {
    return new SliceCounts(partitions + o.partitions, texts + o.texts,
        quarantined + o.quarantined, rows + o.rows, chunks + o.chunks, realTokens + o.realTokens,
        emptyTexts + o.emptyTexts, truncatedTexts + o.truncatedTexts,
        repairedTexts + o.repairedTexts, repairedInvalidUtf8 + o.repairedInvalidUtf8,
        repairedLoneSurrogate + o.repairedLoneSurrogate, batches + o.batches,
        tokenizeNanos + o.tokenizeNanos, encodeNanos + o.encodeNanos);
  }

  public static SliceCounts sum(Iterable<SliceCounts> all) {
    SliceCounts s = ZERO;
    for (SliceCounts c : all) s = s.plus(c);
    return s;
  }

  /** The manifest's "counts" object. */
  public Map<String, Object> toManifest() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("partitions", partitions);
    m.put("texts", texts);
    m.put("quarantined", quarantined);
    m.put("rows", rows);
    m.put("chunks", chunks);
    m.put("real_tokens", realTokens);
    m.put("empty_texts", emptyTexts);
    m.put("truncated_texts", truncatedTexts);
    m.put("repaired_texts", repairedTexts);
    m.put("repaired_invalid_utf8", repairedInvalidUtf8);
    m.put("repaired_lone_surrogate", repairedLoneSurrogate);
    m.put("batches", batches);
    m.put("tokenize_ns", tokenizeNanos);
    m.put("encode_ns", encodeNanos);
    return m;
  }

  /** Reads a manifest's "counts" back; {@code where} names the manifest in errors. */
  public static SliceCounts fromManifest(Map<String, Object> m, String where) {
    return new SliceCounts(get(m, "partitions", where), get(m, "texts", where),
        get(m, "quarantined", where), get(m, "rows", where), get(m, "chunks", where),
        get(m, "real_tokens", where), get(m, "empty_texts", where),
        get(m, "truncated_texts", where), get(m, "repaired_texts", where),
        get(m, "repaired_invalid_utf8", where), get(m, "repaired_lone_surrogate", where),
        get(m, "batches", where), get(m, "tokenize_ns", where), get(m, "encode_ns", where));
  }

  private static long get(Map<String, Object> m, String key, String where) {
    if (m != null && m.get(key) instanceof Number n) return n.longValue();
    throw new IllegalStateException(where + ": counts." + key + " is "
        + (m == null ? "missing (no counts)" : m.get(key)) + ", expected a number");
  }
}
