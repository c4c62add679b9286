package io.corpusencoder.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The sweeps' sample stands for the code points it leaves out only if those behave exactly like
 * the ones it keeps: every property a normalizer, pre-tokenizer, regex or model here looks at is
 * the same across each uniform plane (ours from the Unicode 16 tables, and Java's own).
 */
class SweptCodePointsTest {

  /** Every property of a code point that tokenization reads, ours and Java's. */
  static List<Object> properties(int cp) {
    return List.of(
        UnicodeTable.category(cp), UnicodeTable.script(cp), UnicodeTable.isLetter(cp),
        UnicodeTable.isNumber(cp), UnicodeTable.isDecimalDigit(cp), UnicodeTable.isMark(cp),
        UnicodeTable.isWhiteSpace(cp), UnicodeTable.isAlphabetic(cp), UnicodeTable.isWord(cp),
        UnicodeTable.isOnigWord(cp), Graphemes.category(cp), UnicodeTables.toLowerCase(cp) - cp,
        CombiningClasses.of(cp), StripAccents.isCombiningMark(cp),
        Character.getType(cp), Character.isAlphabetic(cp), Character.isLetterOrDigit(cp),
        Character.isWhitespace(cp), Character.isSpaceChar(cp), Character.isIdeographic(cp),
        Character.toLowerCase(cp) - cp, Character.toUpperCase(cp) - cp,
        Character.UnicodeScript.of(cp), Objects.toString(Character.UnicodeBlock.of(cp)),
        Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKD)
            .equals(new String(Character.toChars(cp))));
  }

  @Test
  void everyCodePointOfAUniformPlaneHasTheSamePropertiesAsTheSample() {
    List<String> differ = new ArrayList<>();
    for (int plane = 0; plane <= 16; plane++) {
      if (!SweptCodePoints.uniformPlane(plane)) continue;
      // The plane's last two are noncharacters (Cn even in private-use planes): always swept.
      List<Object> first = properties(plane << 16);
      for (int offset = 0; offset < 0xFFFE; offset++) {
        int cp = (plane << 16) | offset;
        if (!properties(cp).equals(first) && differ.size() < 10) {
          differ.add(String.format("U+%04X: %s vs U+%04X: %s", cp, properties(cp), plane << 16,
              first));
        }
      }
    }
    assertTrue(differ.isEmpty(), "code points of a uniform plane differ:\n"
        + String.join("\n", differ));
  }

  @Test
  void assignedPlanesAreSweptWholeAndTheOthersSampled() {
    int[] swept = SweptCodePoints.all();
    int full = 0x110000 - 0x800;
    if (SweptCodePoints.FULL) {
      assertEquals(full, swept.length);
      return;
    }
    int perPlane = 2 * SweptCodePoints.EDGE;
    for (int offset = SweptCodePoints.EDGE; offset < 0x10000 - SweptCodePoints.EDGE; offset++) {
      if (offset % SweptCodePoints.STRIDE == 0) perPlane++;
    }
    // Planes 0-3 and 14 whole (less the surrogates), 12 planes sampled.
    assertEquals(5 * 0x10000 - 0x800 + 12 * perPlane, swept.length);
    assertEquals(Character.MAX_CODE_POINT, SweptCodePoints.last());
    for (int i = 1; i < swept.length; i++) {
      assertTrue(swept[i] > swept[i - 1]);
    }
  }
}
