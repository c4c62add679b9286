package io.corpusencoder.core.model;

/**
 * Activation buffers for one thread, grown on demand and reused across batches so the hot loop
 * does not allocate. Never share one between threads.
 */
public final class Workspace {
  float[] hidden = new float[0]; // [tokens, hidden]
  float[] scratch = new float[0]; // [tokens, hidden]
  float[] context = new float[0]; // [tokens, hidden]
  float[] qkv = new float[0]; // [tokens, 3·hidden]
  float[] ffn = new float[0]; // [tokens, intermediate]
  float[] scores = new float[0]; // [maxLen, paddedLength(maxLen)]
  float[] rowInv = new float[0]; // [maxLen]: 1 / softmax denominator per score row

  void ensure(int batchTokens, int maxLen, int hiddenSize, int intermediateSize) {
    // Grown buffer by buffer, so one workspace serves models of any shape; never fewer rows
    // than a Dense product spans.
    int tokens = Math.max(batchTokens, Dense.MIN_ROWS);
    hidden = atLeast(hidden, tokens * hiddenSize);
    scratch = atLeast(scratch, tokens * hiddenSize);
    context = atLeast(context, tokens * hiddenSize);
    qkv = atLeast(qkv, tokens * 3 * hiddenSize);
    ffn = atLeast(ffn, tokens * intermediateSize);
    scores = atLeast(scores, maxLen * paddedLength(maxLen));
    rowInv = atLeast(rowInv, maxLen);
  }

  /** n rounded up to a multiple of 16, the widest SIMD vector of floats (AVX-512). */
  static int paddedLength(int n) {
    return (n + 15) & ~15;
  }

  private static float[] atLeast(float[] a, int n) {
    return a.length >= n ? a : new float[Math.max(n, a.length + a.length / 2)];
  }

  void swapHiddenAndScratch() {
    float[] t = hidden;
    hidden = scratch;
    scratch = t;
  }
}
