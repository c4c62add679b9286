package io.corpusencoder.core.cli;

import io.corpusencoder.core.embed.TextRepair;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.Arrays;

/**
 * Lines of a UTF-8 byte stream read as the Spark job reads jsonl and text lines (Hadoop's
 * LineRecordReader): split at \n, \r or \r\n, a byte-order mark at the start skipped, and each
 * line's bytes decoded by {@link TextRepair#decodeUtf8}, so invalid UTF-8 becomes U+FFFD (never
 * a MalformedInputException) and {@link #lastLine()} says where. Line access only: the
 * char-reading methods of BufferedReader are not supported.
 */
final class Utf8LineReader extends BufferedReader {
  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int end;
  private byte[] line = new byte[256];
  private boolean started;
  private TextRepair.Decoded last;

  Utf8LineReader(InputStream in) {
    super(Reader.nullReader(), 1);
    this.in = in;
  }

  /** The next line without its terminator, or null at the end of the stream. */
  @Override
  public String readLine() throws IOException {
    int n = 0;
    boolean any = false;
    for (int b; (b = next()) != -1; ) {
      any = true;
      if (b == '\n') break;
      if (b == '\r') {
        if (peek() == '\n') pos++;
        break;
      }
      if (n == line.length) line = Arrays.copyOf(line, 2 * n);
      line[n++] = (byte) b;
    }
    if (!any) {
      last = null;
      return null;
    }
    int off = 0;
    if (!started) {
      started = true;
      if (n >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
        off = 3;
      }
    }
    last = TextRepair.decodeUtf8(line, off, n - off);
    return last.text();
  }

  /** The line readLine last returned, with where its invalid UTF-8 was replaced. */
  TextRepair.Decoded lastLine() {
    return last;
  }

  private int next() throws IOException {
    if (pos == end && !fill()) return -1;
    return buf[pos++] & 0xFF;
  }

  private int peek() throws IOException {
    if (pos == end && !fill()) return -1;
    return buf[pos] & 0xFF;
  }

  private boolean fill() throws IOException {
    int r = in.read(buf, 0, buf.length);
    pos = 0;
    end = Math.max(r, 0);
    return r > 0;
  }

  @Override
  public int read() {
    throw new UnsupportedOperationException("Utf8LineReader reads lines only");
  }

  @Override
  public int read(char[] cbuf, int off, int len) {
    throw new UnsupportedOperationException("Utf8LineReader reads lines only");
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
