package io.corpusencoder.core.embed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corpusencoder.core.weights.Safetensors;
import io.corpusencoder.core.weights.Tensor;
import io.corpusencoder.core.weights.WeightMap;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The big checkpoint of the >2 GiB tests (model-core's BigCheckpointIT, spark-job's
 * BigModelClusterIT): models/xlmr-tiny with its word embeddings padded from 8,002 to 8,500,000
 * rows (a 2.18 GB model.safetensors, the embedding tensor itself past 2^31 bytes) of a cheap
 * seeded pattern that no token id reaches. Tensors are written in name order, so the encoder
 * layers lie beyond byte 2^31 of the file. Written in 4 MiB pieces: no big buffer in the heap.
 * Shipped to spark-job's tests in model-core's test-jar (this class only).
 */
public final class BigCheckpoint {
  public static final int ROWS = 8_500_000;
  public static final int TINY_ROWS = 8002;
  public static final int HIDDEN = 64;
  public static final String WORDS = "embeddings.word_embeddings.weight";

  private BigCheckpoint() {}

  /** The padding rows' values: exact in fp32, varied enough that a misplaced window shows. */
  public static float pattern(long row, int col) {
    return ((row * 131 + col * 7) % 2001 - 1000) / 1024f;
  }

  /**
   * Copies the xlmr-tiny model directory {@code tiny} to {@code dir} (its test-only reference
   * files left out) with the padded model.safetensors and config.json's vocab_size raised to
   * ROWS; returns the file offset where the first encoder layer's data starts.
   */
  public static long write(Path tiny, Path dir) throws IOException {
    copyModelFiles(tiny, dir);
    String config = Files.readString(dir.resolve("config.json"));
    String tinyVocab = "\"vocab_size\": " + TINY_ROWS;
    if (!config.contains(tinyVocab)) {
      throw new IllegalArgumentException(tiny.resolve("config.json") + ": expected " + tinyVocab
          + " (xlmr-tiny), got " + config);
    }
    Files.writeString(dir.resolve("config.json"),
        config.replace(tinyVocab, "\"vocab_size\": " + ROWS));
    return writePadded(Safetensors.read(tiny.resolve("model.safetensors")),
        dir.resolve("model.safetensors"));
  }

  /**
   * Copies the model directory {@code from} to {@code to} without its weights (model.safetensors,
   * onnx/) and test-only reference files.
   */
  public static void copyModelFiles(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.equals("reference.jsonl.gz") || n.equals("model.safetensors")
            || f.startsWith(from.resolve("onnx"))) {
          continue;
        }
        Path dest = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** {@code java ... BigCheckpoint TINY_DIR DIR}: writes the big checkpoint to DIR. */
  public static void main(String[] args) throws IOException {
    long t0 = System.nanoTime();
    long layers = write(Path.of(args[0]), Path.of(args[1]));
    System.out.printf("%s: %,d bytes, encoder layers from byte %,d, in %.1f s%n", args[1],
        Files.size(Path.of(args[1], "model.safetensors")), layers, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Writes {@code tiny}'s tensors as F32 safetensors, names sorted, the word embeddings padded to
   * ROWS rows; returns the file offset where the first encoder layer's data starts.
   */
  static long writePadded(WeightMap tiny, Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    long offset = 0;
    long layerData = -1;
    TreeSet<String> names = new TreeSet<>(tiny.names());
    for (String name : names) {
      Tensor t = tiny.get(name);
      int[] shape = name.equals(WORDS) ? new int[] {ROWS, HIDDEN} : t.shape();
      long count = 1;
      for (int d : shape) count *= d;
      ObjectNode info = header.putObject(name);
      info.put("dtype", "F32");
      for (int d : shape) info.withArray("shape").add(d);
      info.putArray("data_offsets").add(offset).add(offset + 4 * count);
      if (layerData < 0 && name.startsWith("encoder.layer.")) layerData = offset;
      offset += 4 * count;
    }
    byte[] h = json.writeValueAsBytes(header);
    int padded = (h.length + 7) / 8 * 8;
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      buf.putLong(padded).put(h);
      for (int i = h.length; i < padded; i++) buf.put((byte) ' ');
      for (String name : names) {
        for (float v : tiny.get(name).data()) put(ch, buf, v);
        if (name.equals(WORDS)) {
          for (long row = TINY_ROWS; row < ROWS; row++) {
            for (int c = 0; c < HIDDEN; c++) put(ch, buf, pattern(row, c));
          }
        }
      }
      buf.flip();
      while (buf.hasRemaining()) ch.write(buf);
    }
    return 8 + padded + layerData;
  }

  private static void put(FileChannel ch, ByteBuffer buf, float v) throws IOException {
    if (!buf.hasRemaining()) {
      buf.flip();
      while (buf.hasRemaining()) ch.write(buf);
      buf.clear();
    }
    buf.putFloat(v);
  }
}
