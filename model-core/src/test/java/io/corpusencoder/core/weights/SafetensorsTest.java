package io.corpusencoder.core.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path tmp;

  /** A safetensors image with the given header JSON and data bytes. */
  static byte[] file(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    return b.array();
  }

  static byte[] le(short... v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (short s : v) b.putShort(s);
    return b.array();
  }

  @Test
  void writesAndReadsBackBitIdentical() throws Exception {
    WeightMap w = new WeightMap("test");
    w.put(new Tensor("a.weight", new int[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, 1e30f}));
    w.put(new Tensor("bert.b.bias", new int[] {1}, new float[] {42f}));
    Path f = tmp.resolve("m.safetensors");
    Safetensors.write(w, f, Map.of("k", "v"));
    WeightMap r = Safetensors.read(f);
    assertArrayEquals(w.get("a.weight").data(), r.tensor("a.weight", 2, 3), 0f);
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(r.get("a.weight").data()[4]));
    assertArrayEquals(new float[] {42f}, r.tensor("b.bias", 1), 0f, "bert. prefix stripped");
  }

  @Test
  void readsF16AndBF16() throws Exception {
    // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF, smallest subnormal 2^-24 = 0x0001.
    // BF16: 1.0 = 0x3F80, -0.5 = 0xBF00, 3.140625 = 0x4049.
    byte[] data = new byte[14];
    System.arraycopy(le((short) 0x3C00, (short) 0xC000, (short) 0x7BFF, (short) 0x0001), 0, data, 0, 8);
    System.arraycopy(le((short) 0x3F80, (short) 0xBF00, (short) 0x4049), 0, data, 8, 6);
    String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[8,14]}}";
    Path f = tmp.resolve("half.safetensors");
    Files.write(f, file(header, data));
    WeightMap r = Safetensors.read(f);
    assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f}, r.tensor("h", 4), 0f);
    assertArrayEquals(new float[] {1f, -0.5f, 3.140625f}, r.tensor("b", 3), 0f);
  }

  @Test
  void rejectsHeaderLongerThanFile() throws Exception {
    Path f = tmp.resolve("bad.safetensors");
    byte[] bytes = file("{}", new byte[0]);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
    Files.write(f, bytes);
    var e = assertThrows(ModelFormatException.class, () -> Safetensors.read(f));
    assertTrue(e.getMessage().contains("header length 1000 is not within the file"), e.getMessage());
  }

  @Test
  void rejectsTruncatedData() throws Exception {
    Path f = tmp.resolve("trunc.safetensors");
    Files.write(f, file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[12]));
    var e = assertThrows(ModelFormatException.class, () -> Safetensors.read(f));
    assertTrue(e.getMessage().contains("w data_offsets [0, 16] lie outside the data section of 12"),
        e.getMessage());
  }

  @Test
  void rejectsUnsupportedDtypeAndSizeMismatch() throws Exception {
    Path f = tmp.resolve("dtype.safetensors");
    Files.write(f, file("{\"w\":{\"dtype\":\"I8\",\"shape\":[4],\"data_offsets\":[0,4]}}", new byte[4]));
    var e = assertThrows(ModelFormatException.class, () -> Safetensors.read(f));
    assertEquals(f + ": w has dtype I8, expected one of F32, F16, BF16", e.getMessage());
    Path g = tmp.resolve("size.safetensors");
    Files.write(g, file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]));
    var e2 = assertThrows(ModelFormatException.class, () -> Safetensors.read(g));
    assertTrue(e2.getMessage().contains("w has 8 bytes, but dtype F32 and shape [3] need 12"),
        e2.getMessage());
  }

  @Test
  void weightMapNamesWrongShapesAndMissingTensors() {
    WeightMap w = new WeightMap("model.safetensors");
    w.put(new Tensor("encoder.layer.3.attention.self.query.weight", new int[] {384, 768},
        new float[384 * 768]));
    var e = assertThrows(ModelFormatException.class,
        () -> w.matrix("encoder.layer.3.attention.self.query.weight", 768, 768));
    assertEquals("model.safetensors: encoder.layer.3.attention.self.query.weight has shape "
        + "[384, 768], expected [768, 768]", e.getMessage());
    var e2 = assertThrows(ModelFormatException.class, () -> w.vector("x.bias", 3));
    assertEquals("model.safetensors: tensor x.bias is missing", e2.getMessage());
  }

  @Test
  void halfToFloatIsExactForEveryFiniteValue() {
    for (int bits = 0; bits < 0x10000; bits++) {
      int exp = (bits >>> 10) & 0x1F;
      if (exp == 0x1F) continue;
      int mant = bits & 0x3FF;
      double expected = exp == 0 ? mant * Math.pow(2, -24) : (1 + mant / 1024.0) * Math.pow(2, exp - 15);
      if ((bits & 0x8000) != 0) expected = -expected;
      assertEquals((float) expected, DType.halfToFloat((short) bits), 0f, "bits " + bits);
    }
    assertTrue(Float.isInfinite(DType.halfToFloat((short) 0x7C00)));
    assertTrue(Float.isNaN(DType.halfToFloat((short) 0x7E00)));
  }

  /** Windows far smaller than a tensor, not dividing it: the same values as one mapping. */
  @Test
  void readsTensorsWindowByWindow() throws Exception {
    float[] a = new float[21];
    for (int i = 0; i < a.length; i++) a[i] = i * 1.5f - 7f;
    short[] h = new short[5];
    for (int i = 0; i < h.length; i++) h[i] = (short) (0x3C00 + 37 * i);
    ByteBuffer data = ByteBuffer.allocate(84 + 10 + 6).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : a) data.putFloat(v);
    for (short v : h) data.putShort(v);
    data.putShort((short) 0x3F80).putShort((short) 0xBF00).putShort((short) 0x4049);
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[7,3],\"data_offsets\":[0,84]},"
        + "\"h\":{\"dtype\":\"F16\",\"shape\":[5],\"data_offsets\":[84,94]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[94,100]}}";
    Path f = tmp.resolve("w.safetensors");
    Files.write(f, file(header, data.array()));
    WeightMap whole = Safetensors.read(f);
    for (int window : new int[] {4, 8, 12, 20}) {
      WeightMap w = Safetensors.read(f, window);
      assertArrayEquals(a, w.tensor("a", 7, 3), 0f, "window " + window);
      assertArrayEquals(whole.tensor("h", 5), w.tensor("h", 5), 0f, "window " + window);
      assertArrayEquals(new float[] {1f, -0.5f, 3.140625f}, w.tensor("b", 3), 0f);
    }
    for (int i = 0; i < h.length; i++) {
      assertEquals(DType.halfToFloat(h[i]), whole.get("h").data()[i], 0f);
    }
  }

  @Test
  void readsShardsAndNamesIndexTensorAndShardInErrors() throws Exception {
    WeightMap one = new WeightMap("one");
    one.put(new Tensor("bert.a.weight", new int[] {2}, new float[] {1f, 2f}));
    WeightMap two = new WeightMap("two");
    two.put(new Tensor("b.bias", new int[] {1}, new float[] {3f}));
    Safetensors.write(one, tmp.resolve("model-00001-of-00002.safetensors"), Map.of());
    Safetensors.write(two, tmp.resolve("model-00002-of-00002.safetensors"), Map.of());
    Path index = tmp.resolve("model.safetensors.index.json");
    Files.writeString(index, "{\"metadata\":{\"total_size\":12},\"weight_map\":{"
        + "\"bert.a.weight\":\"model-00001-of-00002.safetensors\","
        + "\"b.bias\":\"model-00002-of-00002.safetensors\"}}");
    WeightMap w = Safetensors.readSharded(index);
    assertArrayEquals(new float[] {1f, 2f}, w.tensor("a.weight", 2), 0f);
    assertArrayEquals(new float[] {3f}, w.tensor("b.bias", 1), 0f);
    assertEquals(index.toString(), w.source());

    Files.writeString(index, "{\"weight_map\":{\"b.bias\":\"model-00002-of-00002.safetensors\","
        + "\"c.bias\":\"model-00002-of-00002.safetensors\"}}");
    var e = assertThrows(ModelFormatException.class, () -> Safetensors.readSharded(index));
    assertEquals(index + ": weight_map puts c.bias in model-00002-of-00002.safetensors, but that "
        + "shard has no such tensor", e.getMessage());

    Files.writeString(index, "{\"weight_map\":{\"b.bias\":\"model-00003-of-00003.safetensors\"}}");
    var e2 = assertThrows(java.io.IOException.class, () -> Safetensors.readSharded(index));
    assertEquals(index + ": weight_map puts b.bias in model-00003-of-00003.safetensors, but "
        + tmp.toAbsolutePath().resolve("model-00003-of-00003.safetensors") + " does not exist",
        e2.getMessage());

    WeightMap again = new WeightMap("again");
    again.put(new Tensor("b.bias", new int[] {1}, new float[] {4f}));
    again.put(new Tensor("x.bias", new int[] {1}, new float[] {5f}));
    Safetensors.write(again, tmp.resolve("again.safetensors"), Map.of());
    Files.writeString(index, "{\"weight_map\":{\"b.bias\":\"model-00002-of-00002.safetensors\","
        + "\"x.bias\":\"again.safetensors\"}}");
    var e3 = assertThrows(ModelFormatException.class, () -> Safetensors.readSharded(index));
    assertEquals(index + ": tensor b.bias is in both model-00002-of-00002.safetensors and "
        + "again.safetensors", e3.getMessage());

    Files.writeString(index, "{\"weight_map\":{\"b.bias\":\"../elsewhere.safetensors\"}}");
    var e4 = assertThrows(ModelFormatException.class, () -> Safetensors.readSharded(index));
    assertEquals(index + ": weight_map.b.bias is \"../elsewhere.safetensors\", expected the file "
        + "name of a shard beside the index", e4.getMessage());

    Files.writeString(index, "{\"metadata\":{}}");
    var e5 = assertThrows(ModelFormatException.class, () -> Safetensors.readSharded(index));
    assertEquals(index + ": weight_map must be a non-empty object {tensor name: shard file}",
        e5.getMessage());
  }
}
