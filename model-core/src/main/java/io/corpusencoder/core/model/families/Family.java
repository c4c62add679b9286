package io.corpusencoder.core.model.families;

import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.model.Encoder;
import io.corpusencoder.core.weights.WeightMap;

/**
 * One architecture's recipe: which checkpoint tensors it reads, under which names, and which shared
 * parts (position scheme, attention bias, layer kind) it composes into an {@link Encoder}. Each
 * reads top to bottom like its transformers modeling file.
 */
public interface Family {
  /** The encoder of {@code config}, every tensor checked for presence and shape. */
  Encoder build(EncoderConfig config, WeightMap weights);

  /**
   * The encoder of {@code config} from {@code weights}, built by the recipe of its model_type:
   * the one entry point from a loaded checkpoint to an {@link Encoder}.
   */
  static Encoder encoder(EncoderConfig config, WeightMap weights) {
    return of(java.util.Objects.requireNonNull(config, "config")).build(config, weights);
  }

  /** The recipe for config.json's model_type. */
  static Family of(EncoderConfig config) {
    return switch (config.modelType()) {
      case "bert" -> new BertFamily();
      case "roberta", "xlm-roberta" -> new XlmRobertaFamily();
      case "mpnet" -> new MPNetFamily();
      case "modernbert" -> new ModernBertFamily();
      case "nomic_bert" -> new NomicBertFamily();
      case "new" -> new GteFamily();
      default -> throw new IllegalArgumentException("model_type \"" + config.modelType()
          + "\" has no recipe; known: " + EncoderConfig.MODEL_TYPES);
    };
  }
}
