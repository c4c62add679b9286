package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.pool.Pooling;
import io.corpusencoder.core.testing.TinyModelDir;
import io.corpusencoder.core.weights.ModelFormatException;
import io.corpusencoder.core.weights.Safetensors;
import io.corpusencoder.core.weights.Tensor;
import io.corpusencoder.core.weights.WeightMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hugging Face directories: what loads, and every load-time error, each naming what is wrong. */
class ModelLoaderTest {
  @TempDir Path tmp;

  @Test
  void loadsADirectoryWithVocabTxtAndDefaultsToMeanPooling() throws Exception {
    Path dir = TinyModelDir.write(tmp.resolve("tiny"));
    EmbeddingModel m = ModelLoader.load(dir.toString());
    assertEquals(Pooling.MEAN, m.pooling());
    assertFalse(m.normalize());
    assertEquals(32, m.maxLength());
    assertEquals(8, m.dimension());
    assertEquals(ModelLoader.sha256(dir.resolve("vocab.txt"), dir.resolve("tokenizer_config.json")),
        m.tokenizerSha256());
    // "The quick brown fox jumps!" -> [CLS] the quick brown fox jump ##s ! [SEP]
    int[] ids = m.tokenize("The quick brown fox jumps!").ids();
    assertArrayEquals(new int[] {2, 5, 6, 7, 8, 9, 10, 17, 3}, ids);
  }

