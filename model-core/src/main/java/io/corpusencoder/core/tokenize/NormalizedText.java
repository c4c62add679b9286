package io.corpusencoder.core.tokenize;

/**
 * Normalized text with, for every UTF-16 unit of it, the span of the input it came from, so that
 * tokens found in the normalized text map back to input offsets.
 */
final class NormalizedText {
  private final StringBuilder text;
  private int[] origStart;
  private int[] origEnd;

  NormalizedText(int capacity) {
    text = new StringBuilder(capacity);
    origStart = new int[Math.max(16, capacity)];
    origEnd = new int[Math.max(16, capacity)];
  }

  void append(char c, int start, int end) {
    int n = text.length();
    if (n == origStart.length) {
      origStart = java.util.Arrays.copyOf(origStart, n * 2);
      origEnd = java.util.Arrays.copyOf(origEnd, n * 2);
    }
    text.append(c);
    origStart[n] = start;
    origEnd[n] = end;
  }

  void appendCodePoint(int cp, int start, int end) {
    if (Character.isBmpCodePoint(cp)) {
      append((char) cp, start, end);
    } else {
      append(Character.highSurrogate(cp), start, end);
      append(Character.lowSurrogate(cp), start, end);
    }
  }

  int length() {
    return text.length();
  }

  CharSequence text() {
    return text;
  }

  /** Input offset where normalized unit {@code i} starts. */
  int origStart(int i) {
    return origStart[i];
  }

  /** Input offset where normalized unit {@code i} ends. */
  int origEnd(int i) {
    return origEnd[i];
  }
}
