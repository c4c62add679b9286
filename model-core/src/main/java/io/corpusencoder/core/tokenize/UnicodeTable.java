package io.corpusencoder.core.tokenize;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;

/**
 * Unicode 16.0 general categories, White_Space, Alphabetic and Script, the version the regex
 * engines of Hugging Face tokenizers (Oniguruma in onig 6.5 and Rust's regex-syntax 0.8.5, as
 * DJL 0.38 and tokenizers 0.21.4 build them) classify characters by. Java 17's {@link Character} knows Unicode
 * 13.0 only: over 11,000 letters and digits of later versions (CJK extensions, new scripts) would
 * split differently with it.
 *
 * <p>Built by src/test/python/make_unicode_tables.py into the resource unicode-16.0.0.bin.gz: a
 * two-level table, one byte per code point (category in bits 0-4, White_Space bit 5, Alphabetic
 * bit 6), and one of Script values.
 */
public final class UnicodeTable {
  /** General categories, in the table's numbering. */
  public static final String[] CATEGORIES = {
    "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe",
    "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"
  };

  public static final int LU = 0, LL = 1, LT = 2, LM = 3, LO = 4, MN = 5, MC = 6, ME = 7, ND = 8,
      NL = 9, NO = 10, PC = 11, CS = 27, CN = 29;

  private static final int WHITE_SPACE = 1 << 5;
  private static final int ALPHABETIC = 1 << 6;

  private static final char[] BLOCKS = new char[0x1100];
  private static final byte[] DATA;
  private static final char[] SCRIPT_BLOCKS = new char[0x1100];
  private static final byte[] SCRIPT_DATA;
  /** Script names (Java's UnicodeScript spelling), indexed by {@link #script}; 0 is UNKNOWN. */
  private static final String[] SCRIPTS;

