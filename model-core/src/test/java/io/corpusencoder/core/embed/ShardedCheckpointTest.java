package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corpusencoder.core.weights.Safetensors;
import io.corpusencoder.core.weights.Tensor;
import io.corpusencoder.core.weights.WeightMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A sharded checkpoint (model.safetensors.index.json and its shards) loads as the single file:
 * models/xlmr-tiny split in three shards, the XLMRobertaModel "roberta." names as a transformers
 * save_pretrained(max_shard_size) writes them, the third shard (encoder layer 1) in F16. The
 * reference is the single-file checkpoint with layer 1 rounded through the same F16 values, which
 * must give bitwise the same vectors; with all shards F32, XlmRobertaParityTest's PyTorch vectors.
 */
class ShardedCheckpointTest {
  static final String SHARD_1 = "model-00001-of-00003.safetensors";
  static final String SHARD_2 = "model-00002-of-00003.safetensors";
  static final String SHARD_3 = "model-00003-of-00003.safetensors";

  @Test
  void shardsWithAnF16ShardLoadAsTheSingleFile() throws Exception {
    Path src = FamilyParityTest.fixture("xlmr-tiny");
    WeightMap tiny = Safetensors.read(src.resolve("model.safetensors"));
    List<String> texts = FamilyParityTest.readReference(src.resolve("reference.jsonl.gz"))
        .stream().map(FamilyParityTest.Ref::text).limit(60).toList();

    // The single-file reference: layer 1 through F16.
    WeightMap rounded = new WeightMap("rounded");
    for (Tensor t : tiny.tensors().values()) {
      if (!t.name().startsWith("encoder.layer.1.")) {
        rounded.put(t);
        continue;
      }
      float[] r = new float[t.data().length];
      for (int i = 0; i < r.length; i++) r[i] = halfValue(halfBelow(t.data()[i]));
      rounded.put(new Tensor(t.name(), t.shape(), r));
    }
    Path single = FamilyParityTest.copyWithoutReference(src);
    Safetensors.write(rounded, single.resolve("model.safetensors"), Map.of());
    List<Embedding> expected = ModelLoader.load(single.toString()).embed(texts);

    Path sharded = FamilyParityTest.copyWithoutReference(src);
    Files.delete(sharded.resolve("model.safetensors"));
    writeShards(tiny, sharded, true);
    List<Embedding> got = ModelLoader.load(sharded.toString()).embed(texts);
    List<Embedding> unrounded = ModelLoader.load(src.toString()).embed(texts);
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(expected.get(i).vector(), got.get(i).vector(), 0f, "text " + i);
    }
    assertNotEquals(unrounded.get(0).vector()[0], got.get(0).vector()[0],
        "the F16 shard really is F16");

    Path allF32 = FamilyParityTest.copyWithoutReference(src);
    Files.delete(allF32.resolve("model.safetensors"));
    writeShards(tiny, allF32, false);
    List<Embedding> same = ModelLoader.load(allF32.toString()).embed(texts);
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(unrounded.get(i).vector(), same.get(i).vector(), 0f, "text " + i);
    }
  }

  /** Three shards and their index; layer 1's shard in F16 when {@code half}. */
  private static void writeShards(WeightMap tiny, Path dir, boolean half) throws Exception {
    WeightMap one = new WeightMap(SHARD_1);
    WeightMap two = new WeightMap(SHARD_2);
    WeightMap three = new WeightMap(SHARD_3);
    ObjectMapper json = new ObjectMapper();
    ObjectNode index = json.createObjectNode();
    index.putObject("metadata").put("total_size", 0);
    ObjectNode map = index.putObject("weight_map");
    for (Tensor t : tiny.tensors().values()) {
      Tensor named = new Tensor("roberta." + t.name(), t.shape(), t.data());
      WeightMap shard = t.name().startsWith("embeddings.") ? one
          : t.name().startsWith("encoder.layer.0.") ? two : three;
      shard.put(named);
      map.put(named.name(), shard.source());
    }
    Safetensors.write(one, dir.resolve(SHARD_1), Map.of());
    Safetensors.write(two, dir.resolve(SHARD_2), Map.of());
    if (half) {
      writeF16(three, dir.resolve(SHARD_3));
    } else {
      Safetensors.write(three, dir.resolve(SHARD_3), Map.of());
    }
    json.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
  }

  /** Safetensors with every tensor F16, each value the F16 at or below it in magnitude. */
  private static void writeF16(WeightMap w, Path file) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    long offset = 0;
    TreeSet<String> names = new TreeSet<>(w.names());
    for (String name : names) {
      Tensor t = w.get(name);
      ObjectNode info = header.putObject(name);
      info.put("dtype", "F16");
      for (int d : t.shape()) info.withArray("shape").add(d);
      info.putArray("data_offsets").add(offset).add(offset + 2L * t.data().length);
      offset += 2L * t.data().length;
    }
    byte[] h = json.writeValueAsBytes(header);
    ByteBuffer b = ByteBuffer.allocate((int) (8 + h.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (String name : names) {
      for (float v : w.get(name).data()) b.putShort(halfBelow(v));
    }
    Files.write(file, b.array());
  }

  /** The finite F16 nearest to v at or toward zero, by bisection over the ordered bit patterns. */
  static short halfBelow(float v) {
    float a = Math.abs(v);
    int lo = 0;
    int hi = 0x7BFF; // largest finite
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (halfValue((short) mid) <= a) lo = mid; else hi = mid - 1;
    }
    return (short) (v < 0 ? lo | 0x8000 : lo);
  }

  /** IEEE binary16 value, computed arithmetically (independent of DType's bit conversion). */
  static float halfValue(short bits) {
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    double m = exp == 0 ? mant * Math.pow(2, -24) : (1 + mant / 1024.0) * Math.pow(2, exp - 15);
    return (float) ((bits & 0x8000) != 0 ? -m : m);
  }

  @Test
  void halfBelowRoundsTowardZero() {
    assertEquals(1f, halfValue(halfBelow(1.0004f)), 0f);
    assertEquals(-0.099975586f, halfValue(halfBelow(-0.1f)), 0f);
  }
}
