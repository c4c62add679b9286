package io.corpusencoder.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Shape and numerics of a transformer encoder, read from a Hugging Face config.json.
 *
 * <p>{@code positions} says how positions enter: LEARNED (BERT's position embedding table) or
 * SINUSOIDAL (the original Transformer's fixed encoding). {@code preLayerNorm} moves the LayerNorm
 * in front of each sub-layer (then a final LayerNorm follows the last layer).
 *
 * <p>{@code modelType} is config.json's model_type and picks the family's recipe
 * ({@code model.families}). {@code paddingIdx} is the position table's padding row when positions
 * count from it (RoBERTa, XLM-RoBERTa, MPNet: token t reads row t + paddingIdx + 1), or -1 when
 * they count from 0 (BERT). {@code relativeAttentionNumBuckets} is the size of MPNet's shared
 * relative-position bias table, 0 when the model has none. {@code rotary} holds the rotary
 * settings of a model whose positions are ROTARY (ModernBERT), else null.
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
    boolean preLayerNorm,
    String modelType,
    int paddingIdx,
    int relativeAttentionNumBuckets,
    Rotary rotary)
    implements Serializable {

  /**
   * Rotary positions in alternating layers (ModernBERT): layer l is global when l is a multiple of
   * {@code globalEvery} (rotary base {@code globalBase}, every key), else local (base
   * {@code localBase}, keys with |q − k| ≤ {@code window} / 2, as transformers masks them).
   * {@code ntkFactor} is GTE's fixed NTK rope_scaling factor (1 when the model has none);
   * {@code dynamicNtk}, when not null, raises the base for sequences longer than the trained
   * length (NomicBERT's rotary_scaling_factor).
   */
  public record Rotary(int globalEvery, double globalBase, int window, double localBase,
      double ntkFactor, DynamicNtk dynamicNtk) implements Serializable {
    public Rotary {
      if (globalEvery <= 0 || window <= 0 || !(globalBase > 0) || !(localBase > 0)) {
        throw new IllegalArgumentException("global_attn_every_n_layers, local_attention, "
            + "global_rope_theta and local_rope_theta must be > 0, got " + globalEvery + ", "
            + window + ", " + globalBase + ", " + localBase);
      }
      if (!(ntkFactor >= 1)) {
        throw new IllegalArgumentException("rope_scaling factor must be >= 1, got " + ntkFactor);
      }
    }

    /** Without NTK scaling (ModernBERT). */
    public Rotary(int globalEvery, double globalBase, int window, double localBase) {
      this(globalEvery, globalBase, window, localBase, 1.0, null);
    }

    /** With GTE's fixed NTK factor. */
    public Rotary(int globalEvery, double globalBase, int window, double localBase,
        double ntkFactor) {
      this(globalEvery, globalBase, window, localBase, ntkFactor, null);
    }

    /**
     * One rotary base in every layer, every key attended (NomicBERT): each layer global, so the
     * window is never used; {@code dynamicNtk} may be null.
     */
    public static Rotary everyLayer(double base, DynamicNtk dynamicNtk) {
      return new Rotary(1, base, Integer.MAX_VALUE, base, 1.0, dynamicNtk);
    }

    /** Whether layer {@code l} attends to every key (else to its window only). */
    public boolean global(int l) {
      return l % globalEvery == 0;
    }
  }

  /**
   * Dynamic NTK rotary scaling (NomicBERT's rotary_scaling_factor over max_trained_positions): a
   * sequence of len &gt; {@code trainedPositions} tokens rotates with base ·
   * (factor · len / trainedPositions − (factor − 1))^(d / (d − 2)), d the head size; shorter
   * ones with the base itself. len is the sequence's own length (see RotaryEmbedding).
   */
  public record DynamicNtk(double factor, int trainedPositions) implements Serializable {
    public DynamicNtk {
      if (!(factor > 0) || trainedPositions <= 0) {
        throw new IllegalArgumentException("rotary_scaling_factor and max_trained_positions must "
            + "be > 0, got " + factor + ", " + trainedPositions);
      }
    }
  }

  /** Model types {@link #read} accepts (config.json's model_type). */
  public static final java.util.List<String> MODEL_TYPES =
      java.util.List.of("bert", "roberta", "xlm-roberta", "mpnet", "modernbert", "nomic_bert",
          "new");

  /** MPNet's relative-position buckets as transformers computes them (its default, 32). */
  public static final int MPNET_BUCKETS = 32;

  /** How token positions are encoded. */
  public enum Positions {
    LEARNED,
    SINUSOIDAL,
    /** Rotated queries and keys (ModernBERT): no position table. */
    ROTARY
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
    if (activation == null || positions == null || modelType == null) {
      throw new IllegalArgumentException("activation, positions and model_type are required");
    }
    if (paddingIdx < -1 || paddingIdx + 1 >= maxPositions) {
      throw new IllegalArgumentException("padding_idx " + paddingIdx + " leaves no position of "
          + "max_position_embeddings " + maxPositions);
    }
    if (relativeAttentionNumBuckets < 0) {
      throw new IllegalArgumentException("relative_attention_num_buckets must be >= 0, got "
          + relativeAttentionNumBuckets);
    }
    if ((positions == Positions.ROTARY) != (rotary != null)) {
      throw new IllegalArgumentException("rotary settings go with ROTARY positions only");
    }
  }

  /** A BERT config (model_type bert, positions from 0, no relative bias). */
  public EncoderConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads,
      int intermediateSize, int maxPositions, int typeVocabSize, float layerNormEps,
      Activation activation, Positions positions, boolean preLayerNorm) {
    this(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions, typeVocabSize,
        layerNormEps, activation, positions, preLayerNorm, "bert", -1, 0, null);
  }

  /**
   * Most tokens a sequence may have: max_position_embeddings, less the rows below the first
   * position when positions count from padding_idx + 1 (514 - 2 = 512 for RoBERTa and MPNet).
   */
  public int maxLength() {
    return maxPositions - (paddingIdx + 1);
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

  /**
   * Reads a Hugging Face config.json of a supported family: bert, roberta and xlm-roberta (positions
   * from pad_token_id + 1, type_vocab_size 1 by default), mpnet (positions from 1 + 1 as
   * MPNetEmbeddings' fixed padding_idx, no token types, relative_attention_num_buckets).
   */
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
    if (!MODEL_TYPES.contains(modelType)) {
      throw new IllegalArgumentException(src + ": model_type \"" + modelType
          + "\" is not supported; expected one of " + MODEL_TYPES);
    }
    if (modelType.equals("modernbert")) return readModernBert(root, src);
    if (modelType.equals("nomic_bert")) return readNomicBert(root, src);
    if (modelType.equals("new")) return readGte(root, src);
    boolean roberta = modelType.equals("roberta") || modelType.equals("xlm-roberta");
    boolean mpnet = modelType.equals("mpnet");
    String positionType = root.path("position_embedding_type").asText("absolute");
    if (!positionType.equals("absolute")) {
      throw new IllegalArgumentException(src + ": position_embedding_type \"" + positionType
          + "\" is not supported; expected \"absolute\"");
    }
    return withSource(src, () -> {
      // RobertaEmbeddings: padding_idx = config.pad_token_id; MPNetEmbeddings: padding_idx = 1
      // whatever the config says.
      int paddingIdx = roberta ? (root.has("pad_token_id")
          ? requiredInt(root, "pad_token_id", src) : 1) : mpnet ? 1 : -1;
      int typeVocab = mpnet ? 0 : root.has("type_vocab_size")
          ? requiredInt(root, "type_vocab_size", src) : roberta ? 1 : 2;
      int buckets = 0;
      if (mpnet) {
        buckets = root.has("relative_attention_num_buckets")
            ? requiredInt(root, "relative_attention_num_buckets", src) : MPNET_BUCKETS;
        if (buckets < MPNET_BUCKETS) {
          throw new IllegalArgumentException("field \"relative_attention_num_buckets\" is "
              + buckets + "; expected at least " + MPNET_BUCKETS + " (transformers' MPNet looks up "
              + MPNET_BUCKETS + " buckets whatever the table's size)");
        }
      }
      return Dimensions.read(root, src, Dimensions.HF_KEYS).config(typeVocab,
          (float) root.path("layer_norm_eps").asDouble(1e-12),
          Activation.fromHf(root.path("hidden_act").asText("gelu"), src),
          Positions.LEARNED, false, modelType, paddingIdx, buckets, null);
    });
  }

  /**
   * ModernBERT (ModernBertConfig): pre-LayerNorm, rotary positions in global and local layers, no
   * token types, norm_eps and hidden_activation under their own names. Biases (attention_bias,
   * mlp_bias, norm_bias) must be false, as in every published ModernBERT.
   */
  private static EncoderConfig readModernBert(JsonNode root, String src) {
    return withSource(src, () -> {
      for (String bias : new String[] {"attention_bias", "mlp_bias", "norm_bias"}) {
        if (root.path(bias).asBoolean(false)) {
          throw new IllegalArgumentException("field \"" + bias + "\" is true; expected false "
              + "(ModernBERT's layers without biases)");
        }
      }
      if (root.path("rope_scaling").isObject()) {
        throw new IllegalArgumentException("field \"rope_scaling\" is set; expected none");
      }
      double globalBase = root.path("global_rope_theta").asDouble(160000.0);
      Rotary rotary = new Rotary(
          root.has("global_attn_every_n_layers")
              ? requiredInt(root, "global_attn_every_n_layers", src) : 3,
          globalBase,
          root.has("local_attention") ? requiredInt(root, "local_attention", src) : 128,
          root.path("local_rope_theta").isNumber()
              ? root.path("local_rope_theta").asDouble() : globalBase);
      return Dimensions.read(root, src, Dimensions.HF_KEYS).config(0,
          (float) root.path("norm_eps").asDouble(1e-5),
          Activation.fromHf(root.path("hidden_activation").asText("gelu"), src),
          Positions.ROTARY, true, "modernbert", -1, 0, rotary);
    });
  }

  /**
   * NomicBERT (nomic-embed-text v1 / v1.5's NomicBertConfig, GPT-2 style names: n_embd, n_head,
   * n_layer, n_inner, n_positions, layer_norm_epsilon): post-LayerNorm, rotate-half rotary on the
   * whole head with base rotary_emb_base, SwiGLU, two token types; rotary_scaling_factor (dynamic
   * NTK past max_trained_positions, default 2048 as NomicBertConfig's) when set. What the
   * published checkpoints set is required; a field that would change the computation otherwise
   * is refused by name.
   */
  private static EncoderConfig readNomicBert(JsonNode root, String src) {
    return withSource(src, () -> {
      requireValue(root, "activation_function", "\"swiglu\"", "swiglu");
      requireValue(root, "rotary_emb_fraction", "1.0 (rotary on the whole head)", 1.0);
      for (String no : new String[] {"rotary_emb_interleaved", "prenorm", "causal",
          "qkv_proj_bias", "mlp_fc1_bias", "mlp_fc2_bias", "use_rms_norm", "parallel_block"}) {
        if (root.path(no).asBoolean(false)) {
          throw new IllegalArgumentException("field \"" + no + "\" is true; expected false "
              + "(as nomic-embed-text v1 and v1.5)");
        }
      }
      for (String unset : new String[] {"rotary_emb_scale_base", "moe_every_n_layers"}) {
        JsonNode n = root.path(unset);
        if (!n.isMissingNode() && !n.isNull()) {
          throw new IllegalArgumentException("field \"" + unset + "\" is " + n + "; expected "
              + "null (not supported)");
        }
      }
      if (!root.path("rotary_emb_base").isNumber()) {
        throw new IllegalArgumentException("field \"rotary_emb_base\" must be a number, got "
            + root.path("rotary_emb_base"));
      }
      return Dimensions.read(root, src, Dimensions.GPT2_KEYS).config(
          root.has("type_vocab_size") ? requiredInt(root, "type_vocab_size", src) : 2,
          (float) root.path("layer_norm_epsilon").asDouble(1e-12),
          Activation.SILU,
          Positions.ROTARY, false, "nomic_bert", -1, 0,
          Rotary.everyLayer(root.path("rotary_emb_base").asDouble(), nomicDynamicNtk(root, src)));
    });
  }

  /**
   * GTE's NewModel (NewConfig of Alibaba-NLP's new-impl code: gte-base-en-v1.5, gte-large-en-v1.5,
   * gte-multilingual-base): post-LayerNorm, rotate-half rotary with base rope_theta and optional
   * fixed NTK rope_scaling {"type": "ntk", "factor": f}, gated up_gate_proj through hidden_act,
   * type_vocab_size token types (0: none). What the published checkpoints set is required; a
   * field that would change the computation otherwise is refused by name. unpad_inputs and
   * use_memory_efficient_attention only pick the reference's xformers kernels (one block-diagonal
   * packed batch, positions from 0 per sequence: what this encoder computes anyway), so either
   * value is accepted.
   */
  private static EncoderConfig readGte(JsonNode root, String src) {
    return withSource(src, () -> {
      requireValue(root, "position_embedding_type", "\"rope\"", "rope");
      requireValue(root, "layer_norm_type", "\"layer_norm\" (rms_norm is not supported)",
          "layer_norm");
      for (String no : new String[] {"logn_attention_scale"}) {
        if (root.path(no).asBoolean(false)) {
          throw new IllegalArgumentException("field \"" + no + "\" is true; expected false "
              + "(as gte-base-en-v1.5 and gte-multilingual-base)");
        }
      }
      if (!root.path("pack_qkv").asBoolean(true)) {
        throw new IllegalArgumentException("field \"pack_qkv\" is false; expected true (one "
            + "qkv_proj, as the published checkpoints)");
      }
      double factor = 1.0;
      JsonNode scaling = root.path("rope_scaling");
      if (!scaling.isMissingNode() && !scaling.isNull()) {
        if (!scaling.path("type").asText("").equals("ntk") || !scaling.path("factor").isNumber()
            || (scaling.has("mixed_b") && !scaling.get("mixed_b").isNull())) {
          throw new IllegalArgumentException("field \"rope_scaling\" is " + scaling
              + "; expected null or {\"type\": \"ntk\", \"factor\": number} (mixed_b is not "
              + "supported)");
        }
        factor = scaling.get("factor").asDouble();
      }
      if (!root.path("rope_theta").isNumber()) {
        throw new IllegalArgumentException("field \"rope_theta\" must be a number, got "
            + root.path("rope_theta"));
      }
      double theta = root.get("rope_theta").asDouble();
      return Dimensions.read(root, src, Dimensions.HF_KEYS).config(
          root.has("type_vocab_size") ? requiredInt(root, "type_vocab_size", src) : 1,
          (float) root.path("layer_norm_eps").asDouble(1e-12),
          Activation.fromHf(root.path("hidden_act").asText("gelu"), src),
          Positions.ROTARY, false, "new", -1, 0,
          new Rotary(1, theta, Integer.MAX_VALUE, theta, factor));
    });
  }

  /**
   * The six sizes every family's config.json gives, read in this order under the family's key
   * names (HF_KEYS, or GPT2_KEYS for NomicBERT); each must be an integer, its error naming the
   * file and the key as requiredInt's.
   */
  private record Dimensions(int vocabSize, int hiddenSize, int numLayers, int numHeads,
      int intermediateSize, int maxPositions) {
    static final String[] HF_KEYS = {"vocab_size", "hidden_size", "num_hidden_layers",
        "num_attention_heads", "intermediate_size", "max_position_embeddings"};
    static final String[] GPT2_KEYS = {"vocab_size", "n_embd", "n_layer", "n_head", "n_inner",
        "n_positions"};

    static Dimensions read(JsonNode root, String src, String[] keys) {
      int[] v = new int[keys.length];
      for (int i = 0; i < keys.length; i++) v[i] = requiredInt(root, keys[i], src);
      return new Dimensions(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    /** The config of these sizes with the family's other settings. */
    EncoderConfig config(int typeVocabSize, float layerNormEps, Activation activation,
        Positions positions, boolean preLayerNorm, String modelType, int paddingIdx,
        int relativeAttentionNumBuckets, Rotary rotary) {
      return new EncoderConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize,
          maxPositions, typeVocabSize, layerNormEps, activation, positions, preLayerNorm,
          modelType, paddingIdx, relativeAttentionNumBuckets, rotary);
    }
  }

  /**
   * Runs a family's reader so that every IllegalArgumentException it throws names the file:
   * messages already starting with {@code src} (requiredInt's) pass as they are, the others get
   * "src: " in front.
   */
  private static EncoderConfig withSource(String src, Supplier<EncoderConfig> reader) {
    try {
      return reader.get();
    } catch (IllegalArgumentException e) {
      if (e.getMessage().startsWith(src)) throw e;
      throw new IllegalArgumentException(src + ": " + e.getMessage(), e);
    }
  }

  /**
   * rotary_scaling_factor: null, absent or 0 is plain rotary (nomic's code tests the factor's
   * truth), a positive number scales past max_trained_positions (an integer, 2048 when absent).
   */
  private static DynamicNtk nomicDynamicNtk(JsonNode root, String src) {
    JsonNode f = root.path("rotary_scaling_factor");
    if (f.isMissingNode() || f.isNull() || (f.isNumber() && f.asDouble() == 0)) return null;
    if (!f.isNumber() || !(f.asDouble() > 0) || Double.isInfinite(f.asDouble())) {
      throw new IllegalArgumentException("field \"rotary_scaling_factor\" is " + f
          + "; expected null or a number > 0 (dynamic-NTK rotary scaling)");
    }
    int trained = root.has("max_trained_positions")
        ? requiredInt(root, "max_trained_positions", src) : 2048;
    return new DynamicNtk(f.asDouble(), trained);
  }

  private static void requireValue(JsonNode root, String key, String expected, Object value) {
    JsonNode n = root.path(key);
    boolean ok = value instanceof String v ? n.isTextual() && n.asText().equals(v)
        : n.isNumber() && n.asDouble() == (Double) value;
    if (!ok) {
      throw new IllegalArgumentException("field \"" + key + "\" is "
          + (n.isMissingNode() ? "missing" : n.toString()) + "; expected " + expected);
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
