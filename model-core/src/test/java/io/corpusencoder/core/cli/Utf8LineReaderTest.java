package io.corpusencoder.core.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines as Hadoop's LineRecordReader gives them to the Spark job, decoded by TextRepair. */
class Utf8LineReaderTest {
  private static List<String> lines(BufferedReader r) throws Exception {
    List<String> out = new ArrayList<>();
    for (String l; (l = r.readLine()) != null; ) out.add(l);
    return out;
  }

  @Test
  void splitsLinesAsBufferedReaderDoes() throws Exception {
    String text = "a\nb\r\nc\rd\n\n\r\ne é 日本 😀\nlast without newline";
    byte[] big = ("x".repeat(70_000) + "\n" + text).getBytes(StandardCharsets.UTF_8);
    for (String s : List.of(text, text + "\n", "", "\n", new String(big, StandardCharsets.UTF_8))) {
      BufferedReader expected = new BufferedReader(new StringReader(s));
      Utf8LineReader got =
          new Utf8LineReader(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
      assertEquals(lines(expected), lines(got), s.length() > 100 ? "long line" : s);
    }
  }

  @Test
  void replacesInvalidUtf8AndSaysWhereAndSkipsALeadingBom() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'o', 'k', '\n'});
    b.write(new byte[] {'b', 'a', 'd', (byte) 0xC3, '(', '\n'});
    b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '\n'}); // not at the start: kept
    try (Utf8LineReader r = new Utf8LineReader(new ByteArrayInputStream(b.toByteArray()))) {
      assertEquals("ok", r.readLine());
      assertFalse(r.lastLine().repaired());
      assertEquals("bad\uFFFD(", r.readLine());
      assertArrayEquals(new int[] {3}, r.lastLine().replacements());
      assertEquals("\uFEFF", r.readLine());
      assertNull(r.readLine());
      assertNull(r.lastLine());
    }
  }
}
