package io.corpusencoder.core.tokenize;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HF's BPE model: each piece split into characters (with the continuing-subword prefix on all but
 * the first and the end-of-word suffix on the last), unknown characters to byte-fallback tokens
 * or the unk token (fused if fuse_unk), then merged as HF's word.rs does: a priority queue of
 * adjacent pairs by merge rank, then position, each pop checked against the current symbols.
 * {@code ignore_merges} returns a piece that is itself a token as that token. Dropout, which is
 * random, is refused at load time.
 *
 * <p>Immutable apart from a bounded, thread-safe cache of merged words.
 */
public final class BpeModel implements TokenModel {
  private static final long serialVersionUID = 1L;

  /** Words at most this long (UTF-16 units) are cached; HF caches words under 256 bytes. */
  static final int CACHE_MAX_WORD = 128;

  /** Cache entries at most; when full, new words are not cached (as HF's cache). */
  static final int CACHE_CAPACITY = 65_536;

  private final Vocab vocab;
  private final HashMap<String, Integer> ids;
  private final LongLongMap merges; // (left id, right id) -> (rank, new id)
  private final int[] newIdOfRank;
  private final String prefix; // continuing_subword_prefix, null: none
  private final String suffix; // end_of_word_suffix, null: none
  private final String unkToken; // null: unknown characters are dropped
  private final int unkId; // -1: unk_token not in the vocabulary
  private final boolean fuseUnk;
  private final boolean byteFallback;
  private final boolean ignoreMerges;
  private final int[] byteIds; // <0xXX> ids, -1 where absent; null without byte_fallback
  private final IntIntMap charIds; // code point -> id of the token that is that character alone
  private transient volatile ConcurrentHashMap<String, int[]> cache;

  BpeModel(Vocab vocab, Map<String, Integer> ids, LongLongMap merges, int[] newIdOfRank,
      String prefix, String suffix, String unkToken, boolean fuseUnk, boolean byteFallback,
      boolean ignoreMerges) {
    this.vocab = vocab;
    this.ids = new HashMap<>(ids);
    this.merges = merges;
    this.newIdOfRank = newIdOfRank;
    this.prefix = prefix;
    this.suffix = suffix;
    this.unkToken = unkToken;
    this.unkId = unkToken == null ? -1 : ids.getOrDefault(unkToken, -1);
    this.fuseUnk = fuseUnk;
    this.byteFallback = byteFallback;
    this.ignoreMerges = ignoreMerges;
    if (byteFallback) {
      byteIds = new int[256];
      for (int b = 0; b < 256; b++) {
        byteIds[b] = ids.getOrDefault(String.format("<0x%02X>", b), -1);
      }
    } else {
      byteIds = null;
    }
    charIds = new IntIntMap(Math.max(16, ids.size() / 4));
    for (Map.Entry<String, Integer> e : ids.entrySet()) {
      String t = e.getKey();
      if (!t.isEmpty() && t.codePointCount(0, t.length()) == 1) {
        charIds.put(t.codePointAt(0), e.getValue());
      }
    }
  }

