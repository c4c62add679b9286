package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextRepairTest {
  private static final String R = "\uFFFD";

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      else out.write((Integer) p);
    }
    return out.toByteArray();
  }

  @Test
  void validUtf8IsDecodedUntouched() {
    String s = "plain, café, 日本語, 😀 and a genuine " + R;
    TextRepair.Decoded d = TextRepair.decodeUtf8(s.getBytes(StandardCharsets.UTF_8));
    assertEquals(s, d.text());
    assertFalse(d.repaired());
    assertEquals(0, d.replacements().length);
  }

  @Test
  void eachMalformedSequenceBecomesOneReplacementWhereJavasDecoderDelimitsIt() {
    String[][] cases = {
      {"C3 28", R + "("},          // a lead byte without its continuation
      {"E2 82 41", R + "A"},       // a truncated 3-byte sequence: one U+FFFD
      {"F0 9F 98", R},             // truncated at the end of the input
      {"C0 AF", R + R},            // an overlong form: one per byte
      {"80 80", R + R},            // stray continuation bytes
      {"FF", R},
      {"F4 90 80 80", R + R + R + R}, // above U+10FFFF
      {"ED A0 80", R},             // an encoded surrogate: one (Python and WHATWG give three)
    };
    for (String[] c : cases) {
      String[] hex = c[0].split(" ");
      byte[] b = new byte[hex.length + 2];
      b[0] = 'x';
      for (int i = 0; i < hex.length; i++) b[i + 1] = (byte) Integer.parseInt(hex[i], 16);
      b[b.length - 1] = 'y';
      TextRepair.Decoded d = TextRepair.decodeUtf8(b);
      assertEquals("x" + c[1] + "y", d.text(), c[0]);
      int[] expected = new int[(int) c[1].chars().filter(ch -> ch == 0xFFFD).count()];
      for (int i = 0, k = 0; i < c[1].length(); i++) if (c[1].charAt(i) == 0xFFFD) expected[k++] = i + 1;
      assertArrayEquals(expected, d.replacements(), c[0]);
    }
  }

  @Test
  void decodingEqualsJavasStringDecodingAndReportsEveryReplacement() {
    Random random = new Random(11);
    for (int n = 0; n < 20_000; n++) {
      byte[] b = new byte[1 + random.nextInt(12)];
      for (int i = 0; i < b.length; i++) {
        int kind = random.nextInt(4); // ASCII, continuation, lead bytes: many bad sequences
        b[i] = (byte) (kind == 0 ? random.nextInt(0x80) : kind == 1 ? 0x80 + random.nextInt(0x40)
            : 0xC0 + random.nextInt(0x40));
      }
      TextRepair.Decoded d = TextRepair.decodeUtf8(b);
      String java = new String(b, StandardCharsets.UTF_8);
      assertEquals(java, d.text());
      for (int at : d.replacements()) assertEquals('\uFFFD', d.text().charAt(at));
      // Every U+FFFD is a reported replacement, but for genuine ones (valid EF BF BD bytes).
      long genuine = new String(b, StandardCharsets.ISO_8859_1).split("\u00EF\u00BF\u00BD", -1)
          .length - 1;
      assertEquals(java.chars().filter(ch -> ch == 0xFFFD).count(),
          d.replacements().length + genuine);
    }
  }

  @Test
  void decodesASliceOfTheArray() {
    byte[] b = bytes("skip", 0xC3, 0x28, "|tail");
    TextRepair.Decoded d = TextRepair.decodeUtf8(b, 4, 3);
    assertEquals(R + "(|", d.text());
    assertArrayEquals(new int[] {0}, d.replacements());
    assertTrue(d.repairedWithin(0, 1));
    assertFalse(d.repairedWithin(1, 3));
  }

  @Test
  void loneSurrogatesAreReplacedAndValidPairsKept() {
    assertEquals(new TextRepair.Repaired("a " + R + " b", "lone_surrogate"),
        TextRepair.repair("a \uD800 b"));
    assertEquals(new TextRepair.Repaired(R + " low first", "lone_surrogate"),
        TextRepair.repair("\uDC00 low first"));
    assertEquals(new TextRepair.Repaired("reversed " + R + R, "lone_surrogate"),
        TextRepair.repair("reversed \uDC00\uD800"));
    assertEquals(new TextRepair.Repaired("high at the end " + R, "lone_surrogate"),
        TextRepair.repair("high at the end \uD83D"));
    String pair = "emoji \uD83D\uDE00 and \uD800\uDC00";
    TextRepair.Repaired kept = TextRepair.repair(pair);
    assertSame(pair, kept.text(), "an untouched text is the same string");
    assertNull(kept.reason());
    assertEquals(new TextRepair.Repaired(null, null), TextRepair.repair(null));
  }

  @Test
  void theReasonSaysWhatWasRepaired() {
    assertEquals("invalid_utf8", TextRepair.repair("x" + R, true).reason());
    assertEquals("invalid_utf8,lone_surrogate", TextRepair.repair(R + "\uDFFF", true).reason());
    assertEquals("lone_surrogate", TextRepair.repair("\uDFFF", false).reason());
    assertNull(TextRepair.repair("fine", false).reason());
    assertNull(TextRepair.combine(null, null));
    assertEquals("lone_surrogate", TextRepair.combine(null, "lone_surrogate"));
    assertEquals("invalid_utf8", TextRepair.combine("invalid_utf8", null));
    assertEquals("invalid_utf8,lone_surrogate",
        TextRepair.combine("lone_surrogate", "invalid_utf8"));
    assertEquals("invalid_utf8,lone_surrogate",
        TextRepair.combine("invalid_utf8,lone_surrogate", "lone_surrogate"));
  }

  @Test
  void aJsonLineFlagsInvalidUtf8OnlyWhenItFallsInTheTextValue() {
    TextRepair.Decoded inText = TextRepair.decodeUtf8(
        bytes("{\"id\": \"a\", \"text\": \"bad ", 0xC3, 0x28, "\"}"));
    assertEquals(new TextRepair.Repaired("bad " + R + "(", "invalid_utf8"),
        TextRepair.repairJsonField(inText, "text", "bad " + R + "("));
    TextRepair.Decoded elsewhere = TextRepair.decodeUtf8(
        bytes("{\"id\": \"", 0xFF, "\", \"text\": \"clean\", \"n\": {\"text\": \"", 0xFF, "\"}}"));
    assertTrue(elsewhere.repaired());
    assertNull(TextRepair.repairJsonField(elsewhere, "text", "clean").reason(),
        "bad bytes in the id or in a nested \"text\" are not the text's");
    // Duplicate keys: the last value is the text, as a JSON tree keeps it.
    TextRepair.Decoded dup = TextRepair.decodeUtf8(
        bytes("{\"text\": \"", 0xFF, "\", \"text\": \"second\"}"));
    assertNull(TextRepair.repairJsonField(dup, "text", "second").reason());
    TextRepair.Decoded dupBad = TextRepair.decodeUtf8(
        bytes("{\"text\": \"first\", \"text\": \"", 0xFF, "\"}"));
    assertEquals("invalid_utf8", TextRepair.repairJsonField(dupBad, "text", R).reason());
    // An escape decodes to a lone surrogate; the same line also had a bad byte in the text.
    TextRepair.Decoded both = TextRepair.decodeUtf8(
        bytes("{\"text\": \"", 0xFF, " \\ud800\"}"));
    assertEquals(new TextRepair.Repaired(R + " " + R, "invalid_utf8,lone_surrogate"),
        TextRepair.repairJsonField(both, "text", R + " \uD800"));
    assertEquals(new TextRepair.Repaired("ok \uD83D\uDE00", null), TextRepair.repairJsonField(
        TextRepair.Decoded.of("{\"text\": \"ok \\ud83d\\ude00\"}"), "text", "ok \uD83D\uDE00"));
  }
}
