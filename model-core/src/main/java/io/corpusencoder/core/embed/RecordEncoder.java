package io.corpusencoder.core.embed;

import io.corpusencoder.core.batch.Chunk;
import io.corpusencoder.core.batch.Chunker;
import io.corpusencoder.core.math.Ops;
import io.corpusencoder.core.tokenize.Encoding;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The one encode path of every door (the Spark job's tasks, the Transformer, scripts/embed.sh):
 * a window of texts is repaired ({@link TextRepair}), tokenized and chunked ({@link Chunker}), its
 * chunks sorted by length and cut into batches of at most {@code batchTokens} real tokens and
 * {@code batchSize} chunks, encoded packed (no padding), pooled, and each text gets its vector.
 *
 * <p>A text's vector is its chunk's vector when it has one chunk (so a short text's vector is
 * the same bits in every output), else the mean of its chunks' vectors in chunk order,
 * L2-normalized when the model normalizes. A text the encoder cannot take (a null text) gets no
 * vector and its reason, and the other texts of the window are encoded as usual.
 */
public final class RecordEncoder {
  private final EmbeddingModel model;
  private final EncodeSettings settings;
  private final Chunker chunker;

  /** {@code model} as loaded or already resolved: the settings' overrides are applied here. */
  public RecordEncoder(EmbeddingModel model, EncodeSettings settings) {
    this.model = settings.resolve(model);
    this.settings = settings;
    this.chunker = settings.chunker(this.model);
  }

  /** The model with the settings' pooling, normalization and maximum length. */
  public EmbeddingModel model() {
    return model;
  }

  public EncodeSettings settings() {
    return settings;
  }

  /** What one window gave: each text's result in input order, and what it cost. */
  public record Window(List<EncodedText> texts, int chunks, int batches, long tokens,
      long tokenizeNanos, long encodeNanos) {}

  /** Encodes {@code texts} (at most a sort window of them) in one go. */
  public Window encode(List<String> texts) {
    return encode(texts, null);
  }

  /** As {@link #encode(List)}, with the batches run on {@code pool} when it is not null. */
  public Window encode(List<String> texts, ExecutorService pool) {
    long t0 = System.nanoTime();
    int n = texts.size();
    List<List<Chunk>> chunks = new ArrayList<>(n);
    String[] repaired = new String[n];
    String[] errors = new String[n];
    List<Encoding> encodings = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String text = texts.get(i);
      List<Chunk> c = List.of();
      if (text == null) {
        errors[i] = "text is null; expected a string";
      } else {
        TextRepair.Repaired t = TextRepair.repair(text);
        repaired[i] = t.reason();
        try {
          c = chunker.chunk(t.text());
        } catch (IllegalArgumentException e) {
          errors[i] = e.getMessage();
        }
      }
      chunks.add(c);
      for (Chunk k : c) encodings.add(k.encoding());
    }
    long t1 = System.nanoTime();
    List<int[]> batches = EmbeddingModel.batches(encodings, settings.batchTokens(),
        settings.batchSize(), pool != null);
    List<Embedding> embs = model.embedBatches(encodings, batches, false,
        settings.tokenVectors(), pool);
    long t2 = System.nanoTime();
    List<EncodedText> out = new ArrayList<>(n);
    int k = 0;
    long tokens = 0;
    int specials = model.tokenizer().numSpecialTokens();
    for (int i = 0; i < n; i++) {
      if (errors[i] != null) {
        out.add(EncodedText.failed(errors[i]));
        continue;
      }
      List<Chunk> c = chunks.get(i);
      List<EncodedText.ChunkVector> parts = new ArrayList<>(c.size());
      int nTokens = 0;
      for (Chunk ch : c) {
        Embedding e = embs.get(k++);
        parts.add(new EncodedText.ChunkVector(ch, e));
        nTokens += e.nTokens();
      }
      tokens += nTokens;
      Encoding first = c.get(0).encoding();
      out.add(new EncodedText(parts, textVector(parts), nTokens, first.truncated(),
          c.size() == 1 && first.length() == specials + chunker.promptTokens(), repaired[i],
          null));
    }
    return new Window(out, encodings.size(), batches.size(), tokens, t1 - t0, t2 - t1);
  }

  private float[] textVector(List<EncodedText.ChunkVector> parts) {
    if (parts.size() == 1) return parts.get(0).embedding().vector().clone();
    float[] sum = new float[model.dimension()];
    for (EncodedText.ChunkVector p : parts) {
      float[] v = p.embedding().vector();
      for (int d = 0; d < sum.length; d++) sum[d] += v[d];
    }
    for (int d = 0; d < sum.length; d++) sum[d] /= parts.size();
    if (model.normalize()) Ops.l2NormalizeInPlace(sum, 0, sum.length);
    return sum;
  }
}
