package io.corpusencoder.core.tokenize;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tokenizer.json pipeline as Hugging Face tokenizers runs it: added tokens split out of the raw
 * text, the normalizer on the pieces between them, added tokens split out of the normalized text,
 * the pre-tokenizer, the model on each piece, then the post-processor (offset trimming, special
 * tokens around the sequence). Immutable and safe to share between threads.
 */
public final class Tokenizer implements Serializable {
  private static final long serialVersionUID = 3L;

  private final Normalizer normalizer; // null: none
  private final PreTokenizer preTokenizer; // null: none
  private final TokenModel model;
  private final List<AddedToken> addedTokens;
  private final String[] addedPatterns; // what each added token matches (normalized if it is)
  // Added tokens by the first UTF-16 unit of their pattern, in file order, for each pass (raw,
  // normalized): Llama 3 has 256 of them, and trying each at every position was the cost.
  private final Map<Character, int[]> addedByFirstUnit;
  private final Map<Character, int[]> normalizedAddedByFirstUnit;
  private final SpecialTemplate template;
  private final OffsetTrim offsetTrim; // null: offsets as the model gives them

  /**
   * A post-processor's offset trimming (ByteLevel's trim_offsets): leading and trailing spaces
   * of a token, which byte-level BPE folds into tokens, are left out of its span, except the one
   * space a first token may carry. HF trims each window (the encoding and each overflowing one)
   * on its own, so a window's first content token is "first".
   */
  public record OffsetTrim(boolean addPrefixSpace) implements Serializable {}

  public Tokenizer(
      Normalizer normalizer, PreTokenizer preTokenizer, TokenModel model,
      List<AddedToken> addedTokens, SpecialTemplate template, OffsetTrim offsetTrim) {
    this.normalizer = normalizer;
    this.preTokenizer = preTokenizer;
    this.model = Objects.requireNonNull(model);
    this.addedTokens = List.copyOf(addedTokens);
    this.template = Objects.requireNonNull(template);
    this.offsetTrim = offsetTrim;
    this.addedPatterns = new String[this.addedTokens.size()];
    for (int i = 0; i < this.addedTokens.size(); i++) {
      AddedToken t = this.addedTokens.get(i);
      addedPatterns[i] = t.normalized() && normalizer != null
          ? normalizer.normalize(NormalizedText.of(t.content())).toString()
          : t.content();
    }
    this.addedByFirstUnit = indexByFirstUnit(false);
    this.normalizedAddedByFirstUnit = indexByFirstUnit(true);
  }

  private Map<Character, int[]> indexByFirstUnit(boolean normalized) {
    Map<Character, List<Integer>> lists = new HashMap<>();
    for (int i = 0; i < addedTokens.size(); i++) {
      if (addedTokens.get(i).normalized() != normalized || addedPatterns[i].isEmpty()) continue;
      lists.computeIfAbsent(addedPatterns[i].charAt(0), k -> new ArrayList<>()).add(i);
    }
    Map<Character, int[]> out = new HashMap<>();
    lists.forEach((c, l) -> out.put(c, l.stream().mapToInt(Integer::intValue).toArray()));
    return out;
  }

  public Vocab vocab() {
    return model.vocab();
  }

  public TokenModel model() {
    return model;
  }

  public SpecialTemplate template() {
    return template;
  }

  /** The largest id this tokenizer can produce: model vocabulary, added and template tokens. */
  public int maxId() {
    int max = model.vocab().size() - 1;
    for (AddedToken t : addedTokens) max = Math.max(max, t.id());
    for (int id : template.prefixIds()) max = Math.max(max, id);
    for (int id : template.suffixIds()) max = Math.max(max, id);
    return max;
  }

  /** The token string of {@code id}: the model's, else an added token's; null when unknown. */
  public String token(int id) {
    String t = model.vocab().token(id);
    if (t != null) return t;
    for (AddedToken a : addedTokens) if (a.id() == id) return a.content();
    return null;
  }

  /** Number of special tokens the template adds around one sequence. */
  public int numSpecialTokens() {
    return template.count();
  }

  /**
   * Tokenizes {@code text} and adds the special tokens, keeping at most {@code maxLength} tokens in
   * all (special tokens included); content beyond that is cut and the encoding says so.
   */
  public Encoding encode(String text, int maxLength) {
    if (text == null) throw new IllegalArgumentException("text is null; expected a string");
    if (maxLength < template.count() + 1) {
      throw new IllegalArgumentException("maxLength " + maxLength + " leaves no room for content "
          + "after " + template.count() + " special tokens");
    }
    Encoding content = tokenize(text);
    int budget = maxLength - template.count();
    return withSpecialTokens(text, content, 0, Math.min(content.length(), budget),
        content.length() > budget);
  }

