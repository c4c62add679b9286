package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.testing.TestModels;
import io.corpusencoder.core.testing.TinyModelDir;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model identity every output records: weights_sha256 is the digest of the parameters (not of
 * their file) and tokenizer_sha256 the digest of the tokenizer's file(s). Both are recomputed here
 * from the files' bytes, without the loader or the encoder.
 */
class ModelIdentityTest {
  @TempDir Path tmp;

  /** sha256 of byte arrays one after the other. */
  private static String sha256(List<byte[]> parts) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (byte[] p : parts) md.update(p);
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * The raw little-endian bytes of each F32 tensor of a safetensors file, by name, read from the
   * file's own header (8-byte length, JSON with dtype and data_offsets).
   */
  private static Map<String, byte[]> rawTensors(Path file) throws Exception {
    byte[] all = Files.readAllBytes(file);
    long headerLen = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonNode header = new ObjectMapper().readTree(
        new String(all, 8, (int) headerLen, StandardCharsets.UTF_8));
    Map<String, byte[]> out = new java.util.HashMap<>();
    int base = 8 + (int) headerLen;
    for (var it = header.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().equals("__metadata__")) continue;
      assertEquals("F32", e.getValue().get("dtype").asText(), e.getKey());
      int from = e.getValue().get("data_offsets").get(0).asInt();
      int to = e.getValue().get("data_offsets").get(1).asInt();
      out.put(e.getKey(), java.util.Arrays.copyOfRange(all, base + from, base + to));
    }
    return out;
  }

  /** Where tensor {@code name}'s data starts in a safetensors file. */
  private static int dataStart(Path file, String name) throws Exception {
    byte[] all = Files.readAllBytes(file);
    long headerLen = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonNode header = new ObjectMapper().readTree(
        new String(all, 8, (int) headerLen, StandardCharsets.UTF_8));
    return 8 + (int) headerLen + header.get(name).get("data_offsets").get(0).asInt();
  }

  @Test
  void weightsSha256IsTheDigestOfTheParametersInBertOrder() throws Exception {
    Path dir = TinyModelDir.write(tmp.resolve("tiny"));
    Map<String, byte[]> t = rawTensors(dir.resolve("model.safetensors"));
    // The documented order: embeddings (word, position, token type, LayerNorm), then per layer
    // Q, K, V weights stacked, their biases stacked, attention output, intermediate, output,
    // and the two LayerNorms; each tensor's fp32 values little-endian, as stored in F32 files.
    List<byte[]> parts = new ArrayList<>();
    for (String n : List.of("word_embeddings.weight", "position_embeddings.weight",
        "token_type_embeddings.weight", "LayerNorm.weight", "LayerNorm.bias")) {
      parts.add(t.get("embeddings." + n));
    }
    for (int l = 0; l < 2; l++) {
      String p = "encoder.layer." + l + ".";
      for (String part : List.of("weight", "bias")) {
        for (String qkv : List.of("query", "key", "value")) {
          parts.add(t.get(p + "attention.self." + qkv + "." + part));
        }
      }
      for (String n : List.of("attention.output.dense", "intermediate.dense", "output.dense",
          "attention.output.LayerNorm", "output.LayerNorm")) {
        parts.add(t.get(p + n + ".weight"));
        parts.add(t.get(p + n + ".bias"));
      }
    }
    assertEquals(2 * 5 * 2 + 2 * 6 + 5, parts.size());

    ModelIdentity id = ModelLoader.load(dir.toString()).identity();

    assertEquals(sha256(parts), id.weightsSha256());
    assertNotEquals(sha256(List.of(Files.readAllBytes(dir.resolve("model.safetensors")))),
        id.weightsSha256(), "not the file's digest: the file also holds a header");
    assertEquals("tiny", id.name());
  }

  @Test
  void tokenizerSha256IsTheDigestOfTheTokenizerFiles() throws Exception {
    Path dir = TinyModelDir.write(tmp.resolve("tiny"));
    // vocab.txt model: vocab.txt's bytes followed by tokenizer_config.json's.
    assertEquals(sha256(List.of(Files.readAllBytes(dir.resolve("vocab.txt")),
            Files.readAllBytes(dir.resolve("tokenizer_config.json")))),
        ModelLoader.load(dir.toString()).tokenizerSha256());

    // A catalog model: its tokenizer.json, as `sha256sum tokenizer.json` gives it.
    ModelCatalog.Entry e = ModelCatalog.find("all-minilm-l6-v2").orElseThrow();
    byte[] tok;
    try (var in = getClass().getClassLoader().getResourceAsStream(e.tokenizerEntry())) {
      tok = in.readAllBytes();
    }
    assertEquals(sha256(List.of(tok)), TestModels.model(e.name()).tokenizerSha256());
  }

  @Test
  void aChangedWeightOrVocabularyChangesTheIdentity() throws Exception {
    Path a = TinyModelDir.write(tmp.resolve("a"));
    Path b = TinyModelDir.write(tmp.resolve("b"));
    ModelIdentity same = ModelLoader.load(b.toString()).identity();
    assertEquals(ModelLoader.load(a.toString()).identity().weightsSha256(), same.weightsSha256());

    // One bit of one value of one tensor flipped in place (the lowest of its mantissa).
    Path weights = b.resolve("model.safetensors");
    byte[] file = Files.readAllBytes(weights);
    file[dataStart(weights, "encoder.layer.1.output.dense.bias")] ^= 1;
    Files.write(weights, file);
    ModelIdentity changed = ModelLoader.load(b.toString()).identity();
    assertNotEquals(same.weightsSha256(), changed.weightsSha256());
    assertEquals(same.tokenizerSha256(), changed.tokenizerSha256());

    Files.writeString(b.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
    assertNotEquals(same.tokenizerSha256(),
        ModelLoader.load(b.toString()).identity().tokenizerSha256());
  }

  /**
   * MPNet: the relative-attention bias table shared by every layer is part of weights_sha256,
   * after the layers (the digest recomputed from mpnet-tiny's own file bytes), so two checkpoints
   * that differ only there have different identities.
   */
  @Test
  void mpnetsRelativeAttentionBiasIsPartOfTheWeightsDigest() throws Exception {
    Path src = Path.of("src/test/resources/models/mpnet-tiny");
    Path dir = tmp.resolve("mpnet");
    try (var files = Files.walk(src)) {
      for (Path f : files.toList()) Files.copy(f, dir.resolve(src.relativize(f).toString()));
    }
    Path weights = dir.resolve("model.safetensors");
    Map<String, byte[]> t = rawTensors(weights);
    // embeddings (word, position, LayerNorm; MPNet has no token types), per layer q, k, v weights,
    // their biases, o, intermediate, output, the two LayerNorms, then the relative bias table
    List<byte[]> parts = new ArrayList<>();
    for (String n : List.of("word_embeddings.weight", "position_embeddings.weight",
        "LayerNorm.weight", "LayerNorm.bias")) {
      parts.add(t.get("embeddings." + n));
    }
    for (int l = 0; l < 2; l++) {
      String p = "encoder.layer." + l + ".";
      for (String part : List.of("weight", "bias")) {
        for (String qkv : List.of("q", "k", "v")) {
          parts.add(t.get(p + "attention.attn." + qkv + "." + part));
        }
      }
      for (String n : List.of("attention.attn.o", "intermediate.dense", "output.dense",
          "attention.LayerNorm", "output.LayerNorm")) {
        parts.add(t.get(p + n + ".weight"));
        parts.add(t.get(p + n + ".bias"));
      }
    }
    parts.add(t.get("encoder.relative_attention_bias.weight"));
    assertEquals(4 + 2 * 16 + 1, parts.stream().filter(java.util.Objects::nonNull).count(),
        "every tensor of the file, once");
    assertEquals(t.size(), parts.size());
    String before = ModelLoader.load(dir.toString()).identity().weightsSha256();
    assertEquals(sha256(parts), before, "the parameters, the relative bias table last");

    byte[] file = Files.readAllBytes(weights);
    file[dataStart(weights, "encoder.relative_attention_bias.weight") + 4 * 37] ^= 1;
    Files.write(weights, file);
    assertNotEquals(before, ModelLoader.load(dir.toString()).identity().weightsSha256(),
        "one bit of one bucket's bias changes the identity");
  }
}
