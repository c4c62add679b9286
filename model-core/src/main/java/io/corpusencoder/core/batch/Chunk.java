package io.corpusencoder.core.batch;

import io.corpusencoder.core.tokenize.Encoding;

/**
 * One window of a text, ready to encode: its index within the text, the character span
 * [start, end) of the text it covers (UTF-16 indices), and its encoding with special tokens.
 */
public record Chunk(int index, int start, int end, Encoding encoding) {}
