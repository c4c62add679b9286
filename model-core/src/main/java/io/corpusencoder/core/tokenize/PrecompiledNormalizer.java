package io.corpusencoder.core.tokenize;

import java.util.Base64;

/**
 * Hugging Face's Precompiled normalizer: SentencePiece's precompiled charsmap (XLM-RoBERTa, T5,
 * multilingual-e5...), text and spans exactly as tokenizers 0.21.4 (the version DJL 0.38.0 ships;
 * normalizers/precompiled.rs is unchanged up to 0.23) and its spm_precompiled 0.1.4 crate give
 * them, quirks included:
 *
 * <ul>
 *   <li>The text is cut into extended grapheme clusters ({@link Graphemes}, as the Rust
 *       unicode-segmentation crate does). A grapheme shorter than 6 UTF-8 bytes is looked up
 *       whole, and if the charsmap has a match the whole grapheme becomes that match's
 *       replacement, even though the match is the FIRST (shortest) prefix that has a value and may
 *       cover only its first character: the rest of the grapheme is then dropped. Otherwise each
 *       character of the grapheme is looked up alone, and kept when it has no match.
 *   <li>Spans follow HF's change list: a replacement's characters replace the old ones one for
 *       one, extra ones are insertions, and when the replacement is shorter the difference is
 *       added to the change of the LAST entry so far, which may belong to an earlier character
 *       or, after an expansion, turn an insertion into a replacement. A removal before any entry
 *       (the text starts with a character mapped to nothing) is lost: the next character then
 *       takes the removed one's span, the one after it the next character's, and so on.
 *   <li>The change list is applied (HF's {@code transform}) to the normalized range of the
 *       whole original, which starts at the first unit whose span is not empty, and only when
 *       some lookup matched.
 * </ul>
 */
public final class PrecompiledNormalizer implements Normalizer {
  private static final long serialVersionUID = 1L;

  private final PrecompiledCharsmap charsmap;
  /** The replacement id of each ASCII character alone, or -1. */
  private final int[] ascii = new int[0x80];

  PrecompiledNormalizer(PrecompiledCharsmap charsmap) {
    this.charsmap = charsmap;
    for (int c = 0; c < 0x80; c++) ascii[c] = charsmap.match(String.valueOf((char) c), 0, 1);
  }

