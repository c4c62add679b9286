package io.corpusencoder.core.embed;

import io.corpusencoder.core.batch.Chunker;
import io.corpusencoder.core.pool.Pooling;
import java.io.Serializable;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * How texts are encoded, whatever the door (the job's options, the Transformer's Params,
 * scripts/embed.sh's options), with the one set of defaults ({@link #DEFAULTS}). {@code pooling}
 * and {@code normalize} "model" and {@code maxLength} 0 mean the model's own.
 *
 * <p>{@code longText}: a text longer than the maximum length is cut into overlapping chunks
 * ({@code CHUNK}, every token encoded) or keeps its first window only ({@code TRUNCATE}, flagged
 * truncated). {@code docVector} and {@code tokenVectors} ask for those outputs where a door makes
 * them optional; {@code batchSize}, {@code batchTokens} and {@code sortWindow} shape the work,
 * never the bits.
 *
 * <p>{@code prompt}: a prompt name of the model's config_sentence_transformers.json, "model" (its
 * default_prompt_name, none if it has none) or "none"; {@code promptText} ("" not given) is a
 * prompt's text itself and cannot be combined with a {@code prompt} name. {@code dimensions}: keep
 * the first N values of each vector (Matryoshka; re-normalized when the model normalizes), 0 all.
 */
