package io.corpusencoder.core.tokenize;

import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HF's NFC, NFD, NFKC and NFKD normalizers, spans included. HF runs the normalization as a stream
 * of (character, change) pairs (unicode-normalization-alignments, Unicode 9.0): a decomposed
 * character's first part replaces it (change 0) and the others are inserted (change 1);
 * canonical reordering sorts the pairs by combining class, changes travelling with their
 * characters; a composition replaces the starter and absorbs the other character, adding their
 * changes minus one. The spans follow from replaying the changes in output order, so they are
 * computed here by the same algorithm, with Java's decompositions and compositions limited to
 * characters Unicode 9.0 assigns, and Unicode 9.0's combining classes.
 */
public record UnicodeNormalizer(Form form) implements Normalizer {
  private static final ConcurrentHashMap<Long, Integer> COMPOSITIONS = new ConcurrentHashMap<>();

  public UnicodeNormalizer(String type) {
    this(Form.valueOf(type));
  }

  @Override
  public NormalizedText normalize(NormalizedText in) {
    String s = in.toString();
    if (java.text.Normalizer.isNormalized(s, form)) return in;
    boolean compat = form == Form.NFKC || form == Form.NFKD;
    List<int[]> pairs = decompose(s, compat);
    if (form == Form.NFC || form == Form.NFKC) pairs = recompose(pairs);
    NormalizedText.Rewrite out = in.rewrite(0);
    for (int[] p : pairs) out.emit(p[0], p[1]);
    return out.done();
  }

  /** Full decomposition with (code point, change) pairs, canonically reordered. */
  private static List<int[]> decompose(String s, boolean compat) {
    Form f = compat ? Form.NFKD : Form.NFD;
    List<int[]> out = new ArrayList<>(s.length() + 8);
    int pending = 0; // out[pending..] not yet sorted
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      String parts = UnicodeTables.contains(UnicodeTables.ASSIGNED_9, cp)
          ? java.text.Normalizer.normalize(new String(Character.toChars(cp)), f)
          : new String(Character.toChars(cp));
      boolean first = true;
      for (int k = 0; k < parts.length(); ) {
        int p = parts.codePointAt(k);
        k += Character.charCount(p);
        if (CombiningClasses.of(p) == 0) {
          sortPending(out, pending);
          pending = out.size();
        }
        out.add(new int[] {p, first ? 0 : 1});
        first = false;
      }
    }
    sortPending(out, pending);
    return out;
  }

  /** Stable sort of out[from..] by combining class (insertion sort: runs are short). */
  private static void sortPending(List<int[]> out, int from) {
    for (int i = from + 1; i < out.size(); i++) {
      int[] x = out.get(i);
      int cx = CombiningClasses.of(x[0]);
      int j = i - 1;
      while (j >= from && CombiningClasses.of(out.get(j)[0]) > cx) {
        out.set(j + 1, out.get(j));
        j--;
      }
      out.set(j + 1, x);
    }
  }

  /** Canonical composition of the pairs, as the stream HF uses composes them. */
  private static List<int[]> recompose(List<int[]> in) {
    List<int[]> out = new ArrayList<>(in.size());
    List<int[]> buffer = new ArrayList<>();
    int[] composee = null;
    int lastClass = -1; // -1: none since the composee
    for (int[] pc : in) {
      int ch = pc[0];
      int change = pc[1];
      int cls = CombiningClasses.of(ch);
      if (composee == null) {
        if (cls != 0) {
          out.add(pc);
        } else {
          composee = pc;
        }
        continue;
      }
      if (lastClass < 0) {
        int r = compose(composee[0], ch);
        if (r >= 0) {
          composee = new int[] {r, composee[1] + change - 1};
        } else if (cls == 0) {
          out.add(composee);
          composee = pc;
        } else {
          buffer.add(pc);
          lastClass = cls;
        }
        continue;
      }
      if (lastClass >= cls) {
        if (cls == 0) {
          out.add(composee);
          out.addAll(buffer);
          buffer.clear();
          composee = pc;
          lastClass = -1;
        } else {
          buffer.add(pc);
          lastClass = cls;
        }
        continue;
      }
      int r = compose(composee[0], ch);
      if (r >= 0) {
        composee = new int[] {r, composee[1] + change - 1};
      } else {
        buffer.add(pc);
        lastClass = cls;
      }
    }
    if (composee != null) out.add(composee);
    out.addAll(buffer);
    return out;
  }

  /** The primary composite of {@code a} and {@code b} in Unicode 9.0, or -1. */
  private static int compose(int a, int b) {
    long key = ((long) a << 21) | b;
    Integer cached = COMPOSITIONS.get(key);
    if (cached != null) return cached;
    String pair = new StringBuilder().appendCodePoint(a).appendCodePoint(b).toString();
    String c = java.text.Normalizer.normalize(pair, Form.NFC);
    int r = c.codePointCount(0, c.length()) == 1 ? c.codePointAt(0) : -1;
    if (r >= 0 && !UnicodeTables.contains(UnicodeTables.ASSIGNED_9, r)) r = -1;
    if (COMPOSITIONS.size() < 65536) COMPOSITIONS.put(key, r); // pairs seen, bounded
    return r;
  }
}
