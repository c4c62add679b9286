package io.corpusencoder.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Shape and numerics of a transformer encoder, read from a Hugging Face config.json.
 *
 * <p>{@code positions} says how positions enter: LEARNED (BERT's position embedding table) or
 * SINUSOIDAL (the original Transformer's fixed encoding). {@code preLayerNorm} moves the LayerNorm
 * in front of each sub-layer (then a final LayerNorm follows the last layer).
 */
public record EncoderConfig(
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int intermediateSize,
    int maxPositions,
    int typeVocabSize,
    float layerNormEps,
    Activation activation,
    Positions positions,
    boolean preLayerNorm)
    implements Serializable {

  /** How token positions are encoded. */
  public enum Positions {
    LEARNED,
    SINUSOIDAL
  }

  public EncoderConfig {
    requirePositive("vocab_size", vocabSize);
    requirePositive("hidden_size", hiddenSize);
    requirePositive("num_hidden_layers", numLayers);
    requirePositive("num_attention_heads", numHeads);
    requirePositive("intermediate_size", intermediateSize);
    requirePositive("max_position_embeddings", maxPositions);
    if (typeVocabSize < 0) {
      throw new IllegalArgumentException("type_vocab_size must be >= 0, got " + typeVocabSize);
    }
    if (hiddenSize % numHeads != 0) {
      throw new IllegalArgumentException(
          "hidden_size " + hiddenSize + " must be a multiple of num_attention_heads " + numHeads);
    }
    if (!(layerNormEps > 0f) || layerNormEps > 1e-1f) {
      throw new IllegalArgumentException(
          "layer_norm_eps must be in (0, 0.1], got " + layerNormEps);
    }
    if (activation == null || positions == null) {
      throw new IllegalArgumentException("activation and positions are required");
    }
  }

  private static void requirePositive(String key, int value) {
    if (value <= 0) throw new IllegalArgumentException(key + " must be > 0, got " + value);
  }

  /** Hidden units per attention head. */
  public int headSize() {
    return hiddenSize / numHeads;
  }

  /** A BERT-family (post-LayerNorm, learned positions) config. */
  public static EncoderConfig bert(
      int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
      int maxPositions, int typeVocabSize, float layerNormEps, Activation activation) {
    return new EncoderConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize,
        maxPositions, typeVocabSize, layerNormEps, activation, Positions.LEARNED, false);
  }

  /** Reads a Hugging Face config.json of the BERT family (bert, roberta-free BERT variants). */
  public static EncoderConfig read(Path json) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json.toFile());
    } catch (IOException e) {
      throw new IOException(json + ": not readable as JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(json + ": expected a JSON object");
    }
    String src = json.toString();
    String modelType = root.path("model_type").asText("bert");
    if (!modelType.equals("bert")) {
      throw new IllegalArgumentException(
          src + ": model_type \"" + modelType + "\" is not supported; expected \"bert\"");
    }
    String positionType = root.path("position_embedding_type").asText("absolute");
    if (!positionType.equals("absolute")) {
      throw new IllegalArgumentException(src + ": position_embedding_type \"" + positionType
          + "\" is not supported; expected \"absolute\"");
    }
    try {
      return bert(
          requiredInt(root, "vocab_size", src),
          requiredInt(root, "hidden_size", src),
          requiredInt(root, "num_hidden_layers", src),
          requiredInt(root, "num_attention_heads", src),
          requiredInt(root, "intermediate_size", src),
          requiredInt(root, "max_position_embeddings", src),
          root.has("type_vocab_size") ? requiredInt(root, "type_vocab_size", src) : 2,
          (float) root.path("layer_norm_eps").asDouble(1e-12),
          Activation.fromHf(root.path("hidden_act").asText("gelu"), src));
    } catch (IllegalArgumentException e) {
      if (e.getMessage().startsWith(src)) throw e;
      throw new IllegalArgumentException(src + ": " + e.getMessage(), e);
    }
  }

  private static int requiredInt(JsonNode root, String key, String src) {
    JsonNode n = root.get(key);
    if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
      throw new IllegalArgumentException(
          src + ": field \"" + key + "\" must be an integer, got " + (n == null ? "nothing" : n));
    }
    return n.intValue();
  }
}
