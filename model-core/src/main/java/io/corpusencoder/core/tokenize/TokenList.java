package io.corpusencoder.core.tokenize;

import java.util.Arrays;

/** A growable list of (id, start, end) triples without boxing. */
final class TokenList {
  int[] ids = new int[64];
  int[] starts = new int[64];
  int[] ends = new int[64];
  boolean[] special = new boolean[64];
  private int size;

  void add(int id, int start, int end) {
    add(id, start, end, false);
  }

  void add(int id, int start, int end, boolean isSpecial) {
    if (size == ids.length) {
      int n = size * 2;
      ids = Arrays.copyOf(ids, n);
      starts = Arrays.copyOf(starts, n);
      ends = Arrays.copyOf(ends, n);
      special = Arrays.copyOf(special, n);
    }
    ids[size] = id;
    starts[size] = start;
    ends[size] = end;
    special[size] = isSpecial;
    size++;
  }

  int size() {
    return size;
  }

  void truncate(int newSize) {
    size = newSize;
  }
}