  /**
   * One window of a text: content tokens [from, to) of {@code content} (from {@link #tokenize}
   * of {@code text}) between the template's special tokens, which get the empty span [0, 0), with
   * the post-processor's offset trimming applied to the window as HF applies it.
   */
  public Encoding withSpecialTokens(String text, Encoding content, int from, int to,
      boolean truncated) {
    int pre = template.prefixIds().length;
    int total = pre + (to - from) + template.suffixIds().length;
    int[] ids = new int[total];
    int[] types = new int[total];
    int[] starts = new int[total];
    int[] ends = new int[total];
    boolean[] special = new boolean[total];
    int k = 0;
    for (int i = 0; i < pre; i++, k++) {
      ids[k] = template.prefixIds()[i];
      types[k] = template.prefixTypeIds()[i];
      special[k] = true;
    }
    for (int i = from; i < to; i++, k++) {
      ids[k] = content.ids()[i];
      types[k] = template.sequenceTypeId();
      starts[k] = content.starts()[i];
      ends[k] = content.ends()[i];
      special[k] = content.special()[i];
    }
    for (int i = 0; i < template.suffixIds().length; i++, k++) {
      ids[k] = template.suffixIds()[i];
      types[k] = template.suffixTypeIds()[i];
      special[k] = true;
    }
    if (offsetTrim != null) {
      trimOffsets(text, ids, starts, ends, pre, pre + (to - from));
    }
    int[] mask = new int[total];
    Arrays.fill(mask, 1);
    return new Encoding(ids, types, mask, starts, ends, special, truncated);
  }

  /**
   * The content tokens of {@code text} (no special tokens, no truncation), with input spans as
   * the model gives them: offset trimming, which depends on where a window starts, is left to
   * {@link #withSpecialTokens}.
   */
  public Encoding tokenize(String text) {
    if (text == null) throw new IllegalArgumentException("text is null; expected a string");
    TokenList t = new TokenList();
    for (Piece p : pieces(text)) {
      NormalizedText s = p.text;
      if (p.addedToken >= 0) {
        AddedToken a = addedTokens.get(p.addedToken);
        t.add(a.id(), s.start(0), s.end(s.length() - 1), a.special());
        continue;
      }
      int mark = t.size();
      model.tokenize(s, t);
      for (int k = mark; k < t.size(); k++) {
        // Units of the piece -> input offsets.
        t.starts[k] = s.start(t.starts[k]);
        t.ends[k] = s.end(t.ends[k] - 1);
      }
    }
    int n = t.size();
    int[] types = new int[n];
    Arrays.fill(types, template.sequenceTypeId());
    int[] mask = new int[n];
    Arrays.fill(mask, 1);
    return new Encoding(Arrays.copyOf(t.ids, n), types, mask, Arrays.copyOf(t.starts, n),
        Arrays.copyOf(t.ends, n), Arrays.copyOf(t.special, n), false);
  }

  /** The pre-tokenized pieces of {@code text}, added tokens split out (for tests and tools). */
  public List<String> preTokenize(String text) {
    List<String> out = new ArrayList<>();
    for (Piece p : pieces(text)) out.add(p.text.toString());
    return out;
  }

  /** A split of the input: normalized text, or the added token (index) it is. */
  private record Piece(NormalizedText text, int addedToken) {}

  private List<Piece> pieces(String text) {
    List<Piece> pieces = new ArrayList<>();
    // 1. Added tokens matched in the raw text split it first.
    NormalizedText raw = NormalizedText.of(text);
    List<Piece> rawPieces = new ArrayList<>();
    splitAddedTokens(raw, false, rawPieces);
    // 2. The pieces between them are normalized, then normalized added tokens split them.
    for (Piece p : rawPieces) {
      if (p.addedToken >= 0) {
        pieces.add(p);
      } else {
        NormalizedText n = normalizer == null ? p.text : normalizer.normalize(p.text);
        splitAddedTokens(n, true, pieces);
      }
    }
    if (preTokenizer == null) return pieces;
    // 3. The pre-tokenizer splits what is not an added token.
    List<Piece> out = new ArrayList<>(pieces.size() * 4);
    List<NormalizedText> buf = new ArrayList<>();
    for (Piece p : pieces) {
      if (p.addedToken >= 0) {
        out.add(p);
        continue;
      }
      buf.clear();
      preTokenizer.split(p.text, buf);
      for (NormalizedText s : buf) if (!s.isEmpty()) out.add(new Piece(s, -1));
    }
    return out;
  }

