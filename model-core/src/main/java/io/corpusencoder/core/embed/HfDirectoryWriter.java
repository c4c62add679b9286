package io.corpusencoder.core.embed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.config.EncoderConfig.Positions;
import io.corpusencoder.core.model.Encoder;
import io.corpusencoder.core.model.families.Family;
import io.corpusencoder.core.weights.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a loaded model as a Hugging Face / sentence-transformers directory: config.json,
 * model.safetensors (F32), tokenizer.json, and modules.json with 1_Pooling (and 2_Normalize) so
 * that loading it back gives the same pooling, normalization and maximum length.
 */
public final class HfDirectoryWriter {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private HfDirectoryWriter() {}

  /** Writes {@code m} into {@code dir} (created; existing files of the same names replaced). */
  public static void write(ModelLoader.Loaded m, Path dir) throws IOException {
    if (m.tokenizerJson() == null) {
      throw new IllegalArgumentException(m.name() + ": only models with a tokenizer.json can be "
          + "written as a directory");
    }
    EncoderConfig c = m.config();
    if (c.positions() != Positions.LEARNED || c.preLayerNorm()) {
      throw new IllegalArgumentException(m.name() + ": only BERT-family encoders (learned "
          + "positions, post-LayerNorm) have a Hugging Face config to write");
    }
    if (!m.head().dense().isEmpty()) {
      throw new IllegalArgumentException(m.name() + ": has Dense modules, which writing a "
          + "directory does not carry; use the model's own directory");
    }
    Files.createDirectories(dir);
    ObjectNode config = JSON.createObjectNode();
    config.putArray("architectures").add(switch (c.modelType()) {
      case "xlm-roberta" -> "XLMRobertaModel";
      case "roberta" -> "RobertaModel";
      case "mpnet" -> "MPNetModel";
      default -> "BertModel";
    });
    config.put("model_type", c.modelType());
    if (c.paddingIdx() >= 0) config.put("pad_token_id", c.paddingIdx());
    if (c.relativeAttentionNumBuckets() > 0) {
      config.put("relative_attention_num_buckets", c.relativeAttentionNumBuckets());
    }
    config.put("vocab_size", c.vocabSize());
    config.put("hidden_size", c.hiddenSize());
    config.put("num_hidden_layers", c.numLayers());
    config.put("num_attention_heads", c.numHeads());
    config.put("intermediate_size", c.intermediateSize());
    config.put("hidden_act", switch (c.activation()) {
      case GELU -> "gelu";
      case GELU_TANH -> "gelu_new";
      case RELU -> "relu";
      case SILU -> "silu";
    });
    config.put("max_position_embeddings", c.maxPositions());
    config.put("type_vocab_size", c.typeVocabSize());
    config.put("layer_norm_eps", (double) c.layerNormEps());
    config.put("position_embedding_type", "absolute");
    JSON.writeValue(dir.resolve("config.json").toFile(), config);

    Safetensors.write(m.weights(), dir.resolve("model.safetensors"),
        // The parameters' digest: loading this directory gives the same weights_sha256.
        Map.of(ModelIdentity.WEIGHTS_SHA256, Family.encoder(c, m.weights()).weightsSha256(),
            "written_by", "corpus-encoder"));
    Files.write(dir.resolve("tokenizer.json"), m.tokenizerJson());

    ArrayNode modules = JSON.createArrayNode();
    modules.addObject().put("idx", 0).put("name", "0").put("path", "")
        .put("type", "sentence_transformers.models.Transformer");
    modules.addObject().put("idx", 1).put("name", "1").put("path", "1_Pooling")
        .put("type", "sentence_transformers.models.Pooling");
    if (m.normalize()) {
      modules.addObject().put("idx", 2).put("name", "2").put("path", "2_Normalize")
          .put("type", "sentence_transformers.models.Normalize");
      Files.createDirectories(dir.resolve("2_Normalize"));
    }
    JSON.writeValue(dir.resolve("modules.json").toFile(), modules);
    Files.createDirectories(dir.resolve("1_Pooling"));
    ObjectNode pooling = JSON.createObjectNode();
    pooling.put("word_embedding_dimension", c.hiddenSize());
    for (io.corpusencoder.core.pool.Pooling p : io.corpusencoder.core.pool.Pooling.values()) {
      pooling.put(p.configField(), m.pooling() == p);
    }
    pooling.put("include_prompt", m.head().includePrompt());
    JSON.writeValue(dir.resolve("1_Pooling").resolve("config.json").toFile(), pooling);
    ObjectNode sbert = JSON.createObjectNode();
    sbert.put("max_seq_length", m.maxLength());
    sbert.put("do_lower_case", false);
    JSON.writeValue(dir.resolve("sentence_bert_config.json").toFile(), sbert);
    if (!m.prompts().byName().isEmpty()) {
      ObjectNode st = JSON.createObjectNode();
      ObjectNode prompts = st.putObject("prompts");
      m.prompts().byName().forEach(prompts::put);
      st.put("default_prompt_name", m.prompts().defaultName());
      JSON.writeValue(dir.resolve("config_sentence_transformers.json").toFile(), st);
    }
  }
}