public record EncodeSettings(String pooling, String normalize, int maxLength, int stride,
    LongText longText, boolean docVector, boolean tokenVectors, int batchSize, int batchTokens,
    int sortWindow, String prompt, String promptText, int dimensions) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What a text longer than the maximum length becomes. */
  public enum LongText {
    CHUNK, TRUNCATE;

    /** As options spell it: chunk | truncate. */
    public String optionValue() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static LongText parse(String s, String option) {
      return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
        case "chunk" -> CHUNK;
        case "truncate" -> TRUNCATE;
        default -> throw new IllegalArgumentException(
            option + ": \"" + s + "\" is not valid; expected one of chunk, truncate");
      };
    }
  }

  /** The defaults of every door. */
  public static final EncodeSettings DEFAULTS =
      new EncodeSettings("model", "model", 0, 0, LongText.CHUNK, false, false, 64, 4096, 1024,
          "model", "", 0);

  public EncodeSettings {
    pooling = pooling.toLowerCase(Locale.ROOT);
    normalize = normalize.toLowerCase(Locale.ROOT);
    if (!pooling.equals("model")) Pooling.parse(pooling, "pooling");
    if (!normalize.matches("model|true|false")) {
      throw new IllegalArgumentException("normalize: \"" + normalize
          + "\" is not valid; expected one of true, false, model");
    }
    requireAtLeast("maxLength", maxLength, 0);
    requireAtLeast("stride", stride, 0);
    requireAtLeast("batchSize", batchSize, 1);
    requireAtLeast("batchTokens", batchTokens, 1);
    requireAtLeast("sortWindow", sortWindow, 1);
    java.util.Objects.requireNonNull(longText, "longText");
    java.util.Objects.requireNonNull(prompt, "prompt");
    java.util.Objects.requireNonNull(promptText, "promptText");
    if (prompt.isEmpty()) {
      throw new IllegalArgumentException("prompt: empty; expected a prompt name of the model, "
          + "model (its default prompt) or none");
    }
    if (!promptText.isEmpty() && !prompt.equals("model")) {
      throw new IllegalArgumentException("prompt \"" + prompt + "\" and promptText \""
          + promptText + "\": give a prompt's name or its text, not both");
    }
    requireAtLeast("dimensions", dimensions, 0);
  }

  private static void requireAtLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " " + value + " must be at least " + min);
    }
  }

  public EncodeSettings withPooling(String v) {
    return new EncodeSettings(v, normalize, maxLength, stride, longText, docVector,
        tokenVectors, batchSize, batchTokens, sortWindow, prompt, promptText, dimensions);
  }

  public EncodeSettings withNormalize(String v) {
    return new EncodeSettings(pooling, v, maxLength, stride, longText, docVector, tokenVectors,
        batchSize, batchTokens, sortWindow, prompt, promptText, dimensions);
  }

  public EncodeSettings withMaxLength(int v) {
    return new EncodeSettings(pooling, normalize, v, stride, longText, docVector, tokenVectors,
        batchSize, batchTokens, sortWindow, prompt, promptText, dimensions);
  }

  public EncodeSettings withStride(int v) {
    return new EncodeSettings(pooling, normalize, maxLength, v, longText, docVector,
        tokenVectors, batchSize, batchTokens, sortWindow, prompt, promptText, dimensions);
  }

  public EncodeSettings withLongText(LongText v) {
    return new EncodeSettings(pooling, normalize, maxLength, stride, v, docVector, tokenVectors,
        batchSize, batchTokens, sortWindow, prompt, promptText, dimensions);
  }

  public EncodeSettings withDocVector(boolean v) {
    return new EncodeSettings(pooling, normalize, maxLength, stride, longText, v, tokenVectors,
        batchSize, batchTokens, sortWindow, prompt, promptText, dimensions);
  }

  public EncodeSettings withTokenVectors(boolean v) {
    return new EncodeSettings(pooling, normalize, maxLength, stride, longText, docVector, v,
        batchSize, batchTokens, sortWindow, prompt, promptText, dimensions);
  }

  public EncodeSettings withBatchSize(int v) {
    return new EncodeSettings(pooling, normalize, maxLength, stride, longText, docVector,
        tokenVectors, v, batchTokens, sortWindow, prompt, promptText, dimensions);
  }

  public EncodeSettings withBatchTokens(int v) {
    return new EncodeSettings(pooling, normalize, maxLength, stride, longText, docVector,
        tokenVectors, batchSize, v, sortWindow, prompt, promptText, dimensions);
  }

  public EncodeSettings withSortWindow(int v) {
    return new EncodeSettings(pooling, normalize, maxLength, stride, longText, docVector,
        tokenVectors, batchSize, batchTokens, v, prompt, promptText, dimensions);
  }

  public EncodeSettings withPrompt(String v) {
    return new EncodeSettings(pooling, normalize, maxLength, stride, longText, docVector,
        tokenVectors, batchSize, batchTokens, sortWindow, v, promptText, dimensions);
  }

  public EncodeSettings withPromptText(String v) {
    return new EncodeSettings(pooling, normalize, maxLength, stride, longText, docVector,
        tokenVectors, batchSize, batchTokens, sortWindow, prompt, v, dimensions);
  }

  public EncodeSettings withDimensions(int v) {
    return new EncodeSettings(pooling, normalize, maxLength, stride, longText, docVector,
        tokenVectors, batchSize, batchTokens, sortWindow, prompt, promptText, v);
  }

  public boolean truncate() {
    return longText == LongText.TRUNCATE;
  }

  /** {@link #resolve(EmbeddingModel, UnaryOperator)} naming settings as options do (--name). */
  public EmbeddingModel resolve(EmbeddingModel m) {
    return resolve(m, name -> "--" + name);
  }

  /**
   * {@code m} with these settings' pooling, normalization and maximum length, after checking
   * that the model takes the maximum length and the stride. Errors name a setting as the door
   * spells it: {@code optionName} maps "max-length" or "stride" to that spelling.
   */
  public EmbeddingModel resolve(EmbeddingModel m, UnaryOperator<String> optionName) {
    if (!pooling.equals("model")) m = m.withPooling(Pooling.parse(pooling, optionName.apply(
        "pooling")));
    if (!normalize.equals("model")) m = m.withNormalize(Boolean.parseBoolean(normalize));
    String text = !promptText.isEmpty() ? promptText
        : prompt.equals("model") ? m.prompts().defaultText()
        : prompt.equals("none") ? "" : m.prompts().text(prompt, optionName.apply("prompt"), m.name());
    if (!text.equals(m.prompt())) m = m.withPrompt(text);
    if (dimensions > m.fullDimension()) {
      throw new IllegalArgumentException(optionName.apply("dimensions") + " " + dimensions
          + " is more than model " + m.name() + "'s dimension " + m.fullDimension());
    }
    if (dimensions != m.dimensions()) m = m.withDimensions(dimensions);
    if (maxLength > 0 && maxLength != m.maxLength()) {
      int limit = m.encoder().config().maxLength();
      if (maxLength > limit || maxLength <= m.tokenizer().numSpecialTokens()) {
        throw new IllegalArgumentException(optionName.apply("max-length") + " " + maxLength
            + " is outside what model " + m.name() + " takes: "
            + (m.tokenizer().numSpecialTokens() + 1) + " to " + limit);
      }
      m = m.withMaxLength(maxLength);
    }
    try {
      chunker(m);
    } catch (IllegalArgumentException e) {
      String o = stride > 0 ? "stride" : m.prompt().isEmpty() ? "max-length" : "prompt";
      throw new IllegalArgumentException(optionName.apply(o) + ": " + e.getMessage(), e);
    }
    return m;
  }

  /** The chunker of these settings for a resolved model. */
  Chunker chunker(EmbeddingModel resolved) {
    return new Chunker(resolved.tokenizer(), resolved.maxLength(), stride, truncate(),
        resolved.prompt());
  }
}
