package io.corpusencoder.core.embed;

import io.corpusencoder.core.model.Encoder;
import io.corpusencoder.core.model.HiddenStates;
import io.corpusencoder.core.model.ThreadWorkspaces;
import io.corpusencoder.core.model.Workspace;
import io.corpusencoder.core.pool.Dense;
import io.corpusencoder.core.pool.Pooling;
import io.corpusencoder.core.pool.SentenceHead;
import io.corpusencoder.core.tokenize.Tokenizer;
import io.corpusencoder.core.tokenize.Encoding;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Text in, vectors out: tokenizer + encoder + pooling with the model's settings. Immutable and
 * Serializable (Spark broadcasts it); safe for concurrent calls, each thread using its own
 * workspace.
 *
 * <p>Texts are batched by length (sorted, then cut at a token budget) so batches hold texts of
 * similar length; every sequence is computed on its own length, so no padding is computed and a
 * text's vector does not depend on the other texts of the call.
 */
public final class EmbeddingModel implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Real tokens per forward pass: large enough for well-shaped GEMMs, small enough for cache. */
  public static final int DEFAULT_TOKEN_BUDGET = EncodeSettings.DEFAULTS.batchTokens();

  private static final ThreadWorkspaces WORKSPACES =
      new ThreadWorkspaces(ThreadWorkspaces.configuredMaxRetainedBytes());

  private final String name;
  private final Tokenizer tokenizer;
  private final String tokenizerSha256;
  private final Encoder encoder;
  private final SentenceHead head;
  private final boolean normalize;
  private final int maxLength;
  private final Prompts prompts;
  private final String prompt;
  private final int promptLength;
  private final int dimensions;
  private transient volatile String weightsSha256;

  /** {@code tokenizerSha256}: of the tokenizer's file(s), see {@link ModelIdentity}. */
  public EmbeddingModel(String name, Tokenizer tokenizer, String tokenizerSha256, Encoder encoder,
      Pooling pooling, boolean normalize, int maxLength) {
    this(name, tokenizer, tokenizerSha256, encoder, SentenceHead.of(pooling), normalize,
        maxLength, Prompts.NONE, "", 0);
  }

  /**
   * With sentence-transformers' modules: {@code head} (pooling and Dense modules), the model's
   * {@code prompts}, the {@code prompt} text put before every text ("" none) and the Matryoshka
   * {@code dimensions} kept (0 = all).
   */
  public EmbeddingModel(String name, Tokenizer tokenizer, String tokenizerSha256, Encoder encoder,
      SentenceHead head, boolean normalize, int maxLength, Prompts prompts, String prompt,
      int dimensions) {
    this.name = Objects.requireNonNull(name);
    this.tokenizer = Objects.requireNonNull(tokenizer);
    this.tokenizerSha256 = Objects.requireNonNull(tokenizerSha256);
    this.encoder = Objects.requireNonNull(encoder);
    this.head = Objects.requireNonNull(head);
    this.normalize = normalize;
    this.prompts = Objects.requireNonNull(prompts);
    this.prompt = Objects.requireNonNull(prompt);
    head.requireChains(encoder.config().hiddenSize(), "model " + name);
    int limit = encoder.config().maxLength();
    if (maxLength < tokenizer.numSpecialTokens() + 1 || maxLength > limit) {
      throw new IllegalArgumentException("max length " + maxLength + " for model " + name
          + " must be in [" + (tokenizer.numSpecialTokens() + 1) + ", " + limit
          + "] (max_position_embeddings)");
    }
    this.maxLength = maxLength;
    this.promptLength = promptLength(tokenizer, prompt);
    int full = head.outputDimension(encoder.config().hiddenSize());
    if (dimensions < 0 || dimensions > full) {
      throw new IllegalArgumentException("dimensions " + dimensions + " for model " + name
          + " must be in [1, " + full + "] (the model's dimension), or 0 for all");
    }
    this.dimensions = dimensions == full ? 0 : dimensions;
  }

  /**
   * The prompt's length in tokens as sentence-transformers counts it (the pooling leaves these
   * first tokens out when include_prompt is false): the prompt tokenized alone, special tokens
   * included, less a closing special token.
   */
  static int promptLength(Tokenizer tokenizer, String prompt) {
    if (prompt.isEmpty()) return 0;
    Encoding content = tokenizer.tokenize(prompt);
    Encoding alone = tokenizer.withSpecialTokens(prompt, content, 0, content.length(), false);
    int n = alone.length();
    return n > 0 && alone.special()[n - 1] ? n - 1 : n;
  }

  public String name() {
    return name;
  }

  /**
   * sha256 (hex) of the parameters, whatever file they came from (see {@link ModelIdentity}):
   * the encoder's; with Dense modules, the sha256 of the encoder's digest (its 64 hex characters)
   * followed by each Dense module's weight and bias (fp32, little-endian).
   */
  public String weightsSha256() {
    if (head.dense().isEmpty()) return encoder.weightsSha256();
    String d = weightsSha256;
    if (d == null) weightsSha256 = d = denseDigest();
    return d;
  }

  private String denseDigest() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(encoder.weightsSha256().getBytes(StandardCharsets.US_ASCII));
      for (Dense d : head.dense()) {
        for (float[] p : d.bias() == null ? List.of(d.weight()) : List.of(d.weight(), d.bias())) {
          ByteBuffer b = ByteBuffer.allocate(4 * p.length).order(ByteOrder.LITTLE_ENDIAN);
          for (float f : p) b.putInt(Float.floatToRawIntBits(f));
          md.update(b.array());
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** sha256 (hex) of the tokenizer's file(s) (see {@link ModelIdentity}). */
  public String tokenizerSha256() {
    return tokenizerSha256;
  }

  /** Name, weights' and tokenizer's sha256: what every output records. */
  public ModelIdentity identity() {
    return new ModelIdentity(name, weightsSha256(), tokenizerSha256);
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public Encoder encoder() {
    return encoder;
  }

  public Pooling pooling() {
    return head.pooling();
  }

  /** Pooling, include_prompt and Dense modules. */
  public SentenceHead head() {
    return head;
  }

  public boolean normalize() {
    return normalize;
  }

  public int maxLength() {
    return maxLength;
  }

  /** The prompts the model declares. */
  public Prompts prompts() {
    return prompts;
  }

  /** The prompt put before every text ("" none). */
  public String prompt() {
    return prompt;
  }

  /** The prompt's tokens as sentence-transformers counts them (0 without a prompt). */
  public int promptLength() {
    return promptLength;
  }

  /** The Matryoshka truncation (0: none). */
  public int dimensions() {
    return dimensions;
  }

  /** The length of the vectors: the encoder's, the last Dense module's or the truncation's. */
  public int dimension() {
    return dimensions > 0 ? dimensions : fullDimension();
  }

  /** The length of the vectors without truncation. */
  public int fullDimension() {
    return head.outputDimension(encoder.config().hiddenSize());
  }

  private EmbeddingModel with(SentenceHead h, boolean n, int m, String p, int d) {
    return new EmbeddingModel(name, tokenizer, tokenizerSha256, encoder, h, n, m, prompts, p, d);
  }

  /** The same model with another pooling (include_prompt and Dense modules kept). */
  public EmbeddingModel withPooling(Pooling p) {
    return with(head.withPooling(p), normalize, maxLength, prompt, dimensions);
  }

  /** The same model with or without L2 normalization. */
  public EmbeddingModel withNormalize(boolean n) {
    return with(head, n, maxLength, prompt, dimensions);
  }

  /** The same model with another maximum length (special tokens included). */
  public EmbeddingModel withMaxLength(int m) {
    return with(head, normalize, m, prompt, dimensions);
  }

  /** The same model putting {@code text} before every text ("" none). */
  public EmbeddingModel withPrompt(String text) {
    return with(head, normalize, maxLength, text, dimensions);
  }

  /** The same model keeping the first {@code d} values of each vector (0 = all). */
  public EmbeddingModel withDimensions(int d) {
    return with(head, normalize, maxLength, prompt, d);
  }

  /** Tokenizes the prompt and the text with the model's maximum length (sentence-transformers' way). */
  public Encoding tokenize(String text) {
    return tokenizer.encode(prompt + text, maxLength);
  }

  /** Pooled vectors of {@code texts}, in order. */
  public List<Embedding> embed(List<String> texts) {
    return embed(texts, false, false);
  }

  /**
   * Embeds {@code texts} (none may be null; an empty text is [CLS][SEP]); optionally also returns
   * each text's token ids and per-token vectors.
   */
  public List<Embedding> embed(List<String> texts, boolean withTokenIds, boolean withTokenVectors) {
    return embed(texts, withTokenIds, withTokenVectors, null);
  }

  /** As {@link #embed(List, boolean, boolean)}, with batches run on {@code pool} if not null. */
  public List<Embedding> embed(List<String> texts, boolean withTokenIds, boolean withTokenVectors,
      ExecutorService pool) {
    Encoding[] enc = new Encoding[texts.size()];
    for (int i = 0; i < enc.length; i++) {
      String t = texts.get(i);
      if (t == null) {
        throw new IllegalArgumentException("text " + i + " is null; expected a string");
      }
      enc[i] = tokenize(t);
    }
    return embedEncodings(Arrays.asList(enc), withTokenIds, withTokenVectors, pool);
  }

  /** Embeds already tokenized texts (ids within the model's vocabulary and maximum length). */
  public List<Embedding> embedEncodings(
      List<Encoding> enc, boolean withTokenIds, boolean withTokenVectors) {
    return embedEncodings(enc, withTokenIds, withTokenVectors, null);
  }

  /**
   * As {@link #embedEncodings(List, boolean, boolean)}, running the length-sorted batches on
   * {@code pool} when it is not null (one workspace per pool thread).
   */
  public List<Embedding> embedEncodings(List<Encoding> enc, boolean withTokenIds,
      boolean withTokenVectors, ExecutorService pool) {
    return embedEncodings(enc, withTokenIds, withTokenVectors, pool, DEFAULT_TOKEN_BUDGET,
        Integer.MAX_VALUE);
  }

  /**
   * As {@link #embedEncodings(List, boolean, boolean, ExecutorService)}, with batches of at most
   * {@code tokenBudget} real tokens and {@code maxBatchSize} texts.
   */
  public List<Embedding> embedEncodings(List<Encoding> enc, boolean withTokenIds,
      boolean withTokenVectors, ExecutorService pool, int tokenBudget, int maxBatchSize) {
    return embedBatches(enc, batches(enc, tokenBudget, maxBatchSize, pool != null),
        withTokenIds, withTokenVectors, pool);
  }

  /**
   * {@link #lengthSortedBatches}, with the budget lowered when the batches run on a pool
   * ({@code parallel}) so there are enough of them for its threads to finish together.
   */
  public static List<int[]> batches(List<Encoding> enc, int tokenBudget, int maxBatchSize,
      boolean parallel) {
    if (parallel) {
      // At least 16 batches, none below 1024 tokens unless the budget is.
      long total = 0;
      for (Encoding e : enc) total += e.length();
      tokenBudget = (int) Math.max(Math.min(1024, tokenBudget), Math.min(tokenBudget, total / 16));
    }
    return lengthSortedBatches(enc, tokenBudget, maxBatchSize);
  }

  /** Embeds {@code enc} in the given batches (from {@link #lengthSortedBatches}). */
  public List<Embedding> embedBatches(List<Encoding> enc, List<int[]> batches,
      boolean withTokenIds, boolean withTokenVectors, ExecutorService pool) {
    Embedding[] out = new Embedding[enc.size()];
    if (pool == null) {
      for (int[] b : batches) runBatch(enc, b, out, withTokenIds, withTokenVectors);
    } else {
      List<Future<?>> futures = new ArrayList<>();
      for (int[] b : batches) {
        futures.add(pool.submit(() -> runBatch(enc, b, out, withTokenIds, withTokenVectors)));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (InterruptedException e) {
          cancelAll(futures);
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while embedding", e);
        } catch (ExecutionException e) {
          // The call fails as a whole: its other batches would only burn the pool's threads.
          cancelAll(futures);
          if (e.getCause() instanceof RuntimeException re) throw re;
          throw new IllegalStateException("embedding failed", e.getCause());
        }
      }
    }
    return Arrays.asList(out);
  }

  private static void cancelAll(List<Future<?>> futures) {
    for (Future<?> f : futures) f.cancel(true);
  }

  /**
   * Indices of {@code enc} grouped into batches of similar length: sorted by token count, then
   * cut whenever the next text would take a batch past {@code tokenBudget} real tokens or
   * {@code maxBatchSize} texts. A text longer than the budget gets a batch of its own.
   */
  public static List<int[]> lengthSortedBatches(List<Encoding> enc, int tokenBudget,
      int maxBatchSize) {
    int n = enc.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingInt(i -> enc.get(i).length()));
    List<int[]> batches = new ArrayList<>();
    int from = 0;
    int tokens = 0;
    for (int k = 0; k < n; k++) {
      int len = enc.get(order[k]).length();
      if (k > from && (tokens + len > tokenBudget || k - from >= maxBatchSize)) {
        batches.add(slice(order, from, k));
        from = k;
        tokens = 0;
      }
      tokens += len;
    }
    if (from < n) batches.add(slice(order, from, n));
    return batches;
  }

  private static int[] slice(Integer[] a, int from, int to) {
    int[] s = new int[to - from];
    for (int i = from; i < to; i++) s[i - from] = a[i];
    return s;
  }

  private void runBatch(List<Encoding> enc, int[] batch, Embedding[] out, boolean withTokenIds,
      boolean withTokenVectors) {
    Workspace ws = WORKSPACES.get();
    try {
      runBatch(enc, batch, out, withTokenIds, withTokenVectors, ws);
    } finally {
      WORKSPACES.afterBatch(ws); // the pooled results are copies: the buffers may go
    }
  }

  private void runBatch(List<Encoding> enc, int[] batch, Embedding[] out, boolean withTokenIds,
      boolean withTokenVectors, Workspace ws) {
    int b = batch.length;
    int[][] ids = new int[b][];
    int[][] types = new int[b][];
    for (int j = 0; j < b; j++) {
      Encoding e = enc.get(batch[j]);
      if (e.length() > maxLength) {
        throw new IllegalArgumentException("encoding " + batch[j] + " has " + e.length()
            + " tokens; the maximum length is " + maxLength);
      }
      ids[j] = e.ids();
      types[j] = e.typeIds();
    }
    // [CLS] pooling without token vectors needs only the first token out of the last layer.
    boolean clsOnly = head.pooling() == Pooling.CLS && !withTokenVectors;
    HiddenStates h = encoder.forward(ids, types, null, ws, clsOnly);
    for (int j = 0; j < b; j++) {
      Encoding e = enc.get(batch[j]);
      out[batch[j]] = new Embedding(
          head.apply(h, j, promptLength, dimensions, normalize), e.length(), e.truncated(),
          withTokenIds ? e.ids().clone() : null, withTokenVectors ? h.sequence(j) : null);
    }
  }
}