  /**
   * From tokenizer.json: {@code precompiled_charsmap} must be a standard, padded base64 string of
   * a charsmap the crate can read (absent, null or empty fail in HF too, which panics on them).
   * Stricter than HF in one way: a trie that would lead a lookup out of bounds (where HF panics
   * on the first text that reaches it) is refused here, when the file is read.
   */
  public static PrecompiledNormalizer fromJson(JsonField n) {
    JsonField f = n.get("precompiled_charsmap");
    if (!f.node().isTextual()) {
      throw f.error("a base64 string (a SentencePiece precompiled charsmap)");
    }
    String text = f.node().textValue();
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw f.error("standard base64 (" + e.getMessage() + ")");
    }
    // HF's decoder (base64 0.22 STANDARD) also wants canonical padding and zero trailing bits.
    if (!Base64.getEncoder().encodeToString(blob).equals(text)) {
      throw f.error("canonical standard base64 (with its '=' padding, and no stray bits)");
    }
    try {
      return new PrecompiledNormalizer(PrecompiledCharsmap.parse(blob));
    } catch (IllegalArgumentException e) {
      throw f.error("a valid precompiled charsmap, but " + e.getMessage());
    }
  }

  /** From the decoded blob (tests). */
  static PrecompiledNormalizer fromBlob(byte[] blob) {
    return new PrecompiledNormalizer(PrecompiledCharsmap.parse(blob));
  }

  @Override
  public NormalizedText normalize(NormalizedText text) {
    int n = text.length();
    if (n == 0) return text;
    String s = text.toString();
    Graphemes.Cursor graphemes = new Graphemes.Cursor(s);
    Changes out = null; // created at the first match: until then every character is kept
    int i = 0;
    while (i < n) {
      int end = graphemes.next(i);
      char c = s.charAt(i);
      if (c < 0x80 && end == i + 1) {
        int id = ascii[c];
        if (id >= 0) {
          if (out == null) out = new Changes(text, s, i);
          out.replace(1, charsmap, id);
        } else if (out != null) {
          out.add(c, 0);
        }
        i = end;
        continue;
      }
      int cps = 0;
      int bytes = 0;
      for (int k = i; k < end && bytes < 6; ) {
        int cp = s.codePointAt(k);
        k += Character.charCount(cp);
        cps++;
        bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      }
      if (bytes < 6) {
        int id = charsmap.match(s, i, end);
        if (id >= 0) {
          if (out == null) out = new Changes(text, s, i);
          out.replace(cps, charsmap, id);
          i = end;
          continue;
        }
        if (cps == 1) {
          // The same lookup again, character by character: no match.
          if (out != null) out.add(s.codePointAt(i), 0);
          i = end;
          continue;
        }
      }
      for (int k = i; k < end; ) {
        int cp = s.codePointAt(k);
        int next = k + Character.charCount(cp);
        int id = cp < 0x80 ? ascii[cp] : charsmap.match(s, k, next);
        if (id >= 0) {
          if (out == null) out = new Changes(text, s, k);
          out.replace(1, charsmap, id);
        } else if (out != null) {
          out.add(cp, 0);
        }
        k = next;
      }
      i = end;
    }
    return out == null ? text : out.done();
  }

  /**
   * HF's list of (char, change) built by its {@code replace} helper and applied by
   * {@code NormalizedString::transform}, streamed: every entry but the last goes to the rewrite
   * at once, the last is held since a later removal may still change it.
   */
  private static final class Changes {
    private final String s;
    private final int n;
    private final NormalizedText.Rewrite rewrite;
    private boolean held;
    private int heldCp;
    private int heldChange;

    /** At the first match, at unit {@code first}: the characters before it are kept (change 0). */
    Changes(NormalizedText text, String s, int first) {
      this.s = s;
      this.n = s.length();
      // transform() rewrites the normalized range of the whole original: from the first unit
      // with a non-empty span (normally 0; a Prepend before us leaves an empty-span prefix).
      int from = 0;
      while (from < n && text.start(from) == text.end(from)) from++;
      rewrite = text.rewrite(from, n, 0);
      if (first == 0) return;
      int last = first - Character.charCount(s.codePointBefore(first));
      if (from == 0) {
        rewrite.keepUntil(last);
      } else {
        for (int k = 0; k < last; ) {
          int cp = s.codePointAt(k);
          emit(cp, 0);
          k += Character.charCount(cp);
        }
      }
      held = true;
      heldCp = s.codePointAt(last);
      heldChange = 0;
    }

    void add(int cp, int change) {
      if (held) emit(heldCp, heldChange);
      held = true;
      heldCp = cp;
      heldChange = change;
    }

    /** HF's replace(): {@code oldCount} characters become replacement {@code id}. */
    void replace(int oldCount, PrecompiledCharsmap map, int id) {
      int m = map.length(id);
      for (int k = 0; k < m; k++) add(map.codePoint(id, k), m > oldCount && k >= oldCount ? 1 : 0);
      if (m < oldCount && held) heldChange += m - oldCount;
    }

    /** transform_range's step for one entry; where HF would index past its alignments, throw. */
    private void emit(int cp, int change) {
      if (change > 0) {
        rewrite.emit(cp, 1);
        return;
      }
      int pos = rewrite.position();
      if (pos >= n) {
        throw new IllegalStateException("Precompiled normalizer: Hugging Face's transform would "
            + "read past the text here (it panics); text: " + s);
      }
      // Removing past the end removes what there is (HF's iterator just runs out).
      int k = pos + Character.charCount(s.codePointAt(pos));
      int removed = 0;
      while (removed < -change && k < n) {
        k += Character.charCount(s.codePointAt(k));
        removed++;
      }
      rewrite.emit(cp, -removed);
    }

    NormalizedText done() {
      if (held) emit(heldCp, heldChange);
      return rewrite.done();
    }
  }
}
