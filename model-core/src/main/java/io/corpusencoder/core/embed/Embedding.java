package io.corpusencoder.core.embed;

/**
 * The result for one text: its pooled vector, how many tokens the model saw (special tokens
 * included) and whether the text was cut to the maximum length. {@code tokenIds} and
 * {@code tokenVectors} (last hidden state of every token) are filled only when asked for.
 */
public record Embedding(
    float[] vector, int nTokens, boolean truncated, int[] tokenIds, float[][] tokenVectors) {}