  /** Reads {"type": "BPE", ...}; every error names the JSON path of the field at fault. */
  static BpeModel fromJson(JsonField m) {
    JsonField dropout = m.get("dropout");
    if (!dropout.isAbsent()) {
      double p = dropout.number();
      if (p != 0.0) {
        throw dropout.error("null: BPE dropout makes tokenization random, which an encoder must "
            + "not be (an inference tokenizer.json has \"dropout\": null)");
      }
    }
    JsonField vocabField = m.get("vocab");
    Vocab vocab = Vocab.fromJsonObject(vocabField);
    Map<String, Integer> ids = new HashMap<>(vocabField.node().size() * 2);
    for (var it = vocabField.node().fields(); it.hasNext(); ) {
      var e = it.next();
      ids.put(e.getKey(), e.getValue().intValue());
    }
    String prefix = m.get("continuing_subword_prefix").string(null);
    String suffix = m.get("end_of_word_suffix").string(null);
    int prefixBytes = prefix == null ? 0 : prefix.getBytes(StandardCharsets.UTF_8).length;

    JsonField mergesField = m.get("merges");
    if (mergesField.isAbsent()) throw mergesField.error("a list of merges");
    java.util.List<JsonField> list = mergesField.elements();
    LongLongMap merges = new LongLongMap(Math.max(16, list.size() * 2));
    int[] newIdOfRank = new int[list.size()];
    int rank = 0;
    for (JsonField e : list) {
      String a;
      String b;
      if (e.node().isTextual()) {
        String line = e.node().textValue();
        if (line.startsWith("#version")) continue; // HF skips these lines, rank unchanged
        String[] parts = line.split(" ", -1);
        if (parts.length != 2) throw e.error("a merge \"left right\" (two tokens, one space)");
        a = parts[0];
        b = parts[1];
      } else if (e.node().isArray() && e.node().size() == 2 && e.node().get(0).isTextual()
          && e.node().get(1).isTextual()) {
        a = e.node().get(0).textValue();
        b = e.node().get(1).textValue();
      } else {
        throw e.error("a merge, \"left right\" or [\"left\", \"right\"]");
      }
      Integer aId = ids.get(a);
      Integer bId = ids.get(b);
      if (aId == null || bId == null) {
        throw e.error("a merge of two vocabulary tokens (\"" + (aId == null ? a : b)
            + "\" is not in model.vocab)");
      }
      byte[] bBytes = b.getBytes(StandardCharsets.UTF_8);
      if (bBytes.length < prefixBytes || (prefixBytes > 0 && prefixBytes < bBytes.length
          && (bBytes[prefixBytes] & 0xC0) == 0x80)) {
        throw e.error("a merge whose right token starts with continuing_subword_prefix \""
            + prefix + "\"");
      }
      String merged = a + new String(bBytes, prefixBytes, bBytes.length - prefixBytes,
          StandardCharsets.UTF_8);
      Integer newId = ids.get(merged);
      if (newId == null) {
        throw e.error("a merge whose result \"" + merged + "\" is in model.vocab");
      }
      // A repeated pair keeps its last rank, as HF's map does.
      merges.put(pairKey(aId, bId), ((long) rank << 32) | (newId & 0xFFFFFFFFL));
      newIdOfRank[rank] = newId;
      rank++;
    }
    return new BpeModel(vocab, ids, merges, Arrays.copyOf(newIdOfRank, rank), prefix, suffix,
        m.get("unk_token").string(null), m.get("fuse_unk").bool(false),
        m.get("byte_fallback").bool(false), m.get("ignore_merges").bool(false));
  }

  private static long pairKey(int a, int b) {
    return ((long) a << 32) | (b & 0xFFFFFFFFL);
  }

  @Override
  public Vocab vocab() {
    return vocab;
  }

  @Override
  public void tokenize(NormalizedText piece, TokenList out) {
    int n = piece.length();
    if (n == 0) return;
    String word = piece.toString();
    if (ignoreMerges) {
      Integer id = ids.get(word);
      if (id != null) {
        out.add(id, 0, n);
        return;
      }
    }
    ConcurrentHashMap<String, int[]> c = cache;
    if (c == null) {
      synchronized (this) {
        c = cache;
        if (c == null) cache = c = new ConcurrentHashMap<>(1024);
      }
    }
    int[] tokens = n <= CACHE_MAX_WORD ? c.get(word) : null;
    if (tokens == null) {
      tokens = merge(word);
      if (n <= CACHE_MAX_WORD && c.size() < CACHE_CAPACITY) c.put(word, tokens);
    }
    for (int k = 0; k < tokens.length; k += 3) out.add(tokens[k], tokens[k + 1], tokens[k + 2]);
  }

  /** The id of the token for {@code cp} at this place of the word, or -1. */
  private int charId(String word, int i, int cp, boolean first, boolean last) {
    boolean p = !first && prefix != null;
    boolean s = last && suffix != null;
    if (!p && !s) return charIds.get(cp);
    StringBuilder sb = new StringBuilder();
    if (p) sb.append(prefix);
    sb.appendCodePoint(cp);
    if (s) sb.append(suffix);
    Integer id = ids.get(sb.toString());
    return id == null ? -1 : id;
  }

