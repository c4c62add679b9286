package io.corpusencoder.core.model;

/**
 * Activation buffers for one thread, grown on demand and reused across batches so the hot loop
 * does not allocate. Never share one between threads.
 */
public final class Workspace {
  // Token-wise buffers have one row per BatchLayout row (tokens and padding).
  float[] hidden = new float[0]; // [rows, hidden]
  float[] scratch = new float[0]; // [rows, hidden]
  float[] context = new float[0]; // [rows, hidden]
  float[] qkv = new float[0]; // [rows, 3·hidden]
  float[] ffn = new float[0]; // [rows, intermediate]
  // One sequence's attention, its tokens in order.
  float[] seqQkv = new float[0]; // [maxLen, 3·hidden]
  float[] seqContext = new float[0]; // [maxLen, hidden]
  float[] scores = new float[0]; // [QUERY_BLOCK, paddedLength(maxLen)]: one query block's
  float[] rowInv = new float[0]; // [QUERY_BLOCK]: 1 / softmax denominator per score row

  /**
   * Queries per attention block: the score buffer is QUERY_BLOCK rows whatever the length, so
   * attention's memory grows linearly with it. Sequences up to this length run in one block.
   */
  static final int QUERY_BLOCK = 256;

  void ensure(int rows, int maxLen, int hiddenSize, int intermediateSize) {
    // Grown buffer by buffer, so one workspace serves models of any shape.
    hidden = atLeast(hidden, rows * hiddenSize);
    scratch = atLeast(scratch, rows * hiddenSize);
    context = atLeast(context, rows * hiddenSize);
    qkv = atLeast(qkv, rows * 3 * hiddenSize);
    ffn = atLeast(ffn, rows * intermediateSize);
    // One row of slack: attention reads Q, K and V as strided views at offsets into a row, and
    // netlib-java 3.0.3 (what Spark 3.5 ships) checks a view as if it reached offset + rows · ld,
    // a row past its real end (IndexOutOfBoundsException at a sequence of exactly maxLen).
    seqQkv = atLeast(seqQkv, (maxLen + 1) * 3 * hiddenSize);
    seqContext = atLeast(seqContext, maxLen * hiddenSize);
    int blockRows = Math.min(maxLen, QUERY_BLOCK);
    scores = atLeast(scores, blockRows * paddedLength(maxLen));
    rowInv = atLeast(rowInv, blockRows);
  }

  /** n rounded up to a multiple of 16, the widest SIMD vector of floats (AVX-512). */
  static int paddedLength(int n) {
    return (n + 15) & ~15;
  }

  private static float[] atLeast(float[] a, int n) {
    return a.length >= n ? a : new float[Math.max(n, a.length + a.length / 2)];
  }

  /** Floats held by all buffers. */
  public long floatsHeld() {
    return (long) hidden.length + scratch.length + context.length + qkv.length + ffn.length
        + seqQkv.length + seqContext.length + scores.length + rowInv.length;
  }

  /** Drops every buffer; the next forward pass allocates what it needs. */
  public void release() {
    hidden = scratch = context = qkv = ffn = seqQkv = seqContext = scores = rowInv = new float[0];
  }

  void swapHiddenAndScratch() {
    float[] t = hidden;
    hidden = scratch;
    scratch = t;
  }
}
