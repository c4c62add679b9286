package io.corpusencoder.core.embed;

import io.corpusencoder.core.batch.Chunk;
import java.util.List;

/**
 * What {@link RecordEncoder} made of one text: its chunks with their vectors (one chunk unless
 * the text was longer than the maximum length and long texts are chunked), the text's vector
 * ({@code vector}: see {@link RecordEncoder}), the tokens the model saw over all chunks (special
 * tokens included), whether the text was cut (truncate mode only), whether it had no token,
 * why {@link TextRepair} changed it (null: untouched), and, for a text the encoder could not take,
 * the reason ({@code error}; then no chunk and no vector).
 */
public record EncodedText(List<ChunkVector> chunks, float[] vector, int nTokens,
    boolean truncated, boolean empty, String textRepaired, String error) {

  /** One chunk of a text and its embedding (token vectors only when asked for). */
  public record ChunkVector(Chunk chunk, Embedding embedding) {}

  static EncodedText failed(String error) {
    return new EncodedText(List.of(), null, 0, false, false, null, error);
  }

  public boolean failed() {
    return error != null;
  }
}
