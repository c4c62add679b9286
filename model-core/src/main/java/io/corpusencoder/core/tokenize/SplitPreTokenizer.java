package io.corpusencoder.core.tokenize;

import java.util.List;
import java.util.regex.Pattern;

/**
 * HF's Split pre-tokenizer: the matches of a string or an Oniguruma regex split each piece, the
 * behavior saying what becomes of them, {@code invert} swapping matches and the text between.
 * Regexes are translated to Java by {@link OnigTranslator} at load time (an untranslatable one is
 * refused there); GPT-2's pattern runs as hand-written code (the same as ByteLevel's split).
 */
public final class SplitPreTokenizer implements PreTokenizer {
  private static final long serialVersionUID = 1L;

  private final String source; // the pattern as the file gives it, for toString
  private final Pattern pattern; // null: GPT-2's pattern, matched by ByteLevelPreTokenizer
  private final SplitBehavior behavior;
  private final boolean invert;

  SplitPreTokenizer(String source, Pattern pattern, SplitBehavior behavior, boolean invert) {
    this.source = source;
    this.pattern = pattern;
    this.behavior = behavior;
    this.invert = invert;
  }

  static SplitPreTokenizer fromJson(JsonField p) {
    JsonField pat = p.get("pattern");
    SplitBehavior behavior =
        SplitBehavior.fromJson(p.get("behavior").string(), p.get("behavior").path());
    boolean invert = p.get("invert").bool(false);
    if (pat.has("String")) {
      String s = pat.get("String").string();
      // HF escapes the string and compiles it as a regex: "" matches (empty) everywhere.
      return new SplitPreTokenizer(s, Pattern.compile(Pattern.quote(s)), behavior, invert);
    }
    if (pat.has("Regex")) {
      JsonField r = pat.get("Regex");
      String regex = r.string();
      if (regex.equals(ByteLevelPreTokenizer.GPT2_PATTERN)) {
        return new SplitPreTokenizer(regex, null, behavior, invert);
      }
      try {
        return new SplitPreTokenizer(regex, OnigTranslator.compile(regex), behavior, invert);
      } catch (IllegalArgumentException e) {
        throw r.error("a regex Corpus Encoder can translate from Oniguruma to Java exactly; \""
            + regex + "\" is not: " + e.getMessage());
      }
    }
    throw pat.error("{\"String\": ...} or {\"Regex\": ...}");
  }

  @Override
  public void split(NormalizedText piece, List<NormalizedText> out) {
    List<int[]> matches = pattern == null ? gpt2Matches(piece) : OnigTranslator.findMatches(piece,
        pattern);
    if (invert) SplitBehavior.invert(matches);
    behavior.split(piece, matches, out);
  }

  private static List<int[]> gpt2Matches(NormalizedText t) {
    List<int[]> out = new java.util.ArrayList<>();
    int n = t.length();
    if (n == 0) {
      out.add(new int[] {0, 0, 0});
      return out;
    }
    String s = t.toString();
    for (int i = 0; i < n; ) {
      int end = ByteLevelPreTokenizer.gpt2Match(s, i);
      out.add(new int[] {i, end, 1});
      i = end;
    }
    return out;
  }

  @Override
  public String toString() {
    return "Split(" + source + ", " + behavior + (invert ? ", inverted)" : ")");
  }
}
