package io.corpusencoder.core.tokenize;

import java.util.List;

/**
 * HF's Metaspace pre-tokenizer: every space becomes the replacement ('▁'), the replacement is
 * prepended (always, only to the piece that starts the input, or never) unless the piece already
 * starts with it, and with {@code split} the piece is cut before each replacement.
 */
public record Metaspace(int replacement, PrependScheme prependScheme, boolean split)
    implements PreTokenizer {

  /** When the replacement is prepended. */
  public enum PrependScheme { ALWAYS, FIRST, NEVER }

  static Metaspace fromJson(JsonField p) {
    JsonField rep = p.get("replacement");
    String r = rep.string();
    if (r.codePointCount(0, r.length()) != 1) throw rep.error("a single character");
    JsonField scheme = p.get("prepend_scheme");
    PrependScheme ps;
    if (scheme.isAbsent()) {
      // Files from before prepend_scheme: add_prefix_space false means never.
      ps = p.get("add_prefix_space").bool(true) ? PrependScheme.ALWAYS : PrependScheme.NEVER;
    } else {
      ps = switch (scheme.string()) {
        case "always" -> PrependScheme.ALWAYS;
        case "first" -> PrependScheme.FIRST;
        case "never" -> PrependScheme.NEVER;
        default -> throw scheme.error("\"always\", \"first\" or \"never\"");
      };
      if (!p.get("add_prefix_space").bool(true) && ps != PrependScheme.NEVER) {
        throw p.get("add_prefix_space").error(
            "consistent with prepend_scheme (false only with \"never\")");
      }
    }
    return new Metaspace(r.codePointAt(0), ps, p.get("split").bool(true));
  }

  @Override
  public void split(NormalizedText piece, List<NormalizedText> out) {
    String rep = new String(Character.toChars(replacement));
    NormalizedText t = replaceSpaces(piece, rep);
    boolean startsWithRep = !t.isEmpty() && t.codePointAt(0) == replacement;
    boolean prepend = switch (prependScheme) {
      case ALWAYS -> !startsWithRep;
      case FIRST -> !startsWithRep && t.originalStart() == 0;
      case NEVER -> false;
    };
    if (prepend) t = Prepend.prepend(t, rep);
    if (split) {
      SplitBehavior.MERGED_WITH_NEXT.split(
          t, SplitBehavior.findChars(t, c -> c == replacement), out);
    } else {
      out.add(t);
    }
  }

  /** ' ' -> replacement, each taking the space's span (HF's replace of a one-char match). */
  private static NormalizedText replaceSpaces(NormalizedText in, String rep) {
    boolean any = false;
    for (int i = 0; i < in.length() && !any; i++) any = in.charAt(i) == ' ';
    if (!any) return in;
    NormalizedText.Rewrite out = in.rewrite(0);
    for (int i = 0; i < in.length(); ) {
      int cp = in.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == ' ') {
        out.drop();
        for (int k = 0; k < rep.length(); ) {
          int c = rep.codePointAt(k);
          k += Character.charCount(c);
          out.emit(c, 1);
        }
      } else {
        out.emit(cp, 0);
      }
    }
    return out.done();
  }
}
