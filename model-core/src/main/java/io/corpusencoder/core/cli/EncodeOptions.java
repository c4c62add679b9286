package io.corpusencoder.core.cli;

import static io.corpusencoder.core.cli.OptionSpec.bool;
import static io.corpusencoder.core.cli.OptionSpec.checked;
import static io.corpusencoder.core.cli.OptionSpec.choice;

import io.corpusencoder.core.embed.EncodeSettings;
import io.corpusencoder.core.embed.EncodeSettings.LongText;
import java.util.function.UnaryOperator;

/**
 * The encoding options as the command-line doors (the job, scripts/embed.sh) declare them, with
 * {@link EncodeSettings#DEFAULTS} as their defaults, and the one reading of their values.
 */
public final class EncodeOptions {
  private static final EncodeSettings D = EncodeSettings.DEFAULTS;

  public static final OptionSpec MAX_LENGTH = checked("max-length", "model", "tokens per chunk, "
      + "special tokens included (model = the model's own)",
      s -> s.equals("model") || OptionSpec.isPositiveInt(s), "model or a positive integer");
  public static final OptionSpec STRIDE = checked("stride", String.valueOf(D.stride()),
      "tokens shared by consecutive chunks of a long text (overlap)",
      OptionSpec::isNonNegativeInt, "a non-negative integer");
  public static final OptionSpec LONG_TEXT = choice("long-text", D.longText().optionValue(),
      "texts longer than max-length: chunk (every token encoded, in chunks of max-length: a row "
          + "per chunk in the job, their mean as the text's vector in embed.sh and the "
          + "Transformer) | truncate (the first max-length tokens only, flagged truncated)",
      "chunk", "truncate");
  public static final OptionSpec DOC_VECTOR = bool("doc-vector", String.valueOf(D.docVector()),
      "also write one document row (chunk -1): the mean of its chunks' vectors, L2-normalized "
          + "when normalize is on (a one-chunk text's is its chunk's vector)");
  public static final OptionSpec POOLING = choice("pooling", D.pooling(), "mean | cls | max | "
      + "lasttoken | mean_sqrt_len_tokens | weightedmean | model (the model's own)", "mean", "cls",
      "max", "lasttoken", "mean_sqrt_len_tokens", "weightedmean", "model");
  public static final OptionSpec PROMPT = checked("prompt", D.prompt(), "a prompt the model "
      + "declares (config_sentence_transformers.json, e.g. query, passage), put before every text "
      + "| model (its default_prompt_name; none if it has none) | none",
      s -> !s.isEmpty(), "a prompt name, model or none");
  public static final OptionSpec PROMPT_TEXT = OptionSpec.verbatim("prompt-text", D.promptText(),
      "a prompt's text put before every text, e.g. \"query: \" (instead of --prompt)");
  public static final OptionSpec DIMENSIONS = checked("dimensions",
      String.valueOf(D.dimensions()), "keep the first N values of each vector (Matryoshka), "
          + "re-normalized when the model normalizes (0 = all)", OptionSpec::isNonNegativeInt,
      "a non-negative integer");
  public static final OptionSpec NORMALIZE = choice("normalize", D.normalize(), "L2-normalize "
      + "embeddings: true | false | model", "true", "false", "model").withBare("true");
  public static final OptionSpec TOKEN_VECTORS = bool("token-vectors",
      String.valueOf(D.tokenVectors()), "also write token ids, tokens, offsets and one vector per "
          + "token");
  public static final OptionSpec BATCH_SIZE = checked("batch-size", String.valueOf(D.batchSize()),
      "texts (chunks) per forward pass at most", OptionSpec::isPositiveInt, "a positive integer");
  public static final OptionSpec BATCH_TOKENS = checked("batch-tokens",
      String.valueOf(D.batchTokens()), "real tokens per forward pass at most",
      OptionSpec::isPositiveInt, "a positive integer");
  public static final OptionSpec SORT_WINDOW = checked("sort-window",
      String.valueOf(D.sortWindow()), "texts buffered and sorted by length before batching",
      OptionSpec::isPositiveInt, "a positive integer");

  private EncodeOptions() {}

  /**
   * The settings from option values ({@code value}: an option's validated value, its default
   * when not given; null for an option the door does not declare, which keeps its default).
   */
  public static EncodeSettings settings(UnaryOperator<String> value) {
    EncodeSettings s = D;
    String v;
    if ((v = value.apply("pooling")) != null) s = s.withPooling(v);
    if ((v = value.apply("normalize")) != null) s = s.withNormalize(v);
    if ((v = value.apply("max-length")) != null) {
      s = s.withMaxLength(v.equals("model") ? 0 : Integer.parseInt(v));
    }
    if ((v = value.apply("stride")) != null) s = s.withStride(Integer.parseInt(v));
    if ((v = value.apply("long-text")) != null) s = s.withLongText(LongText.parse(v, "--long-text"));
    if ((v = value.apply("doc-vector")) != null) s = s.withDocVector(Boolean.parseBoolean(v));
    if ((v = value.apply("token-vectors")) != null) {
      s = s.withTokenVectors(Boolean.parseBoolean(v));
    }
    if ((v = value.apply("batch-size")) != null) s = s.withBatchSize(Integer.parseInt(v));
    if ((v = value.apply("batch-tokens")) != null) s = s.withBatchTokens(Integer.parseInt(v));
    if ((v = value.apply("sort-window")) != null) s = s.withSortWindow(Integer.parseInt(v));
    if ((v = value.apply("prompt")) != null) s = s.withPrompt(v);
    if ((v = value.apply("prompt-text")) != null) s = s.withPromptText(v);
    if ((v = value.apply("dimensions")) != null) s = s.withDimensions(Integer.parseInt(v));
    return s;
  }
}
