package io.corpusencoder.core.testing;

import io.corpusencoder.core.config.Activation;
import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.weights.RandomWeights;
import io.corpusencoder.core.weights.Safetensors;
import io.corpusencoder.core.weights.WeightMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes a tiny Hugging Face model directory: 2 layers, hidden size 8, a 30-token vocab.txt. */
public final class TinyModelDir {
  public static final List<String> VOCAB = List.of(
      "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "quick", "brown", "fox", "jump",
      "##s", "##ed", "over", "lazy", "dog", ".", ",", "!", "a", "cafe", "un", "##believ",
      "##able", "hello", "world", "##ly", "is", "it", "'", "s");
  public static final EncoderConfig CONFIG =
      EncoderConfig.bert(VOCAB.size(), 8, 2, 2, 16, 32, 2, 1e-12f, Activation.GELU);

  private TinyModelDir() {}

  public static final String CONFIG_JSON = """
      {"architectures": ["BertModel"], "model_type": "bert", "vocab_size": 30,
       "hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2,
       "intermediate_size": 16, "hidden_act": "gelu", "max_position_embeddings": 32,
       "type_vocab_size": 2, "layer_norm_eps": 1e-12}
      """;

  public static Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), CONFIG_JSON);
    Files.write(dir.resolve("vocab.txt"), VOCAB, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": true}");
    WeightMap w = RandomWeights.generate(CONFIG, 1);
    Safetensors.write(w, dir.resolve("model.safetensors"), Map.of());
    return dir;
  }
}
