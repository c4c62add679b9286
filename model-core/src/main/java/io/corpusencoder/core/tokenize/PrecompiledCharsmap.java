package io.corpusencoder.core.tokenize;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * SentencePiece's precompiled charsmap, as Hugging Face's spm_precompiled crate (0.1.4) reads it:
 * a little-endian u32 byte size of the trie, the trie (a darts-clone double array of u32 units
 * over UTF-8 bytes), then the replacement strings, UTF-8, each ended by a NUL. A key's value is
 * the byte offset of its replacement in those strings.
 *
 * <p>{@link #match} is the crate's {@code transform}: the value of the FIRST (shortest) prefix of
 * the key that has one, so a match may cover only part of what was looked up; a NUL byte ends the
 * key. Every reachable unit and replacement is checked once when the blob is read, so a lookup
 * cannot go out of bounds where the crate would panic. Plain arrays only: serializable.
 */
final class PrecompiledCharsmap implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] units;
  /** Where the root's children are: the crate's first {@code node_pos ^= offset(array[0])}. */
  private final int root;
  /** For a unit that holds a leaf value: 1 + the id of its replacement; otherwise 0. */
  private final int[] leafReplacement;
  /** Replacement {@code id} is {@code replacementCodePoints[replacementStart[id] ..[id + 1])}. */
  private final int[] replacementStart;
  private final int[] replacementCodePoints;

  private PrecompiledCharsmap(int[] units, int[] leafReplacement, int[] replacementStart,
      int[] replacementCodePoints) {
    this.units = units;
    this.root = offset(units[0]);
    this.leafReplacement = leafReplacement;
    this.replacementStart = replacementStart;
    this.replacementCodePoints = replacementCodePoints;
  }

  /**
   * Parses a decoded blob. Throws IllegalArgumentException (the reason) where the crate fails to
   * parse it, and also where it would panic on first use: an empty trie, a trie path out of the
   * array, a value outside the strings or not at a character's start.
   */
  static PrecompiledCharsmap parse(byte[] blob) {
    if (blob.length < 4) {
      throw new IllegalArgumentException(
          "it has " + blob.length + " bytes, not even the trie size");
    }
    ByteBuffer in = ByteBuffer.wrap(blob).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    long trieBytes = in.getInt() & 0xFFFFFFFFL;
    long unitCount = trieBytes / 4; // as the crate: a size not a multiple of 4 is rounded down
    if (unitCount * 4 > blob.length - 4) {
      throw new IllegalArgumentException("its trie size " + trieBytes + " exceeds the "
          + (blob.length - 4) + " bytes that follow");
    }
    if (unitCount == 0) throw new IllegalArgumentException("its trie is empty");
    int[] units = new int[(int) unitCount];
    in.asIntBuffer().get(units);
    byte[] strings = Arrays.copyOfRange(blob, 4 + units.length * 4, blob.length);
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(strings));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("its replacement strings are not valid UTF-8");
    }

    // Walk every node reachable from the root over bytes 1..255, as lookups can.
    int[] leafReplacement = new int[units.length];
    Map<Integer, Integer> idOfValue = new HashMap<>();
    int[] starts = new int[16];
    int[] cps = new int[64];
    int replacements = 0;
    int cpCount = 0;
    java.util.BitSet visited = new java.util.BitSet();
    int[] stack = new int[64];
    int top = 0;
    stack[top++] = offset(units[0]);
    if (stack[0] >= units.length) {
      throw new IllegalArgumentException("its trie's root leads out of its " + units.length
          + " units (to unit " + stack[0] + ")");
    }
    while (top > 0) {
      int node = stack[--top];
      if (visited.get(node)) continue;
      visited.set(node);
      for (int b = 1; b < 256; b++) {
        int pos = node ^ b;
        if (pos >= units.length) {
          throw new IllegalArgumentException("its trie leads out of its " + units.length
              + " units (to unit " + pos + ")");
        }
        int unit = units[pos];
        if ((unit & 0x800000FF) != b) continue;
        int child = pos ^ offset(unit);
        if (child >= units.length) {
          throw new IllegalArgumentException("its trie leads out of its " + units.length
              + " units (to unit " + child + ")");
        }
        if (hasLeaf(unit) && leafReplacement[child] == 0) {
          int value = units[child] & 0x7FFFFFFF;
          Integer id = idOfValue.get(value);
          if (id == null) {
            if (value > strings.length) {
              throw new IllegalArgumentException("a trie value (" + value + ") lies beyond its "
                  + strings.length + " bytes of replacement strings");
            }
            if (value < strings.length && (strings[value] & 0xC0) == 0x80) {
              throw new IllegalArgumentException("a trie value (" + value + ") points inside a "
                  + "UTF-8 character of the replacement strings");
            }
            int end = value;
            while (end < strings.length && strings[end] != 0) end++;
            String s = new String(strings, value, end - value, StandardCharsets.UTF_8);
            int[] c = s.codePoints().toArray();
            id = replacements++;
            idOfValue.put(value, id);
            if (replacements + 1 > starts.length) starts = Arrays.copyOf(starts, starts.length * 2);
            if (cpCount + c.length > cps.length) {
              cps = Arrays.copyOf(cps, Math.max(cps.length * 2, cpCount + c.length));
            }
            starts[id] = cpCount;
            System.arraycopy(c, 0, cps, cpCount, c.length);
            cpCount += c.length;
            starts[id + 1] = cpCount;
          }
          leafReplacement[child] = id + 1;
        }
        if (top == stack.length) stack = Arrays.copyOf(stack, top * 2);
        stack[top++] = child;
      }
    }
    return new PrecompiledCharsmap(units, leafReplacement, Arrays.copyOf(starts, replacements + 1),
        Arrays.copyOf(cps, cpCount));
  }

  private static boolean hasLeaf(int unit) {
    return ((unit >>> 8) & 1) == 1;
  }

  private static int offset(int unit) {
    return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
  }

  /**
   * The replacement id of the first prefix, in UTF-8, of {@code s[from, to)} that has one, or -1.
   * A lone surrogate (which Rust strings cannot hold) is looked up as its 3-byte encoding.
   */
  int match(String s, int from, int to) {
    int[] units = this.units;
    int node = root;
    for (int i = from; i < to; ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      int b0;
      int more;
      if (cp < 0x80) {
        if (cp == 0) return -1; // the crate's search stops at NUL
        b0 = cp;
        more = 0;
      } else if (cp < 0x800) {
        b0 = 0xC0 | (cp >>> 6);
        more = 1;
      } else if (cp < 0x10000) {
        b0 = 0xE0 | (cp >>> 12);
        more = 2;
      } else {
        b0 = 0xF0 | (cp >>> 18);
        more = 3;
      }
      int b = b0;
      while (true) {
        node ^= b;
        int unit = units[node];
        if ((unit & 0x800000FF) != b) return -1;
        node ^= offset(unit);
        if (hasLeaf(unit)) return leafReplacement[node] - 1;
        if (more == 0) break;
        more--;
        b = 0x80 | ((cp >>> (6 * more)) & 0x3F);
      }
    }
    return -1;
  }

  /** The number of code points of replacement {@code id}. */
  int length(int id) {
    return replacementStart[id + 1] - replacementStart[id];
  }

  /** Code point {@code k} of replacement {@code id}. */
  int codePoint(int id, int k) {
    return replacementCodePoints[replacementStart[id] + k];
  }

  /** Replacement {@code id} as a string (for tests and messages). */
  String replacement(int id) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < length(id); k++) sb.appendCodePoint(codePoint(id, k));
    return sb.toString();
  }

  /** The number of distinct replacements the trie reaches. */
  int replacementCount() {
    return replacementStart.length - 1;
  }
}