  @Test
  void sentenceTransformersModulesDecidePoolingNormalizationAndLength() throws Exception {
    Path dir = TinyModelDir.write(tmp.resolve("st"));
    Files.writeString(dir.resolve("modules.json"), """
        [{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
         {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"},
         {"idx":2,"name":"2","path":"2_Normalize","type":"sentence_transformers.models.Normalize"}]
        """);
    Files.createDirectories(dir.resolve("1_Pooling"));
    Files.writeString(dir.resolve("1_Pooling/config.json"),
        "{\"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": false}");
    Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 16}");
    EmbeddingModel m = ModelLoader.load(dir.toString());
    assertEquals(Pooling.CLS, m.pooling());
    assertTrue(m.normalize());
    assertEquals(16, m.maxLength());
    float[] v = m.embed(List.of("hello world")).get(0).vector();
    double norm = 0;
    for (float x : v) norm += x * x;
    assertEquals(1.0, norm, 1e-5);
  }

  @Test
  void emptyTextIsClsSepAndNullTextIsRejectedByName() throws Exception {
    EmbeddingModel m = ModelLoader.load(TinyModelDir.write(tmp.resolve("e")).toString());
    Embedding e = m.embed(List.of("", "  \t "), true, false).get(0);
    assertArrayEquals(new int[] {2, 3}, e.tokenIds());
    assertEquals(2, e.nTokens());
    assertEquals(2, m.embed(List.of("  \t ")).get(0).nTokens());
    var ex = assertThrows(IllegalArgumentException.class,
        () -> m.embed(Arrays.asList("ok", null)));
    assertEquals("text 1 is null; expected a string", ex.getMessage());
  }

  @Test
  void truncatesToTheMaximumLengthAndSaysSo() throws Exception {
    EmbeddingModel m = ModelLoader.load(TinyModelDir.write(tmp.resolve("t")).toString())
        .withMaxLength(5);
    Embedding e = m.embed(List.of("the quick brown fox jumps over"), true, false).get(0);
    assertArrayEquals(new int[] {2, 5, 6, 7, 3}, e.tokenIds());
    assertTrue(e.truncated());
    assertFalse(m.embed(List.of("the fox")).get(0).truncated());
  }

  @Test
  void missingDirectoryOrWeightFile() throws Exception {
    var e = assertThrows(IllegalArgumentException.class,
        () -> ModelLoader.load(tmp.resolve("nope").toString()));
    assertTrue(e.getMessage().contains("is neither a known name (all-minilm-l6-v2, "
        + "bge-small-en-v1.5, e5-small-v2, all-mpnet-base-v2) nor an existing model directory"),
        e.getMessage());
    Path dir = TinyModelDir.write(tmp.resolve("m"));
    Files.delete(dir.resolve("model.safetensors"));
    var e2 = assertThrows(IOException.class, () -> ModelLoader.load(dir.toString()));
    assertEquals(dir + ": no model.safetensors (nor model.safetensors.index.json with its "
        + "shards)", e2.getMessage());
  }

  @Test
  void truncatedWeightFile() throws Exception {
    Path dir = TinyModelDir.write(tmp.resolve("tr"));
    Path f = dir.resolve("model.safetensors");
    byte[] b = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(b, b.length - 100));
    var e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir.toString()));
    assertTrue(e.getMessage().contains("lie outside the data section"), e.getMessage());
  }

  @Test
  void tensorOfTheWrongShapeOrMissing() throws Exception {
    Path dir = TinyModelDir.write(tmp.resolve("shape"));
    WeightMap w = Safetensors.read(dir.resolve("model.safetensors"));
    WeightMap bad = new WeightMap("x");
    w.tensors().forEach((k, v) -> bad.put(v));
    bad.put(new Tensor("encoder.layer.1.attention.self.query.weight", new int[] {8, 4}, new float[32]));
    Safetensors.write(bad, dir.resolve("model.safetensors"), Map.of());
    var e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir.toString()));
    assertEquals(dir.resolve("model.safetensors") + ": encoder.layer.1.attention.self.query.weight"
        + " has shape [8, 4], expected [8, 8]", e.getMessage());

    WeightMap missing = new WeightMap("x");
    w.tensors().forEach((k, v) -> {
      if (!k.equals("encoder.layer.0.output.LayerNorm.bias")) missing.put(v);
    });
    Safetensors.write(missing, dir.resolve("model.safetensors"), Map.of());
    var e2 = assertThrows(ModelFormatException.class, () -> ModelLoader.load(dir.toString()));
    assertEquals(dir.resolve("model.safetensors") + ": tensor encoder.layer.0.output.LayerNorm.bias"
        + " is missing", e2.getMessage());
  }

  @Test
  void configValuesOutOfRangeAndUnsupportedActivation() throws Exception {
    Path dir = TinyModelDir.write(tmp.resolve("cfg"));
    Path cfg = dir.resolve("config.json");
    Files.writeString(cfg, TinyModelDir.CONFIG_JSON.replace("\"num_attention_heads\": 2",
        "\"num_attention_heads\": 3"));
    var e = assertThrows(IllegalArgumentException.class, () -> ModelLoader.load(dir.toString()));
    assertEquals(cfg + ": hidden_size 8 must be a multiple of num_attention_heads 3", e.getMessage());

    Files.writeString(cfg, TinyModelDir.CONFIG_JSON.replace("\"num_hidden_layers\": 2",
        "\"num_hidden_layers\": -1"));
    var e2 = assertThrows(IllegalArgumentException.class, () -> ModelLoader.load(dir.toString()));
    assertEquals(cfg + ": num_hidden_layers must be > 0, got -1", e2.getMessage());

    Files.writeString(cfg, TinyModelDir.CONFIG_JSON.replace("\"gelu\"", "\"swish\""));
    var e3 = assertThrows(IllegalArgumentException.class, () -> ModelLoader.load(dir.toString()));
    assertEquals(cfg + ": hidden_act \"swish\" is not supported; expected one of gelu, gelu_new, "
        + "gelu_pytorch_tanh, relu", e3.getMessage());

    Files.writeString(cfg, TinyModelDir.CONFIG_JSON.replace("\"hidden_size\": 8,", ""));
    var e4 = assertThrows(IllegalArgumentException.class, () -> ModelLoader.load(dir.toString()));
    assertEquals(cfg + ": field \"hidden_size\" must be an integer, got nothing", e4.getMessage());
  }

  @Test
  void familiesWithoutAReferenceAreRefusedByModelType() throws Exception {
    // JinaBERT v2: no implementation here to check it against (README). GTE's "new" is loaded
    // now (GteParityTest).
    Path dir = TinyModelDir.write(tmp.resolve("jina"));
    Path cfg = dir.resolve("config.json");
    for (String type : new String[] {"jina_bert"}) {
      Files.writeString(cfg, TinyModelDir.CONFIG_JSON.replace("\"model_type\": \"bert\"",
          "\"model_type\": \"" + type + "\""));
      var e = assertThrows(IllegalArgumentException.class, () -> ModelLoader.load(dir.toString()));
      assertEquals(cfg + ": model_type \"" + type + "\" is not supported; expected one of "
          + EncoderConfig.MODEL_TYPES, e.getMessage());
    }
  }

  @Test
  void unsupportedTokenizerFailsAtLoadTime() throws Exception {
    Path dir = TinyModelDir.write(tmp.resolve("tok"));
    Path tj = dir.resolve("tokenizer.json");
    Files.writeString(tj, "{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}},"
        + " \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"Whitespace\"}}");
    var e = assertThrows(IllegalArgumentException.class, () -> ModelLoader.load(dir.toString()));
    assertEquals(tj + ": model is a model of type \"WordLevel\", which Corpus Encoder does not "
        + "implement; supported: WordPiece, Unigram, BPE", e.getMessage());
  }

  @Test
  void anOnnxModelWhoseTokenizerOutrunsItsVocabularyIsRefused() throws Exception {
    // The ReLU fixture has 30 word embeddings; bge's tokenizer gives ids up to 30521.
    Path dir = Files.createDirectories(tmp.resolve("onnx-vocab"));
    Files.copy(Path.of("src/test/resources/models/onnx-relu-pooler/model.onnx"),
        dir.resolve("model.onnx"));
    try (var in = getClass().getClassLoader()
        .getResourceAsStream("bge-small-en-v1.5-tokenizer.json")) {
      Files.copy(in, dir.resolve("tokenizer.json"));
    }
    var e = assertThrows(ModelFormatException.class,
        () -> ModelLoader.load(dir.resolve("model.onnx").toString()));
    assertEquals(dir.resolve("tokenizer.json") + ": the tokenizer has ids up to 30521 but "
        + dir.resolve("model.onnx") + "'s word embeddings (vocab_size) is 30; expected ids "
        + "below it", e.getMessage());
  }

  @Test
  void aConfigJsonOverridingTheOnnxGraphIsANoteNamingEachField() throws Exception {
    // The ReLU fixture (vocab 30) with a config.json that says gelu and vocab_size 30522.
    Path dir = Files.createDirectories(tmp.resolve("onnx-config"));
    Files.copy(Path.of("src/test/resources/models/onnx-relu-pooler/model.onnx"),
        dir.resolve("model.onnx"));
    try (var in = getClass().getClassLoader()
        .getResourceAsStream("bge-small-en-v1.5-tokenizer.json")) {
      Files.copy(in, dir.resolve("tokenizer.json"));
    }
    Files.writeString(dir.resolve("config.json"), """
        {"model_type": "bert", "vocab_size": 30522, "hidden_size": 16, "num_hidden_layers": 2,
         "num_attention_heads": 2, "intermediate_size": 32, "hidden_act": "gelu",
         "max_position_embeddings": 16, "type_vocab_size": 2, "layer_norm_eps": 1e-12}
        """);
    ModelLoader.Loaded parts = ModelLoader.loadParts(dir.resolve("model.onnx").toString());
    assertEquals(List.of(dir.resolve("config.json") + " overrides what "
        + dir.resolve("model.onnx") + " implies: vocabSize 30522 vs 30, activation GELU vs RELU "
        + "(config.json's value first)"), parts.notes());
  }
}
