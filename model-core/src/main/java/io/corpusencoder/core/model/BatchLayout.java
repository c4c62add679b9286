package io.corpusencoder.core.model;

/**
 * Which row of the token-wise buffers (hidden states, Q/K/V, feed-forward) each token of a batch
 * occupies. The rows are the columns of the dense layers' products, and this layout is what makes
 * a text's vectors bitwise independent of its batch on native OpenBLAS 0.3.21 on one thread.
 *
 * <p>Dense hands its rows to sgemm as columns: sgemm("T", "N", M = out, N = rows, K = in). On the
 * Haswell and Zen kernel sets (kernel/x86_64/sgemm_kernel_8x4_haswell_2.c) an output element is
 * summed over K either with one accumulator or as even-k and odd-k partial sums added at the end:
 * the latter in the 8-row tiles of 4-column blocks and, in 12-column blocks, in the first 8-row
 * tile of the first 6 columns and the last 8-row tile of one 6-column half. driver/level3/level3.c
 * cuts N into 12-column blocks, then 4-, 2- and 1-column ones (8-column ones past the first P rows
 * of M), so the sum a token gets depends on the product's width and the token's place in it.
 * Hence: rows come in blocks of {@link #BLOCK} = 12 and their count is a multiple of 12 (every
 * column falls in a whole 12-column block), and each token takes a row of its class, class 0 = the
 * first 6 rows of a block, class 1 = the last 6; within a class every row is summed the same way.
 * Token t of a text is of class ({@link #phase} + t) mod 2, a function of the text alone, so its
 * result depends neither on where the text sits in the batch nor on the batch's size.
 *
 * <p>The SkylakeX kernel set (also Cooperlake's and Sapphire Rapids', and AMD Zen 4's in 0.3.21)
 * sums every element with one accumulator, but computes narrow products with its "small matrix"
 * kernels, which {@link Dense#minRows} keeps out. OpenBLAS also splits products wider than its
 * GEMM_R (about 10⁵ columns; Dense never hands it that many) and, on more than one thread, among
 * its threads by width: batch invariance needs OPENBLAS_NUM_THREADS=1.
 *
 * <p>Rows no token takes are padding: zero before the first layer, whatever the layers make of
 * them after. A product's column depends only on its own input column, so they never reach a
 * token's row.
 */
final class BatchLayout {
  /** Rows come in blocks of 12: 12 columns is the Haswell kernel's widest block. */
  static final int BLOCK = 12;
  private static final int HALF = BLOCK / 2;

  private final int[] seqStart; // packed index of sequence s's first token
  private final int[] seqLen;
  private final int[] row; // buffer row of packed token i
  private final int rows;
  private final int[] firstRow; // row of sequence s's first token in the first-token layout
  private final int firstRows;

  private BatchLayout(int[] seqStart, int[] seqLen, int[] row, int rows, int[] firstRow,
      int firstRows) {
    this.seqStart = seqStart;
    this.seqLen = seqLen;
    this.row = row;
    this.rows = rows;
    this.firstRow = firstRow;
    this.firstRows = firstRows;
  }

  /**
   * The class of a text's first token, a function of the text alone: the parity of the sum of its
   * token ids. Token t is of class (phase + t) mod 2, so odd-length texts add their extra token to
   * either class about equally often and the classes fill up evenly.
   */
  static int phase(int[] ids) {
    int sum = 0;
    for (int id : ids) sum += id;
    return sum & 1;
  }

  /**
   * The layout of a batch: sequences s = 0.. with {@code seqLen[s]} tokens, packed one after
   * another (token t of sequence s is packed token seqStart[s] + t), the first token of class
   * {@code phase[s]}; at least {@code minRows} rows (a multiple of {@link #BLOCK}). Also the
   * first-token layout: the first token of every sequence alone, still of its class.
   */
  static BatchLayout of(int[] seqLen, int[] phase, int minRows) {
    if (minRows % BLOCK != 0) throw new IllegalArgumentException("minRows " + minRows);
    int n = seqLen.length;
    int[] seqStart = new int[n];
    int tokens = 0;
    for (int s = 0; s < n; s++) {
      seqStart[s] = tokens;
      tokens += seqLen[s];
    }
    int[] row = new int[tokens];
    int[] used = new int[2]; // rows taken so far in each class
    int[] firstRow = new int[n];
    int[] firstUsed = new int[2];
    for (int s = 0; s < n; s++) {
      for (int t = 0; t < seqLen[s]; t++) {
        int cls = (phase[s] + t) & 1;
        row[seqStart[s] + t] = rowOf(cls, used[cls]++);
      }
      firstRow[s] = rowOf(phase[s], firstUsed[phase[s]]++);
    }
    return new BatchLayout(seqStart, seqLen.clone(), row, rowsFor(used, minRows), firstRow,
        rowsFor(firstUsed, minRows));
  }

  /** The k-th row of class {@code cls}: class 0 the first half of each block, class 1 the last. */
  private static int rowOf(int cls, int k) {
    return (k / HALF) * BLOCK + cls * HALF + k % HALF;
  }

  /** Whole blocks holding {@code used[c]} rows of each class c, and at least minRows rows. */
  private static int rowsFor(int[] used, int minRows) {
    int perClass = Math.max(used[0], used[1]);
    return Math.max((perClass + HALF - 1) / HALF * BLOCK, minRows);
  }

  int numSequences() {
    return seqLen.length;
  }

  int seqStart(int s) {
    return seqStart[s];
  }

  int seqLen(int s) {
    return seqLen[s];
  }

  int[] seqStarts() {
    return seqStart;
  }

  int[] seqLens() {
    return seqLen;
  }

  int tokens() {
    return row.length;
  }

  /** Rows of every token-wise buffer: a multiple of {@link #BLOCK}. */
  int rows() {
    return rows;
  }

  /** Buffer row of token t of sequence s. */
  int row(int s, int t) {
    return row[seqStart[s] + t];
  }

  /** Rows of the first-token layout (at most {@link #rows()}). */
  int firstTokenRows() {
    return firstRows;
  }

  /** Row of sequence s's first token in the first-token layout. */
  int firstTokenRow(int s) {
    return firstRow[s];
  }
}
