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

  /** Reads every tensor (F32, F16 or BF16) of {@code file} into fp32, names without "bert.". */
  public static WeightMap read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": weight file does not exist");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new ModelFormatException(file + ": " + size + " bytes; weight files over 2 GiB "
            + "are not supported (shard the checkpoint)");
      }
      if (size < 8) {
        throw new ModelFormatException(file + ": " + size + " bytes is too short for safetensors");
      }
      ByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
      return read(all, file.toString());
    }
  }

  /** Reads from an in-memory image of a safetensors file. */
  public static WeightMap read(ByteBuffer all, String source) throws IOException {
    all = all.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long size = all.remaining();
    long headerLen = all.getLong(0);
    if (headerLen <= 0 || headerLen > size - 8) {
      throw new ModelFormatException(source + ": header length " + headerLen
          + " is not within the file's " + size + " bytes (truncated or not safetensors)");
    }
    byte[] headerBytes = new byte[(int) headerLen];
    all.get(8, headerBytes);
    JsonNode header;
    try {
      header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ModelFormatException(source + ": header is not valid JSON: " + e.getMessage(), e);
    }
    if (header == null || !header.isObject()) {
      throw new ModelFormatException(source + ": header must be a JSON object");
    }
    long dataStart = 8 + headerLen;
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
        throw new ModelFormatException(source + ": " + name + " is too large for one array");
      }
      float[] data = new float[(int) count];
      ByteBuffer slice = all.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      slice.position((int) (dataStart + begin));
      dtype.decode(slice.slice().order(ByteOrder.LITTLE_ENDIAN), data, (int) count);
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
