package io.corpusencoder.core.model;

import io.corpusencoder.core.config.EncoderConfig;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A transformer encoder: embeddings (word + position + token type, LayerNorm) then N encoder
 * layers. Immutable and Serializable (records of float arrays), so Spark can broadcast it; any
 * number of threads may call {@link #forward} at once, each with its own {@link Workspace}.
 */
public final class Encoder implements Serializable {
  private static final long serialVersionUID = 1L;

  private final EncoderConfig config;
  private final float[] wordEmbeddings; // [vocab, hidden]
  private final float[] positionEmbeddings; // [maxPositions, hidden]: learned, the sinusoid table, or null (rotary)
  private final float[] tokenTypeEmbeddings; // [typeVocab, hidden], or null
  private final LayerNorm embeddingNorm; // null when the checkpoint has none (sinusoidal variant)
  private final float embeddingScale; // 1 for BERT; √hidden for the original Transformer
  private final PositionIds positionIds; // which position row each token reads
  private final EncoderLayer[] layers;
  private final LayerNorm finalNorm; // pre-LayerNorm encoders only
  private final AttentionBias sharedBias; // the bias every layer's attention adds, or null
  private transient volatile String weightsSha256; // computed once, on demand

  private Encoder(EncoderConfig config, float[] word, float[] pos, PositionIds positionIds,
      float[] type, LayerNorm embNorm, float embeddingScale, EncoderLayer[] layers,
      LayerNorm finalNorm, AttentionBias sharedBias) {
    this.config = config;
    this.wordEmbeddings = word;
    this.positionEmbeddings = pos;
    this.positionIds = positionIds;
    this.sharedBias = sharedBias;
    this.tokenTypeEmbeddings = type;
    this.embeddingNorm = embNorm;
    this.embeddingScale = embeddingScale;
    this.layers = layers;
    this.finalNorm = finalNorm;
  }

  /**
   * An encoder from its parts, as a family's recipe assembles them: embeddings (word, position
   * table read at {@code positionIds}, token types or null, LayerNorm or null), the layers, a final
   * LayerNorm (pre-LayerNorm encoders) or null, and the attention bias the layers share (or null),
   * named here so the weight digest covers it.
   */
  public static Encoder of(EncoderConfig config, float[] wordEmbeddings, float[] positionEmbeddings,
      PositionIds positionIds, float[] tokenTypeEmbeddings, LayerNorm embeddingNorm,
      float embeddingScale, EncoderLayer[] layers, LayerNorm finalNorm, AttentionBias sharedBias) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(positionIds, "positionIds");
    int h = config.hiddenSize();
    boolean rotary = config.positions() == EncoderConfig.Positions.ROTARY;
    if ((rotary ? positionEmbeddings != null
            : positionEmbeddings.length != config.maxPositions() * h)
        || config.maxLength() != config.maxPositions() - positionIds.reserved()
        || layers.length != config.numLayers()) {
      throw new IllegalArgumentException("encoder parts do not fit the config " + config);
    }
    return new Encoder(config, wordEmbeddings, positionEmbeddings, positionIds,
        tokenTypeEmbeddings, embeddingNorm, embeddingScale, layers, finalNorm, sharedBias);
  }

  /**
   * The original Transformer's positional encoding: PE(pos, 2i) = sin(pos / 10000^(2i/d)),
   * PE(pos, 2i+1) = cos(pos / 10000^(2i/d)). Returns [positions, d].
   */
  public static float[] sinusoidTable(int positions, int d) {
    float[] pe = new float[positions * d];
    for (int pos = 0; pos < positions; pos++) {
      for (int i = 0; i < d; i += 2) {
        double angle = pos / StrictMath.pow(10000.0, (double) i / d);
        pe[pos * d + i] = (float) StrictMath.sin(angle);
        if (i + 1 < d) pe[pos * d + i + 1] = (float) StrictMath.cos(angle);
      }
    }
    return pe;
  }

  public EncoderConfig config() {
    return config;
  }

  /**
   * sha256 (hex) over every parameter's fp32 bits (little-endian) in a fixed order: the identity
   * of the weights in memory. Serialization carries it and deserialization checks it, so a model
   * that reaches an executor damaged or different is refused rather than used.
   */
  public String weightsSha256() {
    String d = weightsSha256;
    if (d == null) weightsSha256 = d = digest();
    return d;
  }

  private String digest() {
    List<float[]> params = new ArrayList<>(List.of(wordEmbeddings));
    if (positionEmbeddings != null) params.add(positionEmbeddings);
    if (tokenTypeEmbeddings != null) params.add(tokenTypeEmbeddings);
    if (embeddingNorm != null) params.addAll(List.of(embeddingNorm.gamma(), embeddingNorm.beta()));
    for (EncoderLayer l : layers) {
      for (Dense d : List.of(l.attention().qkv(), l.attentionOutput(), l.intermediate(),
          l.output())) {
        params.add(d.weight());
        params.add(d.bias());
      }
      for (LayerNorm n : new LayerNorm[] {l.attentionNorm(), l.outputNorm()}) {
        if (n == null) continue; // an identity (ModernBERT's first attention norm)
        params.add(n.gamma());
        params.add(n.beta());
      }
    }
    if (finalNorm != null) params.addAll(List.of(finalNorm.gamma(), finalNorm.beta()));
    if (sharedBias != null) params.add(sharedBias.weights());
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (float[] p : params) {
        for (int i = 0; i < p.length; ) {
          int n = Math.min(buf.length / 4, p.length - i);
          for (int j = 0; j < n; j++) {
            int bits = Float.floatToRawIntBits(p[i + j]);
            buf[4 * j] = (byte) bits;
            buf[4 * j + 1] = (byte) (bits >>> 8);
            buf[4 * j + 2] = (byte) (bits >>> 16);
            buf[4 * j + 3] = (byte) (bits >>> 24);
          }
          md.update(buf, 0, 4 * n);
          i += n;
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    out.writeUTF(weightsSha256());
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    String expected = in.readUTF();
    String actual = digest();
    if (!actual.equals(expected)) {
      throw new InvalidObjectException("model weights arrived different from the sender's: "
          + "sha256 " + actual + ", expected " + expected + "; refusing to encode with them");
    }
    weightsSha256 = actual;
  }

  /** Runs a batch of unpadded sequences; all type ids 0 and no masked keys. */
  public HiddenStates forward(int[][] ids, Workspace ws) {
    return forward(ids, null, null, ws);
  }

  /**
   * Runs a batch: {@code ids[s]} is sequence s's token ids (its own length, no padding);
   * {@code typeIds} and {@code attentionMask} may be null (all 0, all 1). Keys with mask 0 get
   * exactly zero attention weight; positions still count them, as in HF.
   */
  public HiddenStates forward(int[][] ids, int[][] typeIds, int[][] attentionMask, Workspace ws) {
    return forward(ids, typeIds, attentionMask, ws, false);
  }

  /**
   * As {@link #forward(int[][], int[][], int[][], Workspace)}; with {@code firstTokenOnly} the
   * result holds only each sequence's first token ([CLS]), one row per sequence, bitwise the full
   * pass's first token, and a post-LayerNorm encoder's last layer skips the other tokens' rows
   * after attention.
   *
   * <p>On native OpenBLAS with one thread a sequence's result is bitwise the same whatever the
   * batch around it: the token-wise buffers follow a {@link BatchLayout}.
   */
  public HiddenStates forward(int[][] ids, int[][] typeIds, int[][] attentionMask, Workspace ws,
      boolean firstTokenOnly) {
    int n = ids.length;
    if (n == 0) throw new IllegalArgumentException("empty batch");
    int[] seqLen = new int[n];
    int[] phase = new int[n];
    int maxLen = 0;
    for (int s = 0; s < n; s++) {
      int len = ids[s].length;
      if (len == 0) throw new IllegalArgumentException("sequence " + s + " has no tokens");
      if (len > config.maxLength()) {
        throw new IllegalArgumentException("sequence " + s + " has " + len
            + " tokens; the model takes at most " + (positionIds.reserved() == 0
                ? "max_position_embeddings = " + config.maxPositions()
                : config.maxLength() + " (max_position_embeddings " + config.maxPositions()
                    + " less padding_idx + 1 = " + positionIds.reserved() + ")"));
      }
      seqLen[s] = len;
      phase[s] = BatchLayout.phase(ids[s]);
      maxLen = Math.max(maxLen, len);
    }
    BatchLayout layout = BatchLayout.of(seqLen, phase, minRows());
    boolean[] keyMask = buildMask(attentionMask, ids, layout.tokens());
    int d = config.hiddenSize();
    int rows = layout.rows();
    ws.ensure(rows, maxLen, d, ffnWidth());
    Arrays.fill(ws.context, 0, rows * d, 0f); // attention writes token rows only
    embed(ids, typeIds, layout, ws.hidden);
    boolean shortcut = firstTokenLastLayer(firstTokenOnly);
    int full = shortcut ? layers.length - 1 : layers.length;
    for (int l = 0; l < full; l++) layers[l].forward(ws, layout, keyMask);
    if (finalNorm != null) finalNorm.forwardInPlace(ws.hidden, rows);
    if (shortcut) {
      layers[layers.length - 1].forwardFirstTokens(ws, layout, keyMask);
    } else if (firstTokenOnly) {
      for (int s = 0; s < n; s++) {
        System.arraycopy(ws.hidden, layout.row(s, 0) * d, ws.scratch, s * d, d);
      }
      ws.swapHiddenAndScratch();
    } else {
      // Back to sequences packed one after another.
      for (int s = 0; s < n; s++) {
        for (int t = 0; t < seqLen[s]; t++) {
          System.arraycopy(ws.hidden, layout.row(s, t) * d, ws.scratch,
              (layout.seqStart(s) + t) * d, d);
        }
      }
      ws.swapHiddenAndScratch();
    }
    if (firstTokenOnly) {
      int[] starts = new int[n];
      int[] ones = new int[n];
      for (int s = 0; s < n; s++) {
        starts[s] = s;
        ones[s] = 1;
      }
      return new HiddenStates(ws.hidden, starts, ones, d);
    }
    return new HiddenStates(ws.hidden, layout.seqStarts(), layout.seqLens(), d);
  }

  /**
   * Multiply-adds of the layers' matrix products as {@link #forward} runs them for one sequence of
   * {@code len} tokens with the same {@code firstTokenOnly} (for the bench's FLOP count: 2 FLOPs
   * each). Counted per layer: Q, K, V and output projections, the feed-forward's products (a GLU's
   * intermediate one twice as wide), QKᵀ and P·V over the keys each query block reads (a local
   * layer's band only), all rows or, in a [CLS]-only last layer, the first token's. Not counted:
   * embeddings, norms, activations, softmax, rotary, and a batch layout's padding rows.
   */
  public long multiplyAdds(int len, boolean firstTokenOnly) {
    boolean shortcut = firstTokenLastLayer(firstTokenOnly);
    long total = 0;
    for (int l = 0; l < layers.length; l++) {
      total += layers[l].multiplyAdds(len, shortcut && l == layers.length - 1);
    }
    return total;
  }

  /** Whether forward runs the last layer for the first tokens only (post-LayerNorm encoders). */
  private boolean firstTokenLastLayer(boolean firstTokenOnly) {
    return firstTokenOnly && !config.preLayerNorm();
  }

  /** Widest intermediate product of the layers (twice intermediate_size for a GLU). */
  private int ffnWidth() {
    int w = 0;
    for (EncoderLayer l : layers) w = Math.max(w, l.intermediate().out());
    return w;
  }

  /** Fewest rows of a batch's layout: no dense product of this model is a "small" one. */
  private int minRows() {
    return Dense.minRows(Math.min(config.hiddenSize(), config.intermediateSize()));
  }

  private static boolean[] buildMask(int[][] mask, int[][] ids, int tokens) {
    if (mask == null) return null;
    if (mask.length != ids.length) {
      throw new IllegalArgumentException("attentionMask has " + mask.length + " rows for "
          + ids.length + " sequences");
    }
    boolean[] keep = new boolean[tokens];
    boolean anyMasked = false;
    int k = 0;
    for (int s = 0; s < ids.length; s++) {
      if (mask[s].length != ids[s].length) {
        throw new IllegalArgumentException("attentionMask row " + s + " has " + mask[s].length
            + " entries for " + ids[s].length + " tokens");
      }
      boolean seqAny = false;
      for (int v : mask[s]) {
        keep[k++] = v != 0;
        seqAny |= v != 0;
        anyMasked |= v == 0;
      }
      if (!seqAny) {
        throw new IllegalArgumentException("attentionMask row " + s + " masks every token");
      }
    }
    return anyMasked ? keep : null;
  }

  /** Embeds token t of sequence s into row layout.row(s, t) of x; padding rows are zero. */
  private void embed(int[][] ids, int[][] typeIds, BatchLayout layout, float[] x) {
    int h = config.hiddenSize();
    Arrays.fill(x, 0, layout.rows() * h, 0f);
    int[] pos = new int[layout.tokens()];
    for (int s = 0; s < ids.length; s++) {
      positionIds.fill(ids[s], pos);
      if (typeIds != null && typeIds[s].length != ids[s].length) {
        throw new IllegalArgumentException("typeIds row " + s + " has " + typeIds[s].length
            + " entries for " + ids[s].length + " tokens");
      }
      for (int t = 0; t < ids[s].length; t++) {
        int id = ids[s][t];
        if (id < 0 || id >= config.vocabSize()) {
          throw new IllegalArgumentException("token id " + id + " at sequence " + s + ", position "
              + t + " is outside the vocabulary [0, " + config.vocabSize() + ")");
        }
        int type = typeIds == null ? 0 : typeIds[s][t];
        int row = layout.row(s, t) * h;
        int wOff = id * h;
        int pOff = pos[t] * h;
        if (tokenTypeEmbeddings != null) {
          if (type < 0 || type >= config.typeVocabSize()) {
            throw new IllegalArgumentException("token type id " + type + " is outside [0, "
                + config.typeVocabSize() + ")");
          }
          int tOff = type * h;
          if (positionEmbeddings == null) { // rotary positions with token types (NomicBERT)
            for (int c = 0; c < h; c++) {
              x[row + c] = wordEmbeddings[wOff + c] * embeddingScale + tokenTypeEmbeddings[tOff + c];
            }
            continue;
          }
          // Summation order as HF BertEmbeddings: (word + token type) + position.
          for (int c = 0; c < h; c++) {
            x[row + c] = (wordEmbeddings[wOff + c] * embeddingScale + tokenTypeEmbeddings[tOff + c])
                + positionEmbeddings[pOff + c];
          }
        } else if (positionEmbeddings != null) {
          for (int c = 0; c < h; c++) {
            x[row + c] = wordEmbeddings[wOff + c] * embeddingScale + positionEmbeddings[pOff + c];
          }
        } else { // rotary positions: the attention rotates queries and keys instead
          for (int c = 0; c < h; c++) x[row + c] = wordEmbeddings[wOff + c] * embeddingScale;
        }
      }
    }
    if (embeddingNorm != null) embeddingNorm.forwardInPlace(x, layout.rows());
  }
}
