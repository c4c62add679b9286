package io.corpusencoder.core.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * {name: {dtype, shape, data_offsets: [begin, end]}}, then the raw little-endian data.
 */
public final class Safetensors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Safetensors() {}

  /**
   * Bytes of one memory mapping: a tensor larger than this (or a file of any size) is decoded
   * window by window, so neither the file nor a tensor meets ByteBuffer's 2 GiB limit.
   */
  static final int WINDOW_BYTES = 1 << 30;

  /** safetensors' own bound on the JSON header. */
  private static final long MAX_HEADER_BYTES = 100L << 20;

  /** A byte range of the source, little-endian, position 0 at {@code pos}. */
  private interface Region {
    ByteBuffer get(long pos, int len) throws IOException;
  }

  /**
   * Reads every tensor (F32, F16 or BF16) of {@code file} into fp32, names without "bert.". The
   * file is memory-mapped per tensor in windows of at most 1 GiB: any file size is read, and the
   * only copy in the heap is the fp32 arrays themselves.
   */
  public static WeightMap read(Path file) throws IOException {
    return read(file, WINDOW_BYTES);
  }

  static WeightMap read(Path file, int windowBytes) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": weight file does not exist");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new ModelFormatException(file + ": " + size + " bytes is too short for safetensors");
      }
      long headerLen = readFully(ch, file, 0, 8).getLong(0);
      checkHeaderLength(file.toString(), headerLen, size);
      byte[] header = readFully(ch, file, 8, (int) headerLen).array();
      return decode(header, size, file.toString(), windowBytes,
          (pos, len) -> ch.map(FileChannel.MapMode.READ_ONLY, pos, len));
    }
  }

  /** Reads from an in-memory image of a safetensors file. */
  public static WeightMap read(ByteBuffer all, String source) throws IOException {
    ByteBuffer image = all.slice().order(ByteOrder.LITTLE_ENDIAN);
    long size = image.remaining();
    if (size < 8) {
      throw new ModelFormatException(source + ": " + size + " bytes is too short for safetensors");
    }
    long headerLen = image.getLong(0);
    checkHeaderLength(source, headerLen, size);
    byte[] header = new byte[(int) headerLen];
    image.get(8, header);
    return decode(header, size, source, WINDOW_BYTES,
        (pos, len) -> image.duplicate().position((int) pos).limit((int) pos + len).slice());
  }

  /**
   * Reads a sharded checkpoint: {@code index} is model.safetensors.index.json, whose weight_map
   * names the shard file (beside it) of every tensor. Every listed tensor must be in its shard and
   * no tensor may come from two shards; errors name the index, the tensor and the shard.
   */
  public static WeightMap readSharded(Path index) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(index.toFile());
    } catch (IOException e) {
      throw new ModelFormatException(index + ": not valid JSON: " + e.getMessage(), e);
    }
    JsonNode weightMap = root == null ? null : root.get("weight_map");
    if (weightMap == null || !weightMap.isObject() || weightMap.size() == 0) {
      throw new ModelFormatException(index + ": weight_map must be a non-empty object "
          + "{tensor name: shard file}");
    }
    Path dir = index.toAbsolutePath().getParent();
    Map<String, java.util.List<String>> namesByShard = new java.util.LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String shard = e.getValue().isTextual() ? e.getValue().asText() : "";
      if (shard.isEmpty() || !dir.resolve(shard).normalize().getParent().equals(dir.normalize())) {
        throw new ModelFormatException(index + ": weight_map." + e.getKey() + " is "
            + e.getValue() + ", expected the file name of a shard beside the index");
      }
      namesByShard.computeIfAbsent(shard, k -> new java.util.ArrayList<>()).add(e.getKey());
    }
    WeightMap out = new WeightMap(index.toString());
    Map<String, String> shardOf = new java.util.HashMap<>();
    for (Map.Entry<String, java.util.List<String>> e : namesByShard.entrySet()) {
      Path shardFile = dir.resolve(e.getKey());
      if (!Files.isRegularFile(shardFile)) {
        throw new IOException(index + ": weight_map puts " + e.getValue().get(0) + " in "
            + e.getKey() + ", but " + shardFile + " does not exist");
      }
      WeightMap shard = read(shardFile);
      for (String listed : e.getValue()) {
        if (listed.endsWith("position_ids")) continue; // an int64 buffer the reader skips
        if (!shard.contains(BertNames.stripPrefix(listed))) {
          throw new ModelFormatException(index + ": weight_map puts " + listed + " in "
              + e.getKey() + ", but that shard has no such tensor");
        }
      }
      for (Tensor t : shard.tensors().values()) {
        String before = shardOf.putIfAbsent(t.name(), e.getKey());
        if (before != null) {
          throw new ModelFormatException(index + ": tensor " + t.name() + " is in both "
              + before + " and " + e.getKey());
        }
        out.put(t);
      }
    }
    return out;
  }

  private static void checkHeaderLength(String source, long headerLen, long size) {
    if (headerLen <= 0 || headerLen > size - 8 || headerLen > MAX_HEADER_BYTES) {
      throw new ModelFormatException(source + ": header length " + headerLen
          + " is not within the file's " + size + " bytes and safetensors' 100 MB header limit"
          + " (truncated or not safetensors)");
    }
  }

  private static ByteBuffer readFully(FileChannel ch, Path file, long pos, int len)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    while (buf.hasRemaining()) {
      if (ch.read(buf, pos + buf.position()) < 0) {
        throw new ModelFormatException(file + ": ended before byte " + (pos + len));
      }
    }
    return buf;
  }

  private static WeightMap decode(byte[] headerBytes, long size, String source, int windowBytes,
      Region region) throws IOException {
    JsonNode header;
    try {
      header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ModelFormatException(source + ": header is not valid JSON: " + e.getMessage(), e);
    }
    if (header == null || !header.isObject()) {
      throw new ModelFormatException(source + ": header must be a JSON object");
    }
    long dataStart = 8L + headerBytes.length;
    long dataLen = size - dataStart;
    WeightMap map = new WeightMap(source);
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (name.equals("__metadata__")) continue;
      JsonNode info = e.getValue();
      String dtypeName = info.path("dtype").asText("");
      DType dtype = DType.fromSafetensors(dtypeName);
      JsonNode shapeNode = info.path("shape");
      JsonNode offs = info.path("data_offsets");
      if (!shapeNode.isArray() || !offs.isArray() || offs.size() != 2) {
        throw new ModelFormatException(
            source + ": " + name + " needs a shape array and data_offsets [begin, end]");
      }
      int[] shape = new int[shapeNode.size()];
      long count = 1;
      for (int i = 0; i < shape.length; i++) {
        long d = shapeNode.get(i).asLong(-1);
        if (d < 0 || d > Integer.MAX_VALUE) {
          throw new ModelFormatException(source + ": " + name + " has invalid dimension " + d);
        }
        shape[i] = (int) d;
        count *= d;
      }
      long begin = offs.get(0).asLong(-1);
      long end = offs.get(1).asLong(-1);
      if (begin < 0 || end < begin || end > dataLen) {
        throw new ModelFormatException(source + ": " + name + " data_offsets [" + begin + ", "
            + end + "] lie outside the data section of " + dataLen + " bytes (file truncated?)");
      }
      if (dtype == null) {
        if (name.endsWith("position_ids")) continue; // an int64 buffer some exports carry
        throw new ModelFormatException(source + ": " + name + " has dtype " + dtypeName
            + ", expected one of F32, F16, BF16");
      }
      if (end - begin != count * dtype.bytes()) {
        throw new ModelFormatException(source + ": " + name + " has " + (end - begin)
            + " bytes, but dtype " + dtypeName + " and shape " + shapeNode + " need "
            + count * dtype.bytes());
      }
      if (count > Integer.MAX_VALUE - 8) {
        throw new ModelFormatException(source + ": " + name + " has " + count
            + " elements, more than one Java array holds (" + (Integer.MAX_VALUE - 8) + ")");
      }
      float[] data = new float[(int) count];
      int perWindow = windowBytes / dtype.bytes();
      for (int done = 0; done < count; ) {
        int n = (int) Math.min(count - done, perWindow);
        ByteBuffer window = region.get(dataStart + begin + (long) done * dtype.bytes(),
            n * dtype.bytes());
        dtype.decode(window.order(ByteOrder.LITTLE_ENDIAN), data, done, n);
        done += n;
      }
      map.put(new Tensor(BertNames.stripPrefix(name), shape, data));
    }
    return map;
  }

  /** Writes every tensor of {@code weights} as F32 (names sorted, header padded to 8 bytes). */
  public static void write(WeightMap weights, Path file, Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    meta.put("format", "pt");
    metadata.forEach(meta::put);
    long offset = 0;
    var names = new java.util.TreeSet<>(weights.names());
    for (String name : names) {
      Tensor t = weights.get(name);
      ObjectNode info = header.putObject(name);
      info.put("dtype", "F32");
      var shape = info.putArray("shape");
      for (int d : t.shape()) shape.add(d);
      long bytes = 4L * t.data().length;
      info.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] headerBytes = JSON.writeValueAsBytes(header);
    int padded = (headerBytes.length + 7) / 8 * 8;
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(headerBytes);
      for (int i = headerBytes.length; i < padded; i++) out.write(' ');
      ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (String name : names) {
        for (float v : weights.get(name).data()) {
          if (!buf.hasRemaining()) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
          }
          buf.putFloat(v);
        }
      }
      out.write(buf.array(), 0, buf.position());
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
