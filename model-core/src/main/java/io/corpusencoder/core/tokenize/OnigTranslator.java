package io.corpusencoder.core.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Translates a tokenizer.json regex, which HF compiles with Oniguruma (its own syntax, the onig
 * crate's default, much as Ruby's; UTF-8; Unicode 16.0 tables), into a {@link Pattern} that matches the same strings at the same places.
 *
 * <p>What differs and is translated:
 * <ul>
 *   <li>{@code \s \d \w \b \h} and their negations: Oniguruma's are Unicode (White_Space, Nd,
 *       Alphabetic+M+Nd+Pc, without the joiners Rust's \w has; outside a character class its
 *       \w also takes the Latin-1 superscripts and fractions (U+00B2 U+00B3 U+00B9 U+00BC-U+00BE)
 *       from its Latin-1 table) and {@code \h} is a hex digit; Java's are ASCII, and its
 *       {@code \h} is horizontal space.
 *   <li>{@code \p{...}} general categories (and Alphabetic, White_Space, Word, Digit, Space,
 *       XDigit, ASCII, Any): Java 17's tables are Unicode 13.0, so every class is corrected to
 *       Unicode 16.0 ({@link UnicodeTable}): code points unassigned in Java's tables are added
 *       behind a \p{Cn} guard, category changes added or removed explicitly.
 *   <li>{@code \v} (vertical tab), {@code \xH}, octal {@code \0oo}, {@code {,n}}, a {@code {}
 *       that is not a quantifier (a literal), {@code (?m)} (Ruby's dot-all), {@code (?'name')}.
 *   <li>{@code ^ $ .}: Ruby's are per line with only \n ending a line: MULTILINE | UNIX_LINES.
 *   <li>{@code (?i)}: Unicode case folding (UNICODE_CASE). Oniguruma also folds one character to
 *       several (ß to ss); Java does not: such a match differs (none of the known patterns has
 *       one).
 *   <li>Script properties ({@code \p{Han}}, {@code \p{Hira}}), likewise corrected to Unicode 16.0
 *       (Script, not Script_Extensions, as Oniguruma's).
 * </ul>
 * Refused at load time (an IllegalArgumentException naming the construct): POSIX brackets, \K,
 * \X, \g, \Q, absent operators, conditionals, extended mode, {@code {n,m}+} (a repeat of a repeat,
 * not possessive) and {@code {n}?} (optional, not lazy) in Oniguruma's syntax, backreferences past
 * \9, unknown escapes and properties (POSIX-like ones such as Punct, Upper, Graph included).
 */
final class OnigTranslator {
  private OnigTranslator() {}

  static final int FLAGS = Pattern.MULTILINE | Pattern.UNIX_LINES | Pattern.UNICODE_CASE;

  private static final String WHITE_SPACE =
      "\\t-\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}"
          + "\\x{205F}\\x{3000}";

  private static final Map<String, String> CLASS_CACHE = new ConcurrentHashMap<>();

  /** The Java pattern for {@code onig}; IllegalArgumentException says what cannot be run. */
  static Pattern compile(String onig) {
    String java = translate(onig);
    try {
      return Pattern.compile(java, FLAGS);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("not a regex Corpus Encoder can run: "
          + e.getDescription() + " (as Java: " + abbreviate(java) + ")", e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 197) + "...";
  }

  /** The Java spelling of {@code onig}. */
  static String translate(String onig) {
    return new Translation(onig).run();
  }

  /**
   * Matches of {@code re} in {@code t} as onig's find_iter yields them: {start, end, 1} triples
   * interleaved with the non-matching stretches {start, end, 0}, covering the text (HF's
   * find_matches). An empty match right where the previous match ended is skipped, and a search
   * after an empty match resumes at the next character (never inside a surrogate pair).
   */
  static List<int[]> findMatches(NormalizedText t, Pattern re) {
    List<int[]> out = new ArrayList<>();
    int n = t.length();
    if (n == 0) {
      out.add(new int[] {0, 0, 0});
      return out;
    }
    String s = t.toString();
    Matcher m = re.matcher(s);
    int prev = 0;
    int from = 0;
    int lastMatchEnd = -1;
    while (from <= n && m.find(from)) {
      int start = m.start();
      int end = m.end();
      if (start == end && lastMatchEnd == end) {
        if (end >= n) break;
        from = end + Character.charCount(s.codePointAt(end));
        continue;
      }
      if (start == end && start > 0 && start < n && Character.isLowSurrogate(s.charAt(start))
          && Character.isHighSurrogate(s.charAt(start - 1))) {
        from = start + 1; // not a character boundary: onig never tries here
        continue;
      }
      if (prev != start) out.add(new int[] {prev, start, 0});
      out.add(new int[] {start, end, 1});
      prev = end;
      lastMatchEnd = end;
      if (start == end) {
        if (end >= n) break;
        from = end + Character.charCount(s.codePointAt(end));
      } else {
        from = end;
      }
    }
    if (prev != n) out.add(new int[] {prev, n, 0});
    return out;
  }

  private static final class Translation {
    private final String p;
    private int i;
    private final StringBuilder out = new StringBuilder();

    Translation(String p) {
      this.p = p;
    }

    private IllegalArgumentException fail(String what) {
      return new IllegalArgumentException(what + " at index " + i + " of /" + p + "/");
    }

    String run() {
      // Open groups: where each one's body starts in out, negated when a lookbehind.
      java.util.ArrayDeque<int[]> open = new java.util.ArrayDeque<>();
      while (i < p.length()) {
        char c = p.charAt(i);
        switch (c) {
          case '\\' -> out.append(escape(false));
          case '[' -> out.append(charClass());
          case '(' -> {
            boolean lookbehind = p.startsWith("(?<=", i) || p.startsWith("(?<!", i);
            if (group()) open.push(new int[] {out.length(), lookbehind ? 1 : 0});
          }
          case ')' -> {
            if (open.isEmpty()) throw fail("unmatched ')'");
            int[] g = open.pop();
            if (g[1] == 1) out.append(widenLookbehind(out.substring(g[0])));
            out.append(')');
            i++;
          }
          case '{' -> interval();
          case '*', '+', '?' -> {
            out.append(c);
            i++;
            if (i < p.length() && (p.charAt(i) == '?' || p.charAt(i) == '+')) {
              out.append(p.charAt(i++));
            }
          }
          case '.', '^', '$', '|' -> {
            out.append(c);
            i++;
          }
          default -> {
            literal(c);
            i++;
          }
        }
      }
      return out.toString();
    }

    private void literal(int c) {
      if (Character.isHighSurrogate((char) c) && i + 1 < p.length()
          && Character.isLowSurrogate(p.charAt(i + 1))) {
        out.append(String.format("\\x{%X}", p.codePointAt(i)));
        i++;
        return;
      }
      if ("\\[](){}.*+?^$|&-".indexOf(c) >= 0 || c == '#' || c == ' ') {
        out.append('\\').append((char) c);
      } else {
        out.append((char) c);
      }
    }

    /**
     * What a lookbehind's body needs after it for Java to look far enough back: Java counts a
     * class as one UTF-16 unit there, so a supplementary character before the position is never
     * seen whole. A branch that never matches ((?!)) but is twice as long widens the search; the
     * body must still end exactly at the position, so the meaning is unchanged. Groups in the
     * copies do not capture.
     */
    private static String widenLookbehind(String body) {
      String copy = body.replaceAll("\\(\\?<([A-Za-z][A-Za-z0-9]*)>", "(?:")
          .replaceAll("\\((?!\\?)", "(?:");
      return "|(?!)(?:" + copy + ")(?:" + copy + ")";
    }

    /** {n}, {n,}, {n,m}, {,m}; anything else is a literal '{' in Ruby syntax. */
    private void interval() {
      Matcher m = Pattern.compile("\\{(\\d*)(,?)(\\d*)\\}").matcher(p);
      if (!m.find(i) || m.start() != i || (m.group(1).isEmpty() && m.group(3).isEmpty())
          || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
        out.append("\\{");
        i++;
        return;
      }
      String lo = m.group(1).isEmpty() ? "0" : m.group(1);
      out.append('{').append(lo).append(m.group(2)).append(m.group(3)).append('}');
      i = m.end();
      if (i < p.length() && p.charAt(i) == '?') {
        if (m.group(2).isEmpty()) {
          throw fail("{n}? (in Oniguruma syntax an optional repeat, not a lazy one)");
        }
        out.append('?');
        i++;
      } else if (i < p.length() && p.charAt(i) == '+') {
        throw fail("{n,m}+ (in Ruby syntax a repeat of a repeat, not possessive)");
      }
    }

    /** A group or option setting at i ('('); true when it opened a group. */
    private boolean group() {
      i++; // (
      if (i >= p.length() || p.charAt(i) != '?') {
        out.append('(');
        return true;
      }
      String rest = p.substring(i);
      if (rest.startsWith("?:") || rest.startsWith("?=") || rest.startsWith("?!")
          || rest.startsWith("?>")) {
        out.append('(').append(rest, 0, 2);
        i += 2;
      } else if (rest.startsWith("?<=") || rest.startsWith("?<!")) {
        out.append('(').append(rest, 0, 3);
        i += 3;
      } else if (rest.startsWith("?<") || rest.startsWith("?'")) {
        char close = rest.charAt(1) == '<' ? '>' : '\'';
        int end = rest.indexOf(close, 2);
        if (end < 0) throw fail("unterminated group name");
        String name = rest.substring(2, end);
        if (!name.matches("[A-Za-z][A-Za-z0-9]*")) {
          throw fail("group name \"" + name + "\" (Java allows letters and digits only)");
        }
        out.append("(?<").append(name).append('>');
        i += end + 1;
      } else if (rest.startsWith("?#")) {
        int end = p.indexOf(')', i);
        if (end < 0) throw fail("unterminated comment");
        out.append("(?:"); // keeps the group count; the comment matches nothing
        i = end;
      } else {
        // Options: (?imx-imx) or (?imx-imx:...)
        int j = i + 1;
        StringBuilder opts = new StringBuilder("(?");
        while (j < p.length() && "imx-".indexOf(p.charAt(j)) >= 0) {
          char o = p.charAt(j);
          if (o == 'x') {
            throw fail("extended mode (?x)");
          }
          opts.append(o == 'm' ? 's' : o); // Ruby's m is dot-all
          j++;
        }
        if (j >= p.length() || (p.charAt(j) != ')' && p.charAt(j) != ':') || j == i + 1) {
          throw fail("group syntax \"(" + abbreviate(rest.substring(0, Math.min(6, rest.length())))
              + "\"");
        }
        opts.append(p.charAt(j));
        out.append(opts);
        i = j + 1;
        // (?i) alone applies to the end of the enclosing group, in Oniguruma as in Java.
        return p.charAt(j) == ':';
      }
      return true;
    }

    /** An escape at i (a backslash); {@code inClass}: inside [...]. */
    private String escape(boolean inClass) {
      if (i + 1 >= p.length()) throw fail("trailing backslash");
      char c = p.charAt(i + 1);
      i += 2;
      singleCp = -1;
      switch (c) {
        case 's':
          return "[" + WHITE_SPACE + "]";
        case 'S':
          return "[^" + WHITE_SPACE + "]";
        case 'd':
          return category("Nd", false);
        case 'D':
          return category("Nd", true);
        case 'w':
          return word(false, inClass);
        case 'W':
          return word(true, inClass);
        case 'h':
          return "[0-9a-fA-F]";
        case 'H':
          return "[^0-9a-fA-F]";
        case 'p':
        case 'P':
          return property(c == 'P', inClass);
        case 'b':
        case 'B': {
          if (inClass && c == 'b') return hex(singleCp = 8); // backspace in a class
          if (inClass) throw fail("\\B in a character class");
          String w = word(false, false);
          String behind = w + widenLookbehind(w) + ")";
          return c == 'b'
              ? "(?:(?<=" + behind + "(?!" + w + ")|(?<!" + behind + "(?=" + w + "))"
              : "(?:(?<=" + behind + "(?=" + w + ")|(?<!" + behind + "(?!" + w + "))";
        }
        case 'A':
        case 'z':
        case 'Z':
        case 'G':
          if (inClass) throw fail("\\" + c + " in a character class");
          return "\\" + c;
        case 'n':
          return hex(singleCp = '\n');
        case 't':
          return hex(singleCp = '\t');
        case 'r':
          return hex(singleCp = '\r');
        case 'f':
          return hex(singleCp = '\f');
        case 'a':
          return hex(singleCp = 7);
        case 'e':
          return hex(singleCp = 27);
        case 'v':
          return hex(singleCp = 11);
        case 'N':
          if (inClass) throw fail("\\N in a character class");
          return "[^\\n]";
        case 'O':
          if (inClass) throw fail("\\O in a character class");
          return "[\\x{0}-\\x{10FFFF}]";
        case 'R':
          if (inClass) throw fail("\\R in a character class");
          return "(?>\\r\\n|[\\n\\x{B}\\f\\r\\x{85}\\x{2028}\\x{2029}])";
        case 'x': {
          int cp;
          if (i < p.length() && p.charAt(i) == '{') {
            int end = p.indexOf('}', i);
            if (end < 0) throw fail("unterminated \\x{");
            cp = parseHex(p.substring(i + 1, end).trim());
            i = end + 1;
          } else {
            int j = i;
            while (j < p.length() && j < i + 2 && Character.digit(p.charAt(j), 16) >= 0) j++;
            if (j == i) throw fail("\\x without hex digits");
            cp = Integer.parseInt(p.substring(i, j), 16);
            i = j;
          }
          return hex(singleCp = cp);
        }
        case 'u': {
          if (i + 4 > p.length()) throw fail("\\u needs 4 hex digits");
          int cp = parseHex(p.substring(i, i + 4));
          i += 4;
          return hex(singleCp = cp);
        }
        case '0': {
          int j = i;
          while (j < p.length() && j < i + 2 && p.charAt(j) >= '0' && p.charAt(j) <= '7') j++;
          int cp = j == i ? 0 : Integer.parseInt(p.substring(i, j), 8);
          i = j;
          return hex(singleCp = cp);
        }
        case 'k': {
          if (inClass) throw fail("\\k in a character class");
          if (i < p.length() && p.charAt(i) == '<') {
            int end = p.indexOf('>', i);
            if (end < 0) throw fail("unterminated \\k<");
            String name = p.substring(i + 1, end);
            i = end + 1;
            if (name.matches("[1-9]")) return "\\" + name;
            if (name.matches("[A-Za-z][A-Za-z0-9]*")) return "\\k<" + name + ">";
          }
          throw fail("backreference \\k");
        }
        default:
          break;
      }
      if (c >= '1' && c <= '9') {
        if (inClass) throw fail("octal or backreference \\" + c + " in a character class");
        if (i < p.length() && Character.isDigit(p.charAt(i))) {
          throw fail("backreference or octal escape \\" + c + p.charAt(i));
        }
        return "\\" + c;
      }
      if (Character.isLetterOrDigit(c) || c > 0x7F) {
        throw fail("escape \\" + c);
      }
      return hex(singleCp = c); // escaped punctuation, space, etc.: the literal
    }

    /** The code point of the last escape when it was a single character, else -1. */
    private int singleCp = -1;

    /** A character class at i ('['), nested classes and && included. */
    private String charClass() {
      StringBuilder sb = new StringBuilder("[");
      i++;
      if (i < p.length() && p.charAt(i) == '^') {
        sb.append('^');
        i++;
      }
      boolean first = true;
      int pendingCp = -1; // the last atom, when it was a single character
      while (true) {
        if (i >= p.length()) throw fail("unterminated character class");
        char c = p.charAt(i);
        if (c == ']' && !first) {
          i++;
          break;
        }
        first = false;
        if (c == '[') {
          if (p.startsWith("[:", i) && Pattern.compile("\\[:\\^?[A-Za-z]+:\\]").matcher(p)
              .region(i, p.length()).lookingAt()) {
            throw fail("POSIX bracket expression");
          }
          sb.append(charClass());
          pendingCp = -1;
          continue;
        }
        if (c == '&' && p.startsWith("&&", i)) {
          sb.append("&&");
          i += 2;
          pendingCp = -1;
          continue;
        }
        if (c == '-' && pendingCp >= 0 && i + 1 < p.length() && p.charAt(i + 1) != ']') {
          // A range from the previous single character to the next one.
          i++;
          int to;
          if (p.charAt(i) == '\\') {
            escape(true);
            to = singleCp;
            if (to < 0) throw fail("a range ending in a class escape");
          } else if (p.charAt(i) == '[') {
            throw fail("a range ending in a character class");
          } else {
            to = p.codePointAt(i);
            i += Character.charCount(to);
          }
          if (to < pendingCp) throw fail("an empty range");
          sb.append('-').append(hex(to));
          pendingCp = -1;
          continue;
        }
        if (c == '\\') {
          sb.append(escape(true));
          pendingCp = singleCp;
          continue;
        }
        int cp = p.codePointAt(i);
        i += Character.charCount(cp);
        sb.append(Character.isLetterOrDigit(cp) && cp < 0x80 ? String.valueOf((char) cp) : hex(cp));
        pendingCp = cp;
      }
      return sb.append(']').toString();
    }

    private static int parseHex(String h) {
      if (h.isEmpty() || h.length() > 8) {
        throw new IllegalArgumentException("bad hex \"" + h + "\"");
      }
      int cp = Integer.parseInt(h, 16);
      if (cp > 0x10FFFF) throw new IllegalArgumentException("code point " + h + " out of range");
      return cp;
    }

    private static String hex(int cp) {
      return String.format("\\x{%X}", cp);
    }

    /** \p{...} or \P{...} at i (after the letter); {@code negated} for \P. */
    private String property(boolean negated, boolean inClass) {
      if (i >= p.length() || p.charAt(i) != '{') throw fail("\\p without {name}");
      int end = p.indexOf('}', i);
      if (end < 0) throw fail("unterminated \\p{");
      String name = p.substring(i + 1, end);
      i = end + 1;
      if (name.startsWith("^")) {
        negated = !negated;
        name = name.substring(1);
      }
      String key = name.toLowerCase(Locale.ROOT).replaceAll("[ _\\-]", "");
      String gc = GC_NAMES.get(key);
      if (gc != null) return category(gc, negated);
      switch (key) {
        case "alpha":
        case "alphabetic":
          return exact("alpha", "[\\p{IsAlphabetic}]", Character::isAlphabetic,
              UnicodeTable::isAlphabetic, negated);
        case "whitespace":
        case "space":
          return negated ? "[^" + WHITE_SPACE + "]" : "[" + WHITE_SPACE + "]";
        case "word":
          return word(negated, inClass);
        case "digit":
          return category("Nd", negated);
        case "xdigit":
        case "asciihexdigit":
          return negated ? "[^0-9a-fA-F]" : "[0-9a-fA-F]";
        case "ascii":
          return negated ? "[^\\x{0}-\\x{7F}]" : "[\\x{0}-\\x{7F}]";
        case "any":
          return negated ? "[^\\x{0}-\\x{10FFFF}]" : "[\\x{0}-\\x{10FFFF}]";
        default:
          break;
      }
      // A script (the Script property, not Script_Extensions, as Oniguruma's \p{Han}).
      int script = UnicodeTable.scriptIndex(name);
      if (script <= 0) throw fail("Unicode property \\p{" + name + "}");
      Character.UnicodeScript javaScript = null;
      try {
        javaScript = Character.UnicodeScript.valueOf(UnicodeTable.scriptName(script));
      } catch (IllegalArgumentException e) {
        // added after Unicode 13.0: Java has no class for it
      }
      Character.UnicodeScript js = javaScript;
      String base = js == null ? "[^\\x{0}-\\x{10FFFF}]" : "\\p{Is" + js.name() + "}";
      return exact("sc=" + script, base,
          cp -> js != null && Character.UnicodeScript.of(cp) == js,
          cp -> UnicodeTable.script(cp) == script, negated);
    }

    private String category(String gc, boolean negated) {
      int mask = 0;
      for (int k = 0; k < UnicodeTable.CATEGORIES.length; k++) {
        if (UnicodeTable.CATEGORIES[k].startsWith(gc) || (gc.equals("LC")
            && (k == UnicodeTable.LU || k == UnicodeTable.LL || k == UnicodeTable.LT))) {
          mask |= 1 << k;
        }
      }
      int m = mask;
      int javaMask = 0;
      for (int k = 0; k < UnicodeTable.CATEGORIES.length; k++) {
        if ((m & (1 << k)) != 0) javaMask |= 1 << JAVA_TYPE[k];
      }
      int jm = javaMask;
      String base = gc.equals("LC") ? "[\\p{Lu}\\p{Ll}\\p{Lt}]" : "\\p{" + gc + "}";
      return exact("gc=" + gc, base, cp -> (jm & (1 << Character.getType(cp))) != 0,
          cp -> (m & (1 << UnicodeTable.category(cp))) != 0, negated);
    }

    /**
     * Oniguruma's \w. Outside a character class (\w, \W, \b, \p{Word}) it also matches the
     * Latin-1 digits and fractions \u00b2 \u00b3 \u00b9 \u00bc \u00bd \u00be (its Latin-1
     * ctype table says so); inside one, as [\w], it does not.
     */
    private String word(boolean negated, boolean inClass) {
      IntPredicate ours = inClass ? UnicodeTable::isOnigWord
          : cp -> UnicodeTable.isOnigWord(cp) || cp == 0xB2 || cp == 0xB3 || cp == 0xB9
              || (cp >= 0xBC && cp <= 0xBE);
      String base = "[\\p{IsAlphabetic}\\p{M}\\p{Nd}\\p{Pc}]";
      return exact(inClass ? "word" : "word+latin1", base,
          cp -> {
            if (Character.isAlphabetic(cp)) return true;
            int t = Character.getType(cp);
            return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK
                || t == Character.ENCLOSING_MARK || t == Character.DECIMAL_DIGIT_NUMBER
                || t == Character.CONNECTOR_PUNCTUATION;
          },
          ours, negated);
    }
  }

  /** Java's Character.getType value of each UnicodeTable category. */
  private static final int[] JAVA_TYPE = {
    Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
    Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK, Character.DECIMAL_DIGIT_NUMBER,
    Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
    Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
    Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
    Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL, Character.SPACE_SEPARATOR,
    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.CONTROL, Character.FORMAT,
    Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED
  };

  /** Oniguruma's general category names (normalized: lower case, no _ - or space). */
  private static final Map<String, String> GC_NAMES = Map.ofEntries(
      Map.entry("l", "L"), Map.entry("letter", "L"),
      Map.entry("lc", "LC"), Map.entry("l&", "LC"), Map.entry("casedletter", "LC"),
      Map.entry("lu", "Lu"), Map.entry("uppercaseletter", "Lu"),
      Map.entry("ll", "Ll"), Map.entry("lowercaseletter", "Ll"),
      Map.entry("lt", "Lt"), Map.entry("titlecaseletter", "Lt"),
      Map.entry("lm", "Lm"), Map.entry("modifierletter", "Lm"),
      Map.entry("lo", "Lo"), Map.entry("otherletter", "Lo"),
      Map.entry("m", "M"), Map.entry("mark", "M"), Map.entry("combiningmark", "M"),
      Map.entry("mn", "Mn"), Map.entry("nonspacingmark", "Mn"),
      Map.entry("mc", "Mc"), Map.entry("spacingmark", "Mc"),
      Map.entry("me", "Me"), Map.entry("enclosingmark", "Me"),
      Map.entry("n", "N"), Map.entry("number", "N"),
      Map.entry("nd", "Nd"), Map.entry("decimalnumber", "Nd"),
      Map.entry("nl", "Nl"), Map.entry("letternumber", "Nl"),
      Map.entry("no", "No"), Map.entry("othernumber", "No"),
      Map.entry("p", "P"), Map.entry("punctuation", "P"),
      Map.entry("pc", "Pc"), Map.entry("connectorpunctuation", "Pc"),
      Map.entry("pd", "Pd"), Map.entry("dashpunctuation", "Pd"),
      Map.entry("ps", "Ps"), Map.entry("openpunctuation", "Ps"),
      Map.entry("pe", "Pe"), Map.entry("closepunctuation", "Pe"),
      Map.entry("pi", "Pi"), Map.entry("initialpunctuation", "Pi"),
      Map.entry("pf", "Pf"), Map.entry("finalpunctuation", "Pf"),
      Map.entry("po", "Po"), Map.entry("otherpunctuation", "Po"),
      Map.entry("s", "S"), Map.entry("symbol", "S"),
      Map.entry("sm", "Sm"), Map.entry("mathsymbol", "Sm"),
      Map.entry("sc", "Sc"), Map.entry("currencysymbol", "Sc"),
      Map.entry("sk", "Sk"), Map.entry("modifiersymbol", "Sk"),
      Map.entry("so", "So"), Map.entry("othersymbol", "So"),
      Map.entry("z", "Z"), Map.entry("separator", "Z"),
      Map.entry("zs", "Zs"), Map.entry("spaceseparator", "Zs"),
      Map.entry("zl", "Zl"), Map.entry("lineseparator", "Zl"),
      Map.entry("zp", "Zp"), Map.entry("paragraphseparator", "Zp"),
      Map.entry("c", "C"), Map.entry("other", "C"),
      Map.entry("cc", "Cc"), Map.entry("control", "Cc"), Map.entry("cntrl", "Cc"),
      Map.entry("cf", "Cf"), Map.entry("format", "Cf"),
      Map.entry("cs", "Cs"), Map.entry("surrogate", "Cs"),
      Map.entry("co", "Co"), Map.entry("privateuse", "Co"),
      Map.entry("cn", "Cn"), Map.entry("unassigned", "Cn"));

  /**
   * A Java class expression for the code points where {@code ours} holds, given a Java class
   * {@code base} whose members are those where {@code java} holds: base, less the code points
   * Unicode 16.0 took out of it, plus those it added (behind a cheap \p{Cn} guard for the ones Java
   * 17 does not know at all). Surrogate code points are left as Java has them.
   */
  static String exact(
      String name, String base, IntPredicate java, IntPredicate ours, boolean negated) {
    String key = name + (negated ? "^" : "");
    String cached = CLASS_CACHE.get(key);
    if (cached != null) return cached;
    StringBuilder addNew = new StringBuilder();
    StringBuilder addChanged = new StringBuilder();
    StringBuilder remove = new StringBuilder();
    for (int cp = 0; cp <= 0x10FFFF; ) {
      if (cp >= 0xD800 && cp <= 0xDFFF) {
        cp = 0xE000;
        continue;
      }
      boolean j = java.test(cp);
      boolean o = ours.test(cp);
      if (j == o) {
        cp++;
        continue;
      }
      boolean unassigned = Character.getType(cp) == Character.UNASSIGNED;
      int start = cp;
      while (cp + 1 <= 0x10FFFF && !(cp + 1 >= 0xD800 && cp + 1 <= 0xDFFF)
          && java.test(cp + 1) == j && ours.test(cp + 1) == o
          && (Character.getType(cp + 1) == Character.UNASSIGNED) == unassigned) {
        cp++;
      }
      StringBuilder target = o ? (unassigned ? addNew : addChanged) : remove;
      target.append(String.format("\\x{%X}", start));
      if (cp > start) target.append(String.format("-\\x{%X}", cp));
      cp++;
    }
    StringBuilder cls = new StringBuilder("[");
    if (negated) cls.append('^');
    if (remove.length() > 0) {
      cls.append('[').append(base).append("&&[^").append(remove).append("]]");
    } else {
      cls.append(base);
    }
    if (addChanged.length() > 0) cls.append('[').append(addChanged).append(']');
    if (addNew.length() > 0) cls.append("[\\p{Cn}&&[").append(addNew).append("]]");
    cls.append(']');
    String result = cls.toString();
    CLASS_CACHE.put(key, result);
    return result;
  }
}
