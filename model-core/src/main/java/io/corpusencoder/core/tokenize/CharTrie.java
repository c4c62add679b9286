package io.corpusencoder.core.tokenize;

import java.util.Arrays;

/**
 * A static trie over UTF-16 strings with an int value per key, children of a node stored
 * contiguously and sorted, so a prefix walk is a binary search per unit. Built once from a
 * vocabulary; about 10 bytes a node.
 */
final class CharTrie {
  private final char[] label; // of each node, as its parent's child
  private final int[] firstChild; // index of the node's first child
  private final int[] childCount;
  private final int[] value; // -1: no key ends here
  private int size;

  /** {@code keys[i]} maps to {@code values[i]}; on a repeated key the last one wins. */
  static CharTrie build(String[] keys, int[] values) {
    Integer[] order = new Integer[keys.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> {
      int c = keys[a].compareTo(keys[b]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    int[] sorted = new int[order.length];
    for (int i = 0; i < order.length; i++) sorted[i] = order[i];
    long units = 1;
    for (String k : keys) units += k.length();
    int cap = (int) Math.min(Integer.MAX_VALUE - 8, units + 1);
    CharTrie t = new CharTrie(cap);
    t.size = 1; // the root
    t.fill(0, keys, values, sorted, 0, sorted.length, 0);
    return t.trimmed();
  }

  private CharTrie(int cap) {
    label = new char[cap];
    firstChild = new int[cap];
    childCount = new int[cap];
    value = new int[cap];
    Arrays.fill(value, -1);
  }

  private CharTrie(char[] label, int[] firstChild, int[] childCount, int[] value, int size) {
    this.label = label;
    this.firstChild = firstChild;
    this.childCount = childCount;
    this.value = value;
    this.size = size;
  }

  private CharTrie trimmed() {
    return new CharTrie(Arrays.copyOf(label, size), Arrays.copyOf(firstChild, size),
        Arrays.copyOf(childCount, size), Arrays.copyOf(value, size), size);
  }

  /** Fills {@code node} from sorted keys [lo, hi), all sharing their first {@code depth} units. */
  private void fill(int node, String[] keys, int[] values, int[] sorted, int lo, int hi,
      int depth) {
    while (lo < hi && keys[sorted[lo]].length() == depth) {
      value[node] = values[sorted[lo]]; // equal keys: the last in input order wins
      lo++;
    }
    int groups = 0;
    for (int i = lo; i < hi; ) {
      char c = keys[sorted[i]].charAt(depth);
      while (i < hi && keys[sorted[i]].charAt(depth) == c) i++;
      groups++;
    }
    int first = size;
    firstChild[node] = first;
    childCount[node] = groups;
    size += groups;
    int child = first;
    for (int i = lo; i < hi; child++) {
      char c = keys[sorted[i]].charAt(depth);
      int j = i;
      while (j < hi && keys[sorted[j]].charAt(depth) == c) j++;
      label[child] = c;
      fill(child, keys, values, sorted, i, j, depth + 1);
      i = j;
    }
  }

  /** The child of {@code node} labelled {@code c}, or -1. */
  int child(int node, char c) {
    int lo = firstChild[node];
    int hi = lo + childCount[node] - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      char m = label[mid];
      if (m < c) {
        lo = mid + 1;
      } else if (m > c) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** The value of the key ending at {@code node}, or -1. */
  int value(int node) {
    return value[node];
  }

  /** The root node. */
  int root() {
    return 0;
  }

  /** The value of {@code key}, or -1. */
  int get(CharSequence key) {
    int node = 0;
    for (int i = 0; i < key.length() && node >= 0; i++) node = child(node, key.charAt(i));
    return node < 0 ? -1 : value[node];
  }
}
