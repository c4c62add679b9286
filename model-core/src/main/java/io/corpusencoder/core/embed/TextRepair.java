package io.corpusencoder.core.embed;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The one rule every door (the Spark job, the Transformer, scripts/embed.sh) applies to a text
 * before it is tokenized, so the same input gives the same vector through each, and a repaired
 * text is flagged rather than changed silently:
 *
 * <ul>
 *   <li>{@value #INVALID_UTF8}: input bytes are decoded as UTF-8 with each malformed sequence
 *       replaced by one U+FFFD, the sequence as Java's UTF-8 decoder delimits it (its
 *       malformed-input length). That is Unicode's "maximal subpart" practice (as Python's
 *       {@code errors="replace"}, Rust's {@code from_utf8_lossy} and WHATWG decode) except for
 *       an encoded surrogate ({@code ED} then {@code A0..BF}), whose bytes Java replaces by one
 *       U+FFFD where those give one per byte. {@code C3 28} gives U+FFFD "(", {@code E2 82 41}
 *       U+FFFD "A", {@code C0 AF} two U+FFFD, {@code ED A0 80} one (Python: three).
 *       The same bytes give the same text in every door, as each decodes with this method.
 *   <li>{@value #LONE_SURROGATE}: a UTF-16 surrogate without its partner (a JSON escape such as
 *       "&#92;ud800" decodes to one) is replaced by U+FFFD. Spark strings are UTF-8 and cannot hold one
 *       (Spark would turn it into '?'), so the job must repair it before a text becomes a Spark
 *       string; a valid pair is left alone.
 * </ul>
 *
 * <p>The reason is {@code "invalid_utf8"}, {@code "lone_surrogate"}, or
 * {@code "invalid_utf8,lone_surrogate"} for both; null when the text was not touched.
 */
public final class TextRepair {
  public static final String INVALID_UTF8 = "invalid_utf8";
  public static final String LONE_SURROGATE = "lone_surrogate";
  private static final char REPLACEMENT = '\uFFFD';
  private static final int[] NONE = {};
  private static final JsonFactory JSON = new JsonFactory();

  private TextRepair() {}

  /**
   * Bytes decoded as UTF-8: the text, and the char index in it of each U+FFFD that replaced a
   * malformed sequence (ascending; empty when the bytes were valid UTF-8).
   */
  public record Decoded(String text, int[] replacements) {
    /** Valid text, nothing replaced. */
    public static Decoded of(String text) {
      return new Decoded(text, NONE);
    }

    public boolean repaired() {
      return replacements.length > 0;
    }

    /** Whether a replacement lies in chars [start, end) of the text. */
    public boolean repairedWithin(int start, int end) {
      int i = Arrays.binarySearch(replacements, start);
      if (i < 0) i = -i - 1;
      return i < replacements.length && replacements[i] < end;
    }
  }

  /** A text after the rule, and why it changed (null: untouched). */
  public record Repaired(String text, String reason) {}

  /** {@code len} bytes from {@code off} decoded as UTF-8, each malformed sequence by U+FFFD. */
  public static Decoded decodeUtf8(byte[] bytes, int off, int len) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, off, len);
    CharBuffer out = CharBuffer.allocate(len); // UTF-8 never gives more chars than bytes
    int[] at = NONE;
    int n = 0;
    while (true) {
      CoderResult r = d.decode(in, out, true);
      if (r.isUnderflow()) break;
      // Malformed (UTF-8 has no unmappable input): one U+FFFD for the sequence, then go on.
      if (n == at.length) at = Arrays.copyOf(at, Math.max(4, 2 * n));
      at[n++] = out.position();
      out.put(REPLACEMENT);
      in.position(in.position() + r.length());
    }
    d.flush(out);
    out.flip();
    return new Decoded(out.toString(), n == at.length ? at : Arrays.copyOf(at, n));
  }

  /** The whole array decoded; see {@link #decodeUtf8(byte[], int, int)}. */
  public static Decoded decodeUtf8(byte[] bytes) {
    return decodeUtf8(bytes, 0, bytes.length);
  }

  /** Lone surrogates replaced by U+FFFD; the reason also says invalid_utf8 when told so. */
  public static Repaired repair(String text, boolean invalidUtf8) {
    String repaired = text == null ? null : replaceLoneSurrogates(text);
    boolean lone = repaired != text;
    String reason = invalidUtf8 && lone ? INVALID_UTF8 + "," + LONE_SURROGATE
        : invalidUtf8 ? INVALID_UTF8 : lone ? LONE_SURROGATE : null;
    return new Repaired(repaired, reason);
  }

  /** A text that arrived as a Java string (no bytes seen): only lone surrogates can be found. */
  public static Repaired repair(String text) {
    return repair(text, false);
  }

  /**
   * The string value {@code value} of top-level field {@code field} of the JSON object in
   * {@code line}: repaired, and flagged invalid_utf8 when a replacement of the line's decoding
   * falls inside that value (a bad byte in another field does not flag the text).
   */
  public static Repaired repairJsonField(Decoded line, String field, String value) {
    return repair(value, line.repaired() && valueRepaired(line, field));
  }

  /** Both reasons of two steps, in the canonical order; null when neither. */
  public static String combine(String a, String b) {
    if (a == null) return b;
    if (b == null || a.equals(b)) return a;
    boolean invalid = a.contains(INVALID_UTF8) || b.contains(INVALID_UTF8);
    boolean lone = a.contains(LONE_SURROGATE) || b.contains(LONE_SURROGATE);
    return invalid && lone ? INVALID_UTF8 + "," + LONE_SURROGATE : invalid ? INVALID_UTF8
        : LONE_SURROGATE;
  }

  /** The text itself when it has no lone surrogate, else a copy with each replaced. */
  static String replaceLoneSurrogates(String s) {
    char[] c = null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (!Character.isSurrogate(ch)) continue;
      if (Character.isHighSurrogate(ch) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++; // a valid pair
        continue;
      }
      if (c == null) c = s.toCharArray();
      c[i] = REPLACEMENT;
    }
    return c == null ? s : new String(c);
  }

  /**
   * Whether a replacement lies in the raw token of the last top-level {@code field} string value
   * (the last one, as a JSON tree keeps the last of duplicate keys). Scanned only for lines that
   * had a replacement.
   */
  private static boolean valueRepaired(Decoded line, String field) {
    boolean hit = false;
    try (JsonParser p = JSON.createParser(line.text())) {
      if (p.nextToken() != JsonToken.START_OBJECT) return false;
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        boolean wanted = field.equals(p.currentName());
        JsonToken v = p.nextToken();
        if (wanted && v == JsonToken.VALUE_STRING) {
          int start = (int) p.currentTokenLocation().getCharOffset();
          p.getText(); // reads to the closing quote
          hit = line.repairedWithin(start, (int) p.currentLocation().getCharOffset());
        } else if (wanted) {
          hit = false;
        }
        p.skipChildren();
      }
    } catch (IOException e) {
      return hit; // a malformed line is quarantined by its reader; the flag no longer matters
    }
    return hit;
  }
}