  /**
   * HF's merge_word: {id, start, end} triples in units of {@code word}. Symbols carry HF's byte
   * lengths (a byte-fallback token one byte of its character); spans are converted back to whole
   * characters of {@code word} at the end.
   */
  int[] merge(String word) {
    int n = word.length();
    Symbols sy = new Symbols(n + 4);
    int unkTokenId = -1;
    int unkLen = 0;
    boolean haveUnk = false;
    for (int i = 0; i < n; ) {
      int cp = word.codePointAt(i);
      int next = i + Character.charCount(cp);
      boolean first = i == 0;
      boolean last = next >= n;
      int byteLen = utf8Length(cp);
      int id = charId(word, i, cp, first, last);
      if (id >= 0) {
        if (haveUnk) {
          sy.add(unkTokenId, unkLen);
          haveUnk = false;
        }
        sy.add(id, byteLen);
      } else {
        boolean done = false;
        if (byteFallback) {
          byte[] bytes = pieceBytes(cp, first, last);
          boolean all = true;
          for (byte b : bytes) if (byteIds[b & 0xFF] < 0) all = false;
          if (all) {
            // HF adds no pending unk here: it is flushed by the next known character.
            for (byte b : bytes) sy.add(byteIds[b & 0xFF], 1);
            done = true;
          }
        }
        if (!done && unkToken != null) {
          if (unkId < 0) {
            throw new IllegalArgumentException("BPE unk_token \"" + unkToken
                + "\" is not in the vocabulary (needed for " + String.format("U+%04X", cp) + ")");
          }
          if (haveUnk && fuseUnk) {
            unkLen += byteLen;
          } else {
            if (haveUnk) sy.add(unkTokenId, unkLen);
            unkTokenId = unkId;
            unkLen = byteLen;
            haveUnk = true;
          }
        }
      }
      i = next;
    }
    if (haveUnk) sy.add(unkTokenId, unkLen);
    sy.mergeAll();
    return sy.spans(word);
  }

