package io.corpusencoder.core.weights;

/**
 * Checkpoint tensor names of the Hugging Face BERT family, built in this one place. The "bert."
 * prefix of BertModel-for-X checkpoints is removed by the readers ({@link #stripPrefix}).
 */
public final class BertNames {
  private BertNames() {}

  public static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
  public static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";
  public static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";
  public static final String EMBEDDINGS_LN_WEIGHT = "embeddings.LayerNorm.weight";
  public static final String EMBEDDINGS_LN_BIAS = "embeddings.LayerNorm.bias";
  /** Final LayerNorm of a pre-LayerNorm encoder (not present in BERT). */
  public static final String FINAL_LN_WEIGHT = "encoder.final_layer_norm.weight";
  public static final String FINAL_LN_BIAS = "encoder.final_layer_norm.bias";

  private static String layer(int l) {
    return "encoder.layer." + l + ".";
  }

  public static String query(int l, String part) {
    return layer(l) + "attention.self.query." + part;
  }

  public static String key(int l, String part) {
    return layer(l) + "attention.self.key." + part;
  }

  public static String value(int l, String part) {
    return layer(l) + "attention.self.value." + part;
  }

  public static String attentionOutput(int l, String part) {
    return layer(l) + "attention.output.dense." + part;
  }

  public static String attentionLayerNorm(int l, String part) {
    return layer(l) + "attention.output.LayerNorm." + part;
  }

  public static String intermediate(int l, String part) {
    return layer(l) + "intermediate.dense." + part;
  }

  public static String output(int l, String part) {
    return layer(l) + "output.dense." + part;
  }

  public static String outputLayerNorm(int l, String part) {
    return layer(l) + "output.LayerNorm." + part;
  }

  /** Removes a leading "bert." (BertForX checkpoints) so names match the list above. */
  public static String stripPrefix(String name) {
    return name.startsWith("bert.") ? name.substring(5) : name;
  }

  /**
   * Maps an ONNX export's node path ("/encoder/layer.3/attention/self/query/MatMul") to the
   * checkpoint prefix ("encoder.layer.3.attention.self.query."), or null if it is not one.
   */
  public static String fromOnnxNodePath(String nodeName) {
    if (!nodeName.startsWith("/")) return null;
    int last = nodeName.lastIndexOf('/');
    if (last <= 0) return null;
    String path = nodeName.substring(1, last).replace('/', '.');
    return stripPrefix(path) + ".";
  }
}