  /**
   * HF's AddedVocabulary split: leftmost-longest non-overlapping matches of the added tokens
   * whose normalized flag is {@code normalizedPass}; single_word matches not bounded by non-word
   * characters are skipped, lstrip/rstrip take the adjacent whitespace. Empty pieces are dropped.
   */
  private void splitAddedTokens(NormalizedText s, boolean normalizedPass, List<Piece> out) {
    int n = s.length();
    if (n == 0) return;
    Map<Character, int[]> index = normalizedPass ? normalizedAddedByFirstUnit : addedByFirstUnit;
    if (index.isEmpty()) {
      out.add(new Piece(s.slice(0, n), -1));
      return;
    }
    String str = s.toString();
    int startOffset = 0;
    int i = 0;
    while (i < n) {
      int best = -1;
      int bestLen = 0;
      int[] candidates = index.get(str.charAt(i));
      if (candidates != null) {
        for (int t : candidates) {
          String c = addedPatterns[t];
          if (c.length() > bestLen && str.startsWith(c, i)) {
            best = t;
            bestLen = c.length();
          }
        }
      }
      if (best < 0) {
        i++;
        continue;
      }
      AddedToken tok = addedTokens.get(best);
      int start = i;
      int stop = i + bestLen;
      if (tok.singleWord()) {
        boolean startSpace = start == 0 || !CharClasses.isWordChar(str.codePointBefore(start));
        boolean stopSpace = stop == n || !CharClasses.isWordChar(str.codePointAt(stop));
        if (!startSpace || !stopSpace) {
          i = stop;
          continue;
        }
      }
      if (tok.lstrip()) {
        int newStart = start;
        while (newStart > 0 && CharClasses.isWhitespace(str.codePointBefore(newStart))) {
          newStart -= Character.charCount(str.codePointBefore(newStart));
        }
        start = Math.max(newStart, startOffset);
      }
      if (tok.rstrip()) {
        while (stop < n && CharClasses.isWhitespace(str.codePointAt(stop))) {
          stop += Character.charCount(str.codePointAt(stop));
        }
      }
      if (startOffset < start) out.add(new Piece(s.slice(startOffset, start), -1));
      out.add(new Piece(s.slice(start, stop), best));
      startOffset = stop;
      i = stop;
    }
    if (startOffset < n) out.add(new Piece(s.slice(startOffset, n), -1));
  }

  /**
   * ByteLevel's process_offsets on tokens [from, to) of a window: leading and trailing spaces
   * ('Ġ' or whitespace characters of the token string) are taken out of the span, counted in code
   * points of the input; the window's first token (or one starting the text) keeps a single
   * leading space the pre-tokenizer added.
   */
  private void trimOffsets(String text, int[] ids, int[] starts, int[] ends, int from, int to) {
    Vocab vocab = model.vocab();
    for (int k = from; k < to; k++) {
      String tok = vocab.token(ids[k]);
      if (tok == null || tok.isEmpty()) continue;
      int leading = 0;
      for (int j = 0; j < tok.length(); ) {
        int c = tok.codePointAt(j);
        if (c != 'Ġ' && !CharClasses.isWhitespace(c)) break;
        leading++;
        j += Character.charCount(c);
      }
      int trailing = 0;
      for (int j = tok.length(); j > 0; ) {
        int c = tok.codePointBefore(j);
        if (c != 'Ġ' && !CharClasses.isWhitespace(c)) break;
        trailing++;
        j -= Character.charCount(c);
      }
      int start = starts[k];
      int end = ends[k];
      if (leading > 0) {
        boolean isFirst = k == from || start == 0;
        if (isFirst && offsetTrim.addPrefixSpace() && leading == 1) leading = 0;
        start = Math.min(advance(text, start, leading), end);
      }
      if (trailing > 0 && text.codePointCount(0, end) >= trailing) {
        end = Math.max(retreat(text, end, trailing), start);
      }
      starts[k] = start;
      ends[k] = end;
    }
  }

  private static int advance(String text, int at, int codePoints) {
    int i = at;
    for (int k = 0; k < codePoints && i < text.length(); k++) {
      i += Character.charCount(text.codePointAt(i));
    }
    // HF adds past the end of the text too; a span never ends beyond it, so min() caps it.
    return i + Math.max(0, codePoints - text.codePointCount(at, i));
  }

  private static int retreat(String text, int at, int codePoints) {
    int i = at;
    for (int k = 0; k < codePoints && i > 0; k++) i -= Character.charCount(text.codePointBefore(i));
    return i;
  }
}