  static {
    String name = "unicode-16.0.0.bin.gz";
    try (InputStream raw = UnicodeTable.class.getResourceAsStream(name)) {
      if (raw == null) throw new IllegalStateException("resource " + name + " is missing");
      DataInputStream in = new DataInputStream(new GZIPInputStream(raw));
      byte[] magic = new byte[6];
      in.readFully(magic);
      if (!"UCD16\n".equals(new String(magic, java.nio.charset.StandardCharsets.US_ASCII))) {
        throw new IllegalStateException(name + " is not a Unicode table");
      }
      int max = 0;
      for (int i = 0; i < BLOCKS.length; i++) {
        BLOCKS[i] = in.readChar();
        max = Math.max(max, BLOCKS[i]);
      }
      DATA = new byte[(max + 1) * 256];
      in.readFully(DATA);
      if (!"SCRIPTS".equals(readLine(in))) throw new IllegalStateException(name + ": no scripts");
      java.util.List<String> scripts = new java.util.ArrayList<>();
      for (String line; !(line = readLine(in)).isEmpty(); ) scripts.add(line);
      SCRIPTS = scripts.toArray(new String[0]);
      max = 0;
      for (int i = 0; i < SCRIPT_BLOCKS.length; i++) {
        SCRIPT_BLOCKS[i] = in.readChar();
        max = Math.max(max, SCRIPT_BLOCKS[i]);
      }
      SCRIPT_DATA = new byte[(max + 1) * 256];
      in.readFully(SCRIPT_DATA);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + name, e);
    }
  }

  private UnicodeTable() {}

  private static String readLine(DataInputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c; (c = in.readUnsignedByte()) != '\n'; ) sb.append((char) c);
    return sb.toString();
  }

  /** The Script property value of {@code cp}: an index into {@link #scriptName}. */
  public static int script(int cp) {
    return SCRIPT_DATA[(SCRIPT_BLOCKS[cp >>> 8] << 8) | (cp & 0xFF)] & 0xFF;
  }

  /** The name of script {@code index} as Java spells it (HAN, OLD_ITALIC, GARAY, ...). */
  public static String scriptName(int index) {
    return SCRIPTS[index];
  }

  /** ISO 15924 codes of the scripts Unicode added after Java 17's tables (13.0). */
  private static final java.util.Map<String, String> NEW_SCRIPT_CODES = java.util.Map.ofEntries(
      java.util.Map.entry("CPMN", "CYPRO_MINOAN"), java.util.Map.entry("OUGR", "OLD_UYGHUR"),
      java.util.Map.entry("TNSA", "TANGSA"), java.util.Map.entry("VITH", "VITHKUQI"),
      java.util.Map.entry("NAGM", "NAG_MUNDARI"), java.util.Map.entry("GARA", "GARAY"),
      java.util.Map.entry("GUKH", "GURUNG_KHEMA"), java.util.Map.entry("KRAI", "KIRAT_RAI"),
      java.util.Map.entry("ONAO", "OL_ONAL"), java.util.Map.entry("SUNU", "SUNUWAR"),
      java.util.Map.entry("TODR", "TODHRI"), java.util.Map.entry("TUTG", "TULU_TIGALARI"));

  /**
   * The index of the script named {@code name} (a long name in any case, with spaces, hyphens or
   * underscores, or an ISO 15924 code), or -1.
   */
  public static int scriptIndex(String name) {
    String key = name.trim().toUpperCase(java.util.Locale.ROOT).replace(' ', '_').replace('-', '_');
    String canonical = NEW_SCRIPT_CODES.getOrDefault(key, key);
    try {
      canonical = Character.UnicodeScript.forName(key).name();
    } catch (IllegalArgumentException e) {
      // not a name Java 17 knows: one of Unicode 14.0-16.0's, or none
    }
    String squashed = canonical.replace("_", "");
    for (int i = 0; i < SCRIPTS.length; i++) {
      if (SCRIPTS[i].replace("_", "").equals(squashed)) return i;
    }
    return -1;
  }

  private static int bits(int cp) {
    return DATA[(BLOCKS[cp >>> 8] << 8) | (cp & 0xFF)];
  }

  /** The general category of {@code cp} (an index into {@link #CATEGORIES}). */
  public static int category(int cp) {
    return bits(cp) & 0x1F;
  }

  /** \p{L}: Lu, Ll, Lt, Lm or Lo. */
  public static boolean isLetter(int cp) {
    return (bits(cp) & 0x1F) <= LO;
  }

  /** \p{N}: Nd, Nl or No. */
  public static boolean isNumber(int cp) {
    int c = bits(cp) & 0x1F;
    return c >= ND && c <= NO;
  }

  /** \p{Nd}: onig's \d. */
  public static boolean isDecimalDigit(int cp) {
    return (bits(cp) & 0x1F) == ND;
  }

  /** \p{M}: Mn, Mc or Me. */
  public static boolean isMark(int cp) {
    int c = bits(cp) & 0x1F;
    return c >= MN && c <= ME;
  }

  /** White_Space: onig's and Rust regex's \s, Rust's char::is_whitespace. */
  public static boolean isWhiteSpace(int cp) {
    return (bits(cp) & WHITE_SPACE) != 0;
  }

  /** The Alphabetic property. */
  public static boolean isAlphabetic(int cp) {
    return (bits(cp) & ALPHABETIC) != 0;
  }

  /**
   * Rust regex's \w (HF's Whitespace pre-tokenizer, added tokens' single_word): Alphabetic,
   * marks, decimal digits, connector punctuation and Join_Control (U+200C, U+200D).
   */
  public static boolean isWord(int cp) {
    return isOnigWord(cp) || cp == 0x200C || cp == 0x200D;
  }

  /** Oniguruma's \w: Alphabetic, marks, decimal digits, connector punctuation (no joiners). */
  public static boolean isOnigWord(int cp) {
    int b = bits(cp);
    if ((b & ALPHABETIC) != 0) return true;
    int c = b & 0x1F;
    return (c >= MN && c <= ND) || c == PC;
  }
}
