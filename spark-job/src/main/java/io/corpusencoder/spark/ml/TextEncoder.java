package io.corpusencoder.spark.ml;

import io.corpusencoder.core.embed.EmbeddingMetadata;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.EncodeSettings;
import io.corpusencoder.core.embed.EncodedText;
import io.corpusencoder.core.embed.RecordEncoder;
import io.corpusencoder.core.pool.Pooling;
import io.corpusencoder.spark.job.BuildVersion;
import io.corpusencoder.spark.job.OutputSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML Transformer that appends an embedding column (array&lt;float&gt;) for a text column,
 * through the job's own encoder ({@link RecordEncoder}) with the job's settings and defaults
 * ({@link EncodeSettings}): a text longer than maxLength is encoded in chunks and gets the mean
 * of their vectors, L2-normalized when the model normalizes (longText=truncate keeps its first
 * window), so a row's vector is the bits of the job's --doc-vector row and of scripts/embed.sh.
 * Optional columns give each row's n_tokens, truncated and error reason; a row the encoder
 * cannot take (a null text) gets a null vector and its reason, never a failed task. Saved and
 * loaded with its Pipeline (DefaultParamsWritable); the model is referenced by name or path and
 * loaded on the driver when the Transformer runs.
 */
public class TextEncoder extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final EncodeSettings D = EncodeSettings.DEFAULTS;

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> model;
  /** Pooling's option values, then "model" (the model's own): one list, the enum's. */
  private static final String POOLINGS = Pooling.optionValues() + ", model";

  private final Param<String> pooling;
  private final Param<String> normalize;
  private final IntParam maxLength;
  private final IntParam stride;
  private final Param<String> longText;
  private final IntParam batchSize;
  private final IntParam batchTokens;
  private final IntParam sortWindow;
  private final Param<String> prompt;
  private final Param<String> promptText;
  private final IntParam dimensions;
  private final Param<String> nTokensCol;
  private final Param<String> truncatedCol;
  private final Param<String> errorCol;

  public TextEncoder() {
    this(Identifiable$.MODULE$.randomUID("textEncoder"));
  }

  public TextEncoder(String uid) {
    this.uid = uid; // first: each Param records its parent's uid
    inputCol = new Param<>(this, "inputCol", "text column to encode");
    outputCol = new Param<>(this, "outputCol", "embedding column to add");
    model = new Param<>(this, "model", "model short name, Hugging Face directory or .onnx file");
    pooling = new Param<>(this, "pooling", POOLINGS.replace(", ", " | "),
        ParamValidators.inArray(POOLINGS.split(", ")));
    normalize = new Param<>(this, "normalize", "true | false | model",
        ParamValidators.inArray(new String[] {"true", "false", "model"}));
    maxLength = new IntParam(this, "maxLength", "tokens per chunk, special tokens included "
        + "(0 = the model's)", ParamValidators.gtEq(0));
    stride = new IntParam(this, "stride", "tokens shared by consecutive chunks of a long text",
        ParamValidators.gtEq(0));
    longText = new Param<>(this, "longText", "texts longer than maxLength: chunk (the mean of "
        + "their chunks' vectors) | truncate (the first window, flagged truncated)",
        ParamValidators.inArray(new String[] {"chunk", "truncate"}));
    batchSize = new IntParam(this, "batchSize", "texts (chunks) per forward pass at most",
        ParamValidators.gtEq(1));
    batchTokens = new IntParam(this, "batchTokens", "real tokens per forward pass at most",
        ParamValidators.gtEq(1));
    sortWindow = new IntParam(this, "sortWindow", "rows buffered per task and sorted by length "
        + "before batching", ParamValidators.gtEq(1));
    prompt = new Param<>(this, "prompt", "a prompt the model declares "
        + "(config_sentence_transformers.json, e.g. query, passage) put before every text | "
        + "model (its default_prompt_name; none if it has none) | none");
    promptText = new Param<>(this, "promptText", "a prompt's text put before every text, e.g. "
        + "\"query: \" (instead of prompt; empty: not given)");
    dimensions = new IntParam(this, "dimensions", "keep the first N values of each vector "
        + "(Matryoshka), re-normalized when the model normalizes (0 = all)",
        ParamValidators.gtEq(0));
    nTokensCol = new Param<>(this, "nTokensCol", "column for the tokens the model saw over all "
        + "chunks, special tokens included (empty: none)");
    truncatedCol = new Param<>(this, "truncatedCol", "column saying whether the text was cut "
        + "(longText=truncate only; empty: none)");
    errorCol = new Param<>(this, "errorCol", "column for why a row got no vector (null when it "
        + "got one; empty: none)");
    setDefault(inputCol, "text");
    setDefault(outputCol, "embedding");
    setDefault(model, "all-minilm-l6-v2");
    setDefault(pooling, D.pooling());
    setDefault(normalize, D.normalize());
    setDefault(maxLength, D.maxLength());
    setDefault(stride, D.stride());
    setDefault(longText, D.longText().optionValue());
    setDefault(batchSize, D.batchSize());
    setDefault(batchTokens, D.batchTokens());
    setDefault(sortWindow, D.sortWindow());
    setDefault(prompt, D.prompt());
    setDefault(promptText, D.promptText());
    setDefault(dimensions, D.dimensions());
    setDefault(nTokensCol, "");
    setDefault(truncatedCol, "");
    setDefault(errorCol, "");
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> model() {
    return model;
  }

  public Param<String> pooling() {
    return pooling;
  }

  public Param<String> normalize() {
    return normalize;
  }

  public IntParam maxLength() {
    return maxLength;
  }

  public IntParam stride() {
    return stride;
  }

  public Param<String> longText() {
    return longText;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam batchTokens() {
    return batchTokens;
  }

  public IntParam sortWindow() {
    return sortWindow;
  }

  public Param<String> prompt() {
    return prompt;
  }

  public Param<String> promptText() {
    return promptText;
  }

  public IntParam dimensions() {
    return dimensions;
  }

  public Param<String> nTokensCol() {
    return nTokensCol;
  }

  public Param<String> truncatedCol() {
    return truncatedCol;
  }

  public Param<String> errorCol() {
    return errorCol;
  }

  public TextEncoder setInputCol(String v) {
    set(inputCol, v);
    return this;
  }

  public TextEncoder setOutputCol(String v) {
    set(outputCol, v);
    return this;
  }

  public TextEncoder setModel(String v) {
    set(model, v);
    return this;
  }

  public TextEncoder setPooling(String v) {
    set(pooling, v);
    return this;
  }

  public TextEncoder setNormalize(String v) {
    set(normalize, v);
    return this;
  }

  public TextEncoder setMaxLength(int v) {
    set(maxLength, v);
    return this;
  }

  public TextEncoder setStride(int v) {
    set(stride, v);
    return this;
  }

  public TextEncoder setLongText(String v) {
    set(longText, v);
    return this;
  }

  public TextEncoder setBatchSize(int v) {
    set(batchSize, v);
    return this;
  }

  public TextEncoder setBatchTokens(int v) {
    set(batchTokens, v);
    return this;
  }

  public TextEncoder setSortWindow(int v) {
    set(sortWindow, v);
    return this;
  }

  public TextEncoder setPrompt(String v) {
    set(prompt, v);
    return this;
  }

  public TextEncoder setPromptText(String v) {
    set(promptText, v);
    return this;
  }

  public TextEncoder setDimensions(int v) {
    set(dimensions, v);
    return this;
  }

  public TextEncoder setNTokensCol(String v) {
    set(nTokensCol, v);
    return this;
  }

  public TextEncoder setTruncatedCol(String v) {
    set(truncatedCol, v);
    return this;
  }

  public TextEncoder setErrorCol(String v) {
    set(errorCol, v);
    return this;
  }

  /** The encoding settings these Params give (the job's options, camelCased). */
  public EncodeSettings encodeSettings() {
    return D.withPooling($(pooling)).withNormalize($(normalize))
        .withMaxLength((Integer) $(maxLength)).withStride((Integer) $(stride))
        .withLongText(EncodeSettings.LongText.parse($(longText), "TextEncoder longText"))
        .withBatchSize((Integer) $(batchSize)).withBatchTokens((Integer) $(batchTokens))
        .withSortWindow((Integer) $(sortWindow)).withPrompt($(prompt))
        .withPromptText($(promptText)).withDimensions((Integer) $(dimensions));
  }

  /** The columns this adds: outputCol, then those of nTokensCol, truncatedCol, errorCol set. */
  private List<StructField> addedFields() {
    List<StructField> f = new ArrayList<>();
    f.add(new StructField($(outputCol), new ArrayType(DataTypes.FloatType, false), true,
        new MetadataBuilder().putString("model", $(model)).build()));
    if (!$(nTokensCol).isEmpty()) {
      f.add(new StructField($(nTokensCol), DataTypes.IntegerType, true,
          org.apache.spark.sql.types.Metadata.empty()));
    }
    if (!$(truncatedCol).isEmpty()) {
      f.add(new StructField($(truncatedCol), DataTypes.BooleanType, true,
          org.apache.spark.sql.types.Metadata.empty()));
    }
    if (!$(errorCol).isEmpty()) {
      f.add(new StructField($(errorCol), DataTypes.StringType, true,
          org.apache.spark.sql.types.Metadata.empty()));
    }
    return f;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String in = $(inputCol);
    List<String> columns = List.of(schema.fieldNames());
    if (!columns.contains(in)) {
      throw new IllegalArgumentException("TextEncoder inputCol \"" + in + "\" is not a column; "
          + "columns are " + columns);
    }
    if (!schema.apply(in).dataType().equals(DataTypes.StringType)) {
      throw new IllegalArgumentException("TextEncoder inputCol \"" + in + "\" has type "
          + schema.apply(in).dataType().simpleString() + "; expected string");
    }
    List<String> added = new ArrayList<>();
    for (Param<String> p : List.of(outputCol, nTokensCol, truncatedCol, errorCol)) {
      String name = $(p);
      if (name.isEmpty()) continue;
      if (columns.contains(name)) {
        throw new IllegalArgumentException("TextEncoder " + p.name() + " \"" + name
            + "\" already exists");
      }
      if (added.contains(name)) {
        throw new IllegalArgumentException("TextEncoder " + p.name() + " \"" + name + "\" is also "
            + "another column this adds");
      }
      added.add(name);
    }
    if ($(outputCol).isEmpty()) {
      throw new IllegalArgumentException("TextEncoder outputCol is empty; expected a column name");
    }
    StructType out = schema;
    for (StructField f : addedFields()) out = out.add(f);
    return out;
  }

  /** The configured model, resolved (see {@link DriverModels} for how long it stays loaded). */
  EmbeddingModel resolvedModel() {
    return encodeSettings().resolve(DriverModels.load($(model)), n -> "TextEncoder "
        + camelCase(n));
  }

  private static String camelCase(String option) {
    StringBuilder b = new StringBuilder();
    boolean up = false;
    for (char c : option.toCharArray()) {
      if (c == '-') {
        up = true;
      } else {
        b.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return b.toString();
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outSchema = transformSchema(dataset.schema());
    EmbeddingModel m = resolvedModel();
    EncodeSettings settings = encodeSettings();
    String out = $(outputCol);
    var md = OutputSchema.embeddingMetadata(
        EmbeddingMetadata.fields(m, settings, BuildVersion.current()));
    outSchema = new StructType(java.util.Arrays.stream(outSchema.fields())
        .map(x -> x.name().equals(out) ? new StructField(out, x.dataType(), true, md) : x)
        .toArray(StructField[]::new));
    Broadcast<EmbeddingModel> b =
        DriverModels.broadcast(dataset.sparkSession().sparkContext(), m);
    int col = dataset.schema().fieldIndex($(inputCol));
    return dataset.toDF().mapPartitions(
            new AppendEmbedding(b, settings, col, !$(nTokensCol).isEmpty(),
                !$(truncatedCol).isEmpty(), !$(errorCol).isEmpty()),
            Encoders.row(outSchema))
        .withMetadata(out, md);
  }

  @Override
  public TextEncoder copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<TextEncoder> read() {
    return new DefaultParamsReader<>();
  }

  public static TextEncoder load(String path) {
    return read().load(path);
  }

  /**
   * Each text's result from {@code encode} over the whole window; when the window fails as a
   * whole, each text is encoded alone, so only the texts that fail get an error (their reason:
   * the exception's class and message) and the task goes on.
   */
  static List<EncodedText> encodeOrIsolate(Function<List<String>, List<EncodedText>> encode,
      List<String> texts) {
    try {
      return encode.apply(texts);
    } catch (RuntimeException whole) {
      List<EncodedText> out = new ArrayList<>(texts.size());
      for (String t : texts) {
        try {
          out.add(encode.apply(java.util.Collections.singletonList(t)).get(0));
        } catch (RuntimeException e) {
          out.add(new EncodedText(List.of(), null, 0, false, false, null,
              e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
      }
      return out;
    }
  }

  /** Appends each row's vector (and the optional columns), a sort window of rows at a time. */
  static final class AppendEmbedding implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<EmbeddingModel> model;
    private final EncodeSettings settings;
    private final int col;
    private final boolean nTokens;
    private final boolean truncated;
    private final boolean error;

    AppendEmbedding(Broadcast<EmbeddingModel> model, EncodeSettings settings, int col,
        boolean nTokens, boolean truncated, boolean error) {
      this.model = model;
      this.settings = settings;
      this.col = col;
      this.nTokens = nTokens;
      this.truncated = truncated;
      this.error = error;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
      RecordEncoder encoder = new RecordEncoder(model.value(), settings);
      return new Iterator<>() {
        private Iterator<Row> ready = java.util.Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!ready.hasNext() && input.hasNext()) ready = window();
          return ready.hasNext();
        }

        @Override
        public Row next() {
          if (!hasNext()) throw new java.util.NoSuchElementException();
          return ready.next();
        }

        private Iterator<Row> window() {
          List<Row> rows = new ArrayList<>();
          List<String> texts = new ArrayList<>();
          while (rows.size() < settings.sortWindow() && input.hasNext()) {
            Row r = input.next();
            rows.add(r);
            // TextRepair runs in the encoder: a Spark string holds nothing it would change.
            texts.add(r.isNullAt(col) ? null : r.getString(col));
          }
          List<EncodedText> e = encodeOrIsolate(t -> encoder.encode(t).texts(), texts);
          List<Row> out = new ArrayList<>(rows.size());
          int extra = 1 + (nTokens ? 1 : 0) + (truncated ? 1 : 0) + (error ? 1 : 0);
          for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            EncodedText t = e.get(i);
            Object[] v = new Object[r.size() + extra];
            for (int k = 0; k < r.size(); k++) v[k] = r.get(k);
            int k = r.size();
            v[k++] = t.failed() ? null : boxed(t.vector());
            if (nTokens) v[k++] = t.failed() ? null : t.nTokens();
            if (truncated) v[k++] = t.failed() ? null : t.truncated();
            if (error) v[k] = t.error();
            out.add(RowFactory.create(v));
          }
          return out.iterator();
        }
      };
    }

    private static Float[] boxed(float[] vec) {
      Float[] b = new Float[vec.length];
      for (int k = 0; k < vec.length; k++) b[k] = vec[k];
      return b;
    }
  }
}