  /** The UTF-8 bytes of the character as the vocabulary is searched for it (prefix, suffix). */
  private byte[] pieceBytes(int cp, boolean first, boolean last) {
    StringBuilder sb = new StringBuilder();
    if (!first && prefix != null) sb.append(prefix);
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    sb.appendCodePoint(cp);
    if (last && suffix != null) sb.append(suffix);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static int utf8Length(int cp) {
    if (cp < 0x80) return 1;
    if (cp < 0x800) return 2;
    if (cp < 0x10000) return 3;
    return 4;
  }

  /** HF's Word: a linked list of symbols over arrays, merged by rank then position. */
  private final class Symbols {
    int[] c;
    int[] prev;
    int[] next;
    int[] len; // UTF-8 bytes; 0: merged away
    int size;

    Symbols(int cap) {
      c = new int[cap];
      prev = new int[cap];
      next = new int[cap];
      len = new int[cap];
    }

    void add(int id, int byteLen) {
      if (size == c.length) {
        int cap = size * 2;
        c = Arrays.copyOf(c, cap);
        prev = Arrays.copyOf(prev, cap);
        next = Arrays.copyOf(next, cap);
        len = Arrays.copyOf(len, cap);
      }
      if (size > 0) next[size - 1] = size;
      c[size] = id;
      prev[size] = size - 1;
      next[size] = -1;
      len[size] = byteLen;
      size++;
    }

    void mergeAll() {
      if (size < 2) return;
      LongHeap queue = new LongHeap(size);
      for (int i = 0; i + 1 < size; i++) {
        long m = merges.get(pairKey(c[i], c[i + 1]));
        if (m != LongLongMap.NONE) queue.push((m & 0xFFFFFFFF00000000L) | i);
      }
      while (!queue.isEmpty()) {
        long top = queue.pop();
        int pos = (int) top;
        int rank = (int) (top >>> 32);
        if (len[pos] == 0) continue;
        int right = next[pos];
        if (right == -1) continue;
        int newId = newIdOfRank[rank];
        long current = merges.get(pairKey(c[pos], c[right]));
        if (current == LongLongMap.NONE || (int) current != newId) continue;
        c[pos] = newId;
        len[pos] += len[right];
        next[pos] = next[right];
        len[right] = 0;
        int after = next[pos];
        if (after >= 0) prev[after] = pos;
        int before = prev[pos];
        if (before >= 0) {
          long m = merges.get(pairKey(c[before], newId));
          if (m != LongLongMap.NONE) queue.push((m & 0xFFFFFFFF00000000L) | before);
        }
        if (after >= 0) {
          long m = merges.get(pairKey(newId, c[after]));
          if (m != LongLongMap.NONE) queue.push((m & 0xFFFFFFFF00000000L) | pos);
        }
      }
    }

    /** {id, start, end} per remaining symbol, byte offsets widened to whole characters. */
    int[] spans(String word) {
      int count = 0;
      for (int i = 0; i < size; i++) if (len[i] != 0) count++;
      int[] out = new int[count * 3];
      int n = word.length();
      int unit = 0; // the character at `unit` starts at byte `unitByte`
      int unitByte = 0;
      int bytePos = 0;
      int k = 0;
      for (int i = 0; i < size; i++) {
        if (len[i] == 0) continue;
        int startByte = bytePos;
        int endByte = bytePos + len[i];
        bytePos = endByte;
        // Start: the character that contains startByte.
        while (unit < n) {
          int cp = word.codePointAt(unit);
          int b = utf8Length(cp);
          if (unitByte + b > startByte) break;
          unitByte += b;
          unit += Character.charCount(cp);
        }
        int start = Math.min(unit, n - 1);
        // End: after the character that contains endByte - 1.
        int u = unit;
        int ub = unitByte;
        while (u < n) {
          int cp = word.codePointAt(u);
          int b = utf8Length(cp);
          u += Character.charCount(cp);
          ub += b;
          if (ub >= endByte) break;
        }
        int end = Math.max(u, start + 1);
        out[k++] = c[i];
        out[k++] = start;
        out[k++] = end;
      }
      return out;
    }
  }

  /** A min-heap of longs ((rank << 32) | position: HF's order, rank then position). */
  private static final class LongHeap {
    private long[] a;
    private int size;

    LongHeap(int cap) {
      a = new long[Math.max(4, cap)];
    }

    boolean isEmpty() {
      return size == 0;
    }

    void push(long v) {
      if (size == a.length) a = Arrays.copyOf(a, size * 2);
      int i = size++;
      while (i > 0) {
        int p = (i - 1) >>> 1;
        if (a[p] <= v) break;
        a[i] = a[p];
        i = p;
      }
      a[i] = v;
    }

    long pop() {
      long top = a[0];
      long v = a[--size];
      int i = 0;
      int half = size >>> 1;
      while (i < half) {
        int child = 2 * i + 1;
        if (child + 1 < size && a[child + 1] < a[child]) child++;
        if (v <= a[child]) break;
        a[i] = a[child];
        i = child;
      }
      a[i] = v;
      return top;
    }
  }

  /** An open-addressing long -> long map; keys are pairs of non-negative ids. */
  static final class LongLongMap implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    static final long NONE = -1L;
    private static final long EMPTY = -1L;
    private long[] keys;
    private long[] values;
    private int size;
    private int mask;

    LongLongMap(int expected) {
      int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
      keys = new long[cap];
      values = new long[cap];
      Arrays.fill(keys, EMPTY);
      mask = cap - 1;
    }

    private static int hash(long k) {
      long h = k * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 29));
    }

    long get(long k) {
      int i = hash(k) & mask;
      while (true) {
        long key = keys[i];
        if (key == k) return values[i];
        if (key == EMPTY) return NONE;
        i = (i + 1) & mask;
      }
    }

    void put(long k, long v) {
      if ((size + 1) * 2 > keys.length) grow();
      int i = hash(k) & mask;
      while (keys[i] != EMPTY && keys[i] != k) i = (i + 1) & mask;
      if (keys[i] == EMPTY) size++;
      keys[i] = k;
      values[i] = v;
    }

    private void grow() {
      long[] oldKeys = keys;
      long[] oldValues = values;
      keys = new long[oldKeys.length * 2];
      values = new long[oldKeys.length * 2];
      Arrays.fill(keys, EMPTY);
      mask = keys.length - 1;
      size = 0;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != EMPTY) put(oldKeys[i], oldValues[i]);
      }
    }
  }

  /** An open-addressing int -> int map (code point -> id); -1: absent. */
  static final class IntIntMap implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final int[] direct = new int[0x250]; // ASCII, Latin and GPT-2's byte characters
    private long[] entries; // (key << 32) | value, -1 empty
    private int size;
    private int mask;

    IntIntMap(int expected) {
      Arrays.fill(direct, -1);
      int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
      entries = new long[cap];
      Arrays.fill(entries, -1L);
      mask = cap - 1;
    }

    int get(int k) {
      if (k < direct.length) return direct[k];
      int i = (k * 0x9E3779B9 >>> 7) & mask;
      while (true) {
        long e = entries[i];
        if (e == -1L) return -1;
        if ((int) (e >>> 32) == k) return (int) e;
        i = (i + 1) & mask;
      }
    }

    void put(int k, int v) {
      if (k < direct.length) {
        direct[k] = v;
        return;
      }
      if ((size + 1) * 2 > entries.length) {
        long[] old = entries;
        entries = new long[old.length * 2];
        Arrays.fill(entries, -1L);
        mask = entries.length - 1;
        size = 0;
        for (long e : old) if (e != -1L) put((int) (e >>> 32), (int) e);
      }
      int i = (k * 0x9E3779B9 >>> 7) & mask;
      while (entries[i] != -1L && (int) (entries[i] >>> 32) != k) i = (i + 1) & mask;
      if (entries[i] == -1L) size++;
      entries[i] = ((long) k << 32) | (v & 0xFFFFFFFFL);
    }
  }
}
