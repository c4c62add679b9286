package io.corpusencoder.core.tokenize;

import java.util.Arrays;

/**
 * Text being normalized and split, with, for every UTF-16 unit of it, the span of the input it
 * came from: Hugging Face's NormalizedString in UTF-16 units. Immutable; {@link #slice} shares the
 * backing arrays, a {@link Rewrite} builds a new text.
 *
 * <p>Spans are absolute UTF-16 indices into the input string. Every unit of one code point has
 * the same span, and every span covers whole input code points, as HF's byte alignments do. The
 * {@link #originalStart()} is HF's {@code original_shift}: where in the input this text begins,
 * which Metaspace's prepend scheme "first" looks at.
 */
public final class NormalizedText {
  private final char[] chars;
  private final int[] starts;
  private final int[] ends;
  private final int offset;
  private final int length;
  private final int originalStart;

  private NormalizedText(
      char[] chars, int[] starts, int[] ends, int offset, int length, int originalStart) {
    this.chars = chars;
    this.starts = starts;
    this.ends = ends;
    this.offset = offset;
    this.length = length;
    this.originalStart = originalStart;
  }

  /** {@code input[from, to)} unchanged: each unit maps to its own code point's span. */
  public static NormalizedText of(String input, int from, int to) {
    int n = to - from;
    char[] c = new char[n];
    int[] s = new int[n];
    int[] e = new int[n];
    input.getChars(from, to, c, 0);
    for (int i = 0; i < n; ) {
      boolean pair = Character.isHighSurrogate(c[i]) && i + 1 < n
          && Character.isLowSurrogate(c[i + 1]);
      int len = pair ? 2 : 1;
      for (int k = 0; k < len; k++) {
        s[i + k] = from + i;
        e[i + k] = from + i + len;
      }
      i += len;
    }
    return new NormalizedText(c, s, e, 0, n, from);
  }

  /** The whole of {@code input}. */
  public static NormalizedText of(String input) {
    return of(input, 0, input.length());
  }

  public int length() {
    return length;
  }

  public boolean isEmpty() {
    return length == 0;
  }

  public char charAt(int i) {
    return chars[offset + i];
  }

  /** The code point starting at unit {@code i}. */
  public int codePointAt(int i) {
    char c = chars[offset + i];
    if (Character.isHighSurrogate(c) && i + 1 < length) {
      char d = chars[offset + i + 1];
      if (Character.isLowSurrogate(d)) return Character.toCodePoint(c, d);
    }
    return c;
  }

  /** Input index where unit {@code i}'s span starts. */
  public int start(int i) {
    return starts[offset + i];
  }

  /** Input index where unit {@code i}'s span ends. */
  public int end(int i) {
    return ends[offset + i];
  }

  /** HF's original_shift: the input index this text starts at. */
  public int originalStart() {
    return originalStart;
  }

  /** The normalized text. */
  @Override
  public String toString() {
    return new String(chars, offset, length);
  }

