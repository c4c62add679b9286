package io.corpusencoder.core.tokenize;

import java.util.List;
import java.util.regex.Pattern;

/**
 * HF's Replace normalizer: every match of a string or regex pattern replaced by {@code content};
 * the replacement takes the span of the last character it replaces (HF's insert rule).
 */
public final class Replace implements Normalizer {
  private static final long serialVersionUID = 1L;
  private final Pattern pattern;
  private final String content;

  Replace(Pattern pattern, String content) {
    this.pattern = pattern;
    this.content = content;
  }

  static Replace fromJson(JsonField n) {
    JsonField p = n.get("pattern");
    String content = n.get("content").string();
    if (p.has("String")) {
      // HF compiles the string as an escaped regex, so "" matches at every character boundary.
      String s = p.get("String").string();
      return new Replace(Pattern.compile(Pattern.quote(s)), content);
    }
    if (p.has("Regex")) {
      String r = p.get("Regex").string();
      try {
        return new Replace(OnigTranslator.compile(r), content);
      } catch (IllegalArgumentException e) {
        throw p.get("Regex").error("a regex Corpus Encoder can run (" + e.getMessage() + ")");
      }
    }
    throw p.error("{\"String\": ...} or {\"Regex\": ...}");
  }

  @Override
  public NormalizedText normalize(NormalizedText in) {
    if (in.isEmpty()) return in;
    List<int[]> matches = OnigTranslator.findMatches(in, pattern);
    if (matches.size() == 1 && matches.get(0)[2] == 0) return in;
    NormalizedText.Rewrite out = in.rewrite(0);
    for (int[] m : matches) {
      if (m[2] == 0) {
        out.keepUntil(m[1]);
        continue;
      }
      // HF: remove the matched characters, then insert the content (change 1 each), which
      // takes the span of the character before the insertion point: the match's last one.
      while (out.position() < m[1]) out.drop();
      for (int i = 0; i < content.length(); ) {
        int c = content.codePointAt(i);
        i += Character.charCount(c);
        out.emit(c, 1);
      }
    }
    return out.done();
  }
}
