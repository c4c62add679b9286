package io.corpusencoder.core.tokenize;

import java.util.stream.IntStream;

/**
 * The code points the every-code-point sweeps compare with Hugging Face. Planes 0-3 and 14, where
 * Unicode 16 assigns characters, are swept whole. In planes 4-13 (nothing assigned) and 15-16
 * (private use) every code point has the same properties ({@code SweptCodePointsTest} checks
 * that, property by property), so a sample stands for the plane there: the first and last 512
 * (the plane's noncharacters and its edges) and every 61st code point between, which still
 * covers every value of each UTF-8 continuation byte that a byte-level tokenizer sees. This keeps
 * a third of the reference's work (CI time: the sweeps ran 1.1 million code points through
 * several dozen tokenizers); {@code -Dsweep.full=true} sweeps every code point.
 */
final class SweptCodePoints {
  static final int EDGE = 512;
  static final int STRIDE = 61;
  static final boolean FULL = Boolean.getBoolean("sweep.full");

  private static final int[] SWEPT = IntStream.rangeClosed(0, Character.MAX_CODE_POINT)
      .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
      .filter(cp -> FULL || !uniformPlane(cp >> 16) || sampled(cp & 0xFFFF))
      .toArray();

  private SweptCodePoints() {}

  /** Planes where every code point has the same properties: unassigned or private use. */
  static boolean uniformPlane(int plane) {
    return (plane >= 4 && plane <= 13) || plane >= 15;
  }

  /** Whether a code point at this offset in a uniform plane is in the sample. */
  static boolean sampled(int offset) {
    return offset < EDGE || offset >= 0x10000 - EDGE || offset % STRIDE == 0;
  }

  /** The swept code points in increasing order (a fresh copy). */
  static int[] all() {
    return SWEPT.clone();
  }

  static int count() {
    return SWEPT.length;
  }

  static int last() {
    return SWEPT[SWEPT.length - 1];
  }
}