  /** A view of units [from, to), as HF's slice: it starts where its first unit's span starts. */
  public NormalizedText slice(int from, int to) {
    if (from < 0 || to > length || from > to) {
      throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + length);
    }
    int shift = from < to ? start(from) : originalStart;
    if (from == 0 && to == length && shift == originalStart) return this;
    return new NormalizedText(chars, starts, ends, offset + from, to - from, shift);
  }

  /** The same text and spans with another original start (HF slices by original ranges). */
  NormalizedText withOriginalStart(int shift) {
    return new NormalizedText(chars, starts, ends, offset, length, shift);
  }

  /**
   * HF's transform_range: builds a new text from this one where units [from, to) are replaced by
   * the emitted characters, each with a change code: 0 replaces the next old character (and takes
   * its span), 1 inserts (and takes the span of the old character before the insertion point),
   * -n replaces the next old character and removes the n after it. {@code initialRemoved} old
   * characters at {@code from} are removed before the first emitted one.
   */
  public Rewrite rewrite(int from, int to, int initialRemoved) {
    return new Rewrite(this, from, to, initialRemoved);
  }

  /** {@link #rewrite(int, int, int)} over the whole text. */
  public Rewrite rewrite(int initialRemoved) {
    return new Rewrite(this, 0, length, initialRemoved);
  }

  /** Builder of a rewritten {@link NormalizedText}; see {@link NormalizedText#rewrite}. */
  public static final class Rewrite {
    private final NormalizedText old;
    private final int to;
    private int pos; // next old unit to consume
    private char[] c;
    private int[] s;
    private int[] e;
    private int n;

    Rewrite(NormalizedText old, int from, int to, int initialRemoved) {
      this.old = old;
      this.to = to;
      int cap = old.length + 16;
      c = new char[cap];
      s = new int[cap];
      e = new int[cap];
      for (int i = 0; i < from; i++) put(old.charAt(i), old.start(i), old.end(i));
      pos = from;
      for (int k = 0; k < initialRemoved; k++) pos = skip(pos);
    }

    private int skip(int i) {
      if (i >= to) throw new IllegalStateException("rewrite consumed past its range");
      return i + Character.charCount(old.codePointAt(i));
    }

    /** Appends {@code cp} with the given change code (see {@link NormalizedText#rewrite}). */
    public Rewrite emit(int cp, int change) {
      int spanStart;
      int spanEnd;
      if (change > 0) {
        if (pos < 1) {
          spanStart = old.originalStart;
          spanEnd = old.originalStart;
        } else {
          spanStart = old.start(pos - 1);
          spanEnd = old.end(pos - 1);
        }
      } else {
        spanStart = old.start(pos);
        spanEnd = old.end(pos);
        pos = skip(pos);
        for (int k = 0; k < -change; k++) pos = skip(pos);
      }
      if (Character.isBmpCodePoint(cp)) {
        put((char) cp, spanStart, spanEnd);
      } else {
        put(Character.highSurrogate(cp), spanStart, spanEnd);
        put(Character.lowSurrogate(cp), spanStart, spanEnd);
      }
      return this;
    }

    /**
     * Consumes the next old character without emitting anything. Equivalent, for every span, to
     * HF's removal by a negative change on the character before (or by initialRemoved).
     */
    public Rewrite drop() {
      pos = skip(pos);
      return this;
    }

    /** Appends the old characters up to old unit {@code until} unchanged (change 0 each). */
    public Rewrite keepUntil(int until) {
      while (pos < until) {
        int len = Character.charCount(old.codePointAt(pos));
        for (int k = 0; k < len; k++) put(old.charAt(pos + k), old.start(pos + k), old.end(pos + k));
        pos += len;
      }
      return this;
    }

    /**
     * Appends {@code cp} with the span of old unit {@code oldUnit}, consuming nothing: for
     * rewrites that know where each new character comes from (Unicode composition).
     */
    public Rewrite emitFrom(int cp, int oldUnit) {
      int st = old.start(oldUnit);
      int en = old.end(oldUnit);
      if (Character.isBmpCodePoint(cp)) {
        put((char) cp, st, en);
      } else {
        put(Character.highSurrogate(cp), st, en);
        put(Character.lowSurrogate(cp), st, en);
      }
      return this;
    }

    /** Moves past old units before {@code unit} without emitting (see {@link #emitFrom}). */
    public Rewrite skipTo(int unit) {
      pos = unit;
      return this;
    }

    /** The old unit the next replacing emit consumes. */
    public int position() {
      return pos;
    }

    private void put(char ch, int st, int en) {
      if (n == c.length) {
        int cap = n * 2;
        c = Arrays.copyOf(c, cap);
        s = Arrays.copyOf(s, cap);
        e = Arrays.copyOf(e, cap);
      }
      c[n] = ch;
      s[n] = st;
      e[n] = en;
      n++;
    }

    /** The new text; old units after the range follow unchanged. */
    public NormalizedText done() {
      for (int i = to; i < old.length; i++) put(old.charAt(i), old.start(i), old.end(i));
      return new NormalizedText(c, s, e, 0, n, old.originalStart);
    }
  }
}
