package io.corpusencoder.core.tokenize;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The BERT tokenization pipeline as Hugging Face runs it: added tokens split out first, then
 * BertNormalizer, BertPreTokenizer (whitespace and punctuation), WordPiece, and the post-processor's
 * special tokens around the sequence. Immutable and safe to share between threads.
 */
public final class BertTokenizer implements Serializable {
  private static final long serialVersionUID = 1L;

  private final BertNormalizer normalizer;
  private final WordPieceTokenizer wordPiece;
  private final List<AddedToken> addedTokens;
  private final String[] normalizedAddedContents; // parallel to addedTokens
  private final SpecialTemplate template;

  /** Special tokens around a single sequence, e.g. [CLS] A [SEP], with their type ids. */
  public record SpecialTemplate(
      int[] prefixIds, int[] prefixTypeIds, int sequenceTypeId, int[] suffixIds,
      int[] suffixTypeIds)
      implements Serializable {
    /** No special tokens at all. */
    public static SpecialTemplate none() {
      return new SpecialTemplate(new int[0], new int[0], 0, new int[0], new int[0]);
    }

    /** [CLS] A [SEP], all of type 0. */
    public static SpecialTemplate bert(int clsId, int sepId) {
      return new SpecialTemplate(new int[] {clsId}, new int[] {0}, 0, new int[] {sepId},
          new int[] {0});
    }

    int count() {
      return prefixIds.length + suffixIds.length;
    }
  }

  public BertTokenizer(
      BertNormalizer normalizer, WordPieceTokenizer wordPiece, List<AddedToken> addedTokens,
      SpecialTemplate template) {
    this.normalizer = Objects.requireNonNull(normalizer);
    this.wordPiece = Objects.requireNonNull(wordPiece);
    this.addedTokens = List.copyOf(addedTokens);
    this.template = Objects.requireNonNull(template);
    this.normalizedAddedContents = new String[this.addedTokens.size()];
    for (int i = 0; i < this.addedTokens.size(); i++) {
      AddedToken t = this.addedTokens.get(i);
      normalizedAddedContents[i] = t.normalized() ? normalizer.normalize(t.content()) : null;
    }
  }

  public Vocab vocab() {
    return wordPiece.vocab();
  }

  public BertNormalizer normalizer() {
    return normalizer;
  }

  public SpecialTemplate template() {
    return template;
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
    return withSpecialTokens(content, 0, Math.min(content.length(), budget),
        content.length() > budget);
  }

  /**
   * Content tokens [from, to) of {@code content} (from {@link #tokenize}) between the template's
   * special tokens, which get the empty span [0, 0).
   */
  public Encoding withSpecialTokens(Encoding content, int from, int to, boolean truncated) {
    int pre = template.prefixIds.length;
    int total = pre + (to - from) + template.suffixIds.length;
    int[] ids = new int[total];
    int[] types = new int[total];
    int[] starts = new int[total];
    int[] ends = new int[total];
    boolean[] special = new boolean[total];
    int k = 0;
    for (int i = 0; i < pre; i++, k++) {
      ids[k] = template.prefixIds[i];
      types[k] = template.prefixTypeIds[i];
      special[k] = true;
    }
    for (int i = from; i < to; i++, k++) {
      ids[k] = content.ids()[i];
      types[k] = template.sequenceTypeId;
      starts[k] = content.starts()[i];
      ends[k] = content.ends()[i];
      special[k] = content.special()[i];
    }
    for (int i = 0; i < template.suffixIds.length; i++, k++) {
      ids[k] = template.suffixIds[i];
      types[k] = template.suffixTypeIds[i];
      special[k] = true;
    }
    int[] mask = new int[total];
    Arrays.fill(mask, 1);
    return new Encoding(ids, types, mask, starts, ends, special, truncated);
  }

  /** The content tokens of {@code text} (no special tokens, no truncation), with input spans. */
  public Encoding tokenize(String text) {
    if (text == null) throw new IllegalArgumentException("text is null; expected a string");
    TokenList t = tokenizeToList(text);
    int n = t.size();
    int[] types = new int[n];
    Arrays.fill(types, template.sequenceTypeId);
    int[] mask = new int[n];
    Arrays.fill(mask, 1);
    return new Encoding(Arrays.copyOf(t.ids, n), types, mask, Arrays.copyOf(t.starts, n),
        Arrays.copyOf(t.ends, n), Arrays.copyOf(t.special, n), false);
  }

