package io.corpusencoder.core.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * What a split does with the delimiters it finds, as HF's SplitDelimiterBehavior, with the match
 * finders of HF's Pattern trait. A match list covers the text with contiguous ordered
 * {start, end, isMatch (1 or 0)} triples in UTF-16 units.
 */
public enum SplitBehavior {
  REMOVED("Removed"),
  ISOLATED("Isolated"),
  MERGED_WITH_PREVIOUS("MergedWithPrevious"),
  MERGED_WITH_NEXT("MergedWithNext"),
  CONTIGUOUS("Contiguous");

  private final String jsonName;

  SplitBehavior(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The behaviour spelled {@code name} in tokenizer.json; {@code where} names the field. */
  public static SplitBehavior fromJson(String name, String where) {
    for (SplitBehavior b : values()) if (b.jsonName.equals(name)) return b;
    throw new IllegalArgumentException(where + ": \"" + name + "\" is not a split behavior; "
        + "expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous");
  }

  /** Splits {@code t} at {@code matches} (see the class comment) and appends the pieces. */
  public void split(NormalizedText t, List<int[]> matches, List<NormalizedText> out) {
    List<int[]> splits = new ArrayList<>(matches.size()); // {start, end, remove}
    switch (this) {
      case ISOLATED -> {
        for (int[] m : matches) splits.add(new int[] {m[0], m[1], 0});
      }
      case REMOVED -> {
        for (int[] m : matches) splits.add(new int[] {m[0], m[1], m[2]});
      }
      case CONTIGUOUS -> {
        boolean previous = false;
        for (int[] m : matches) {
          boolean isMatch = m[2] == 1;
          if (isMatch == previous && !splits.isEmpty()) {
            splits.get(splits.size() - 1)[1] = m[1];
          } else {
            splits.add(new int[] {m[0], m[1], 0});
          }
          previous = isMatch;
        }
      }
      case MERGED_WITH_PREVIOUS -> {
        boolean previous = false;
        for (int[] m : matches) {
          boolean isMatch = m[2] == 1;
          if (isMatch && !previous && !splits.isEmpty()) {
            splits.get(splits.size() - 1)[1] = m[1];
          } else {
            splits.add(new int[] {m[0], m[1], 0});
          }
          previous = isMatch;
        }
      }
      case MERGED_WITH_NEXT -> {
        boolean previous = false;
        for (int k = matches.size() - 1; k >= 0; k--) {
          int[] m = matches.get(k);
          boolean isMatch = m[2] == 1;
          if (isMatch && !previous && !splits.isEmpty()) {
            splits.get(splits.size() - 1)[0] = m[0];
          } else {
            splits.add(new int[] {m[0], m[1], 0});
          }
          previous = isMatch;
        }
        java.util.Collections.reverse(splits);
      }
      default -> throw new AssertionError(this);
    }
    for (int[] s : splits) {
      if (s[2] == 0) out.add(t.slice(s[0], s[1]));
    }
  }

  /** HF's char-predicate pattern: every code point for which {@code p} holds is a match. */
  public static List<int[]> findChars(NormalizedText t, IntPredicate p) {
    List<int[]> matches = new ArrayList<>();
    int n = t.length();
    if (n == 0) {
      matches.add(new int[] {0, 0, 0});
      return matches;
    }
    int last = 0;
    for (int i = 0; i < n; ) {
      int cp = t.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (p.test(cp)) {
        if (last < i) matches.add(new int[] {last, i, 0});
        matches.add(new int[] {i, next, 1});
        last = next;
      }
      i = next;
    }
    if (last < n) matches.add(new int[] {last, n, 0});
    return matches;
  }

  /** Swaps match and non-match (HF's Invert, used by Split with invert = true). */
  public static List<int[]> invert(List<int[]> matches) {
    for (int[] m : matches) m[2] = 1 - m[2];
    return matches;
  }
}
