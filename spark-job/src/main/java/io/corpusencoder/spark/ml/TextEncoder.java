package io.corpusencoder.spark.ml;

import io.corpusencoder.core.embed.Embedding;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.TextRepair;
import io.corpusencoder.core.pool.Pooling;
import io.corpusencoder.core.tokenize.Encoding;
import io.corpusencoder.spark.job.OutputSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * with the same encoder as the job (texts longer than maxLength are truncated; null texts get the
 * empty text's vector). Saved and loaded with its Pipeline (DefaultParamsWritable); the model is
 * referenced by name or path, and loaded on the driver when the Transformer runs. Texts go through
 * {@link TextRepair} as in every door; a Spark string column cannot hold what it repairs (Spark
 * decoded its bytes and turns lone surrogates into '?'), so here it changes nothing.
 */
public class TextEncoder extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> model;
  private final Param<String> pooling;
  private final Param<String> normalize;
  private final IntParam maxLength;
  private final IntParam batchSize;
  private final IntParam batchTokens;

  public TextEncoder() {
    this(Identifiable$.MODULE$.randomUID("textEncoder"));
  }

  public TextEncoder(String uid) {
    this.uid = uid; // first: each Param records its parent's uid
    inputCol = new Param<>(this, "inputCol", "text column to encode");
    outputCol = new Param<>(this, "outputCol", "embedding column to add");
    model = new Param<>(this, "model", "model short name, Hugging Face directory or .onnx file");
    pooling = new Param<>(this, "pooling", "mean | cls | max | model",
        ParamValidators.inArray(new String[] {"mean", "cls", "max", "model"}));
    normalize = new Param<>(this, "normalize", "true | false | model",
        ParamValidators.inArray(new String[] {"true", "false", "model"}));
    maxLength = new IntParam(this, "maxLength", "tokens per text (0 = the model's)",
        ParamValidators.gtEq(0));
    batchSize = new IntParam(this, "batchSize", "texts per forward pass", ParamValidators.gtEq(1));
    batchTokens = new IntParam(this, "batchTokens", "real tokens per forward pass",
        ParamValidators.gtEq(1));
    setDefault(inputCol, "text");
    setDefault(outputCol, "embedding");
    setDefault(model, "all-minilm-l6-v2");
    setDefault(pooling, "model");
    setDefault(normalize, "model");
    setDefault(maxLength, 0);
    setDefault(batchSize, 64);
    setDefault(batchTokens, 4096);
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

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam batchTokens() {
    return batchTokens;
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

  public TextEncoder setBatchSize(int v) {
    set(batchSize, v);
    return this;
  }

  public TextEncoder setBatchTokens(int v) {
    set(batchTokens, v);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String in = $(inputCol);
    String out = $(outputCol);
    if (!List.of(schema.fieldNames()).contains(in)) {
      throw new IllegalArgumentException("TextEncoder inputCol \"" + in + "\" is not a column; "
          + "columns are " + List.of(schema.fieldNames()));
    }
    if (!schema.apply(in).dataType().equals(DataTypes.StringType)) {
      throw new IllegalArgumentException("TextEncoder inputCol \"" + in + "\" has type "
          + schema.apply(in).dataType().simpleString() + "; expected string");
    }
    if (List.of(schema.fieldNames()).contains(out)) {
      throw new IllegalArgumentException("TextEncoder outputCol \"" + out + "\" already exists");
    }
    return schema.add(new StructField(out, new ArrayType(DataTypes.FloatType, false), false,
        new MetadataBuilder().putString("model", $(model)).build()));
  }

  /** The configured model (see {@link DriverModels} for how long it stays loaded). */
  EmbeddingModel resolvedModel() {
    EmbeddingModel m = DriverModels.load($(model));
    if (!$(pooling).equals("model")) m = m.withPooling(Pooling.parse($(pooling), "pooling"));
    if (!$(normalize).equals("model")) m = m.withNormalize(Boolean.parseBoolean($(normalize)));
    if ((Integer) $(maxLength) > 0) m = m.withMaxLength((Integer) $(maxLength));
    return m;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outSchema = transformSchema(dataset.schema());
    EmbeddingModel m = resolvedModel();
    StructField f = outSchema.apply($(outputCol));
    outSchema = new StructType(java.util.Arrays.stream(outSchema.fields())
        .map(x -> x.name().equals(f.name()) ? new StructField(f.name(), f.dataType(), false,
            OutputSchema.identityMetadata(m.identity()).putLong("dimension", m.dimension())
                .putString("pooling", m.pooling().name().toLowerCase(java.util.Locale.ROOT))
                .putBoolean("normalize", m.normalize()).putLong("max_length", m.maxLength())
                .build()) : x)
        .toArray(StructField[]::new));
    Broadcast<EmbeddingModel> b =
        DriverModels.broadcast(dataset.sparkSession().sparkContext(), m);
    int col = dataset.schema().fieldIndex($(inputCol));
    return dataset.toDF().mapPartitions(
            new AppendEmbedding(b, col, (Integer) $(batchSize), (Integer) $(batchTokens)),
            Encoders.row(outSchema))
        .withMetadata($(outputCol), outSchema.apply($(outputCol)).metadata());
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

  /** Appends each row's embedding, a window of rows at a time. */
  static final class AppendEmbedding implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private static final int WINDOW = 1024;
    private final Broadcast<EmbeddingModel> model;
    private final int col;
    private final int batchSize;
    private final int batchTokens;

    AppendEmbedding(Broadcast<EmbeddingModel> model, int col, int batchSize, int batchTokens) {
      this.model = model;
      this.col = col;
      this.batchSize = batchSize;
      this.batchTokens = batchTokens;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
      EmbeddingModel m = model.value();
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
          List<Encoding> enc = new ArrayList<>();
          while (rows.size() < WINDOW && input.hasNext()) {
            Row r = input.next();
            rows.add(r);
            enc.add(m.tokenize(r.isNullAt(col) ? "" : TextRepair.repair(r.getString(col)).text()));
          }
          List<Embedding> e = m.embedEncodings(enc, false, false, null, batchTokens, batchSize);
          List<Row> out = new ArrayList<>(rows.size());
          for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Object[] v = new Object[r.size() + 1];
            for (int k = 0; k < r.size(); k++) v[k] = r.get(k);
            float[] vec = e.get(i).vector();
            Float[] boxed = new Float[vec.length];
            for (int k = 0; k < vec.length; k++) boxed[k] = vec[k];
            v[r.size()] = boxed;
            out.add(RowFactory.create(v));
          }
          return out.iterator();
        }
      };
    }
  }
}