  private TokenList tokenizeToList(String text) {
    TokenList out = new TokenList();
    int pos = 0;
    // Raw-text added tokens split the input first; the pieces between them are normalized.
    for (int[] m : findAddedTokens(text, 0, text.length(), false)) {
      tokenizeSegment(text, pos, m[1], out);
      out.add(addedTokens.get(m[0]).id(), m[1], m[2], addedTokens.get(m[0]).special());
      pos = m[2];
    }
    tokenizeSegment(text, pos, text.length(), out);
    return out;
  }

  private void tokenizeSegment(String text, int from, int to, TokenList out) {
    if (from >= to) return;
    NormalizedText norm = normalizer.normalize(text, from, to);
    CharSequence s = norm.text();
    int pos = 0;
    for (int[] m : findAddedTokens(s, 0, s.length(), true)) {
      preTokenizeAndWordPiece(norm, pos, m[1], out);
      out.add(addedTokens.get(m[0]).id(), norm.origStart(m[1]), norm.origEnd(m[2] - 1),
          addedTokens.get(m[0]).special());
      pos = m[2];
    }
    preTokenizeAndWordPiece(norm, pos, s.length(), out);
  }

  /** BertPreTokenizer: split on whitespace (dropped) and isolate each punctuation character. */
  private void preTokenizeAndWordPiece(NormalizedText norm, int from, int to, TokenList out) {
    CharSequence s = norm.text();
    int wordStart = -1;
    int i = from;
    while (i < to) {
      int cp = Character.codePointAt(s, i);
      int next = i + Character.charCount(cp);
      if (CharClasses.isWhitespace(cp)) {
        if (wordStart >= 0) emitWord(norm, wordStart, i, out);
        wordStart = -1;
      } else if (CharClasses.isPunctuation(cp)) {
        if (wordStart >= 0) emitWord(norm, wordStart, i, out);
        wordStart = -1;
        emitWord(norm, i, next, out);
      } else if (wordStart < 0) {
        wordStart = i;
      }
      i = next;
    }
    if (wordStart >= 0) emitWord(norm, wordStart, to, out);
  }

  private void emitWord(NormalizedText norm, int from, int to, TokenList out) {
    int mark = out.size();
    wordPiece.tokenizeWord(norm.text(), from, to, out);
    for (int k = mark; k < out.size(); k++) {
      // Normalized units -> input offsets.
      out.starts[k] = norm.origStart(out.starts[k]);
      out.ends[k] = norm.origEnd(out.ends[k] - 1);
    }
  }

  /**
   * Leftmost-longest, non-overlapping matches of the added tokens whose {@code normalized} flag
   * equals {@code normalizedPass} in s[from, to): each as {token index, start, end}.
   */
  private List<int[]> findAddedTokens(
      CharSequence s, int from, int to, boolean normalizedPass) {
    List<int[]> matches = new ArrayList<>();
    if (addedTokens.isEmpty()) return matches;
    int i = from;
    while (i < to) {
      int best = -1;
      int bestLen = 0;
      for (int t = 0; t < addedTokens.size(); t++) {
        AddedToken tok = addedTokens.get(t);
        if (tok.normalized() != normalizedPass) continue;
        String c = normalizedPass ? normalizedAddedContents[t] : tok.content();
        if (c.isEmpty() || c.length() <= bestLen || i + c.length() > to) continue;
        if (regionMatches(s, i, c) && (!tok.singleWord() || isWordBounded(s, i, i + c.length()))) {
          best = t;
          bestLen = c.length();
        }
      }
      if (best < 0) {
        i++;
        continue;
      }
      AddedToken tok = addedTokens.get(best);
      int start = i;
      int end = i + bestLen;
      if (tok.lstrip()) {
        int floor = matches.isEmpty() ? from : matches.get(matches.size() - 1)[2];
        while (start > floor && Character.isWhitespace(s.charAt(start - 1))) start--;
      }
      if (tok.rstrip()) {
        while (end < to && Character.isWhitespace(s.charAt(end))) end++;
      }
      matches.add(new int[] {best, start, end});
      i = end;
    }
    return matches;
  }

  private static boolean regionMatches(CharSequence s, int at, String c) {
    for (int k = 0; k < c.length(); k++) if (s.charAt(at + k) != c.charAt(k)) return false;
    return true;
  }

  private static boolean isWordBounded(CharSequence s, int start, int end) {
    boolean leftOk = start == 0 || !Character.isLetterOrDigit(s.charAt(start - 1));
    boolean rightOk = end == s.length() || !Character.isLetterOrDigit(s.charAt(end));
    return leftOk && rightOk;
  }
}
