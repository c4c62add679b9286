package io.corpusencoder.spark.job;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.embed.TextRepair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Reads the corpus into records: id, text, and for a malformed record the reason, its raw content
 * and where it came from. Every input record becomes exactly one record here, good or bad.
 *
 * <p>Ids: the --id-column value when the record has one; otherwise derived from the source and
 * position: "FILE:BYTE_OFFSET" of the line for jsonl and text lines, "FILE" for text files,
 * "FILE:ROW_INDEX" for Parquet, and "FILE#N" (N = the record's index in input order) for CSV and
 * other sources. All are stable for the same input files.
 *
 * <p>CSV is read with a header row and multiLine on, so quoted fields may hold newlines (a CSV
 * file is then parsed whole by one task rather than split).
 *
 * <p>Texts follow {@link TextRepair}'s rule before they become Spark strings (which cannot hold a
 * lone surrogate): jsonl and text lines and text files are decoded from their bytes here, so
 * invalid UTF-8 and lone surrogates in the text are replaced by U+FFFD and the reason kept in
 * {@link #REPAIRED}. Other formats arrive as Spark strings, already decoded by Spark (invalid
 * bytes replaced by U+FFFD unseen, lone surrogates impossible).
 */
public final class CorpusReader {
  public static final String ID = "_ce_id";
  public static final String TEXT = "_ce_text";
  public static final String BAD = "_ce_bad";
  public static final String RAW = "_ce_raw";
  public static final String SOURCE = "_ce_source";
  /** Why TextRepair changed the text (invalid_utf8, lone_surrogate or both); null: untouched. */
  static final String REPAIRED = "_ce_repaired";
  /** Index of the first kept column in a record. */
  static final int KEPT = 6;
  private static final String CORRUPT = "_ce_corrupt";
  private static final String INDEX = "_ce_index";

  private CorpusReader() {}

  public static Dataset<Row> read(SparkSession spark, JobOptions o) {
    String format = o.get("input-format").toLowerCase(java.util.Locale.ROOT);
    // Split as Hadoop splits a path list: a comma inside a glob's braces is part of the glob.
    String[] paths = o.getPaths("input").toArray(String[]::new);
    return switch (format) {
      case "jsonl" -> readLines(spark, o, true);
      case "text" -> o.get("text-unit").equals("file") ? readTextFiles(spark, o)
          : readLines(spark, o, false);
      case "csv" -> fromDataFrame(spark, o, spark.read().option("header", "true")
          .option("multiLine", "true").option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT)
          .schema(csvSchema(spark, paths)).csv(paths), true);
      case "parquet" -> fromDataFrame(spark, o, spark.read().parquet(paths)
          .select(col("*"), col("_metadata.file_path").as(SOURCE),
              col("_metadata.row_index").as(INDEX)), false);
      default -> fromDataFrame(spark, o, spark.read().format(format).load(paths), false);
    };
  }

  /** The schema of records for these options: fixed columns, then the kept ones. */
  static StructType lineSchema(List<String> keep) {
    StructType s = new StructType()
        .add(ID, DataTypes.StringType, false)
        .add(TEXT, DataTypes.StringType, true)
        .add(BAD, DataTypes.StringType, true)
        .add(RAW, DataTypes.StringType, true)
        .add(SOURCE, DataTypes.StringType, false)
        .add(REPAIRED, DataTypes.StringType, true);
    for (String k : keep) s = s.add(k, DataTypes.StringType, true);
    return s;
  }

  /** jsonl or text lines through Hadoop's TextInputFormat, which gives each line's byte offset. */
  private static Dataset<Row> readLines(SparkSession spark, JobOptions o, boolean json) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    @SuppressWarnings("unchecked")
    JavaNewHadoopRDD<LongWritable, Text> lines = (JavaNewHadoopRDD<LongWritable, Text>)
        jsc.newAPIHadoopFile(String.join(",", o.getPaths("input")), TextInputFormat.class, LongWritable.class,
            Text.class, jsc.hadoopConfiguration());
    String idColumn = o.get("id-column");
    String textColumn = o.get("text-column");
    List<String> keep = o.getList("keep-columns");
    JavaRDD<Row> rows = lines.mapPartitionsWithInputSplit((split, it) -> {
      String file = ((FileSplit) split).getPath().toString();
      LineParser parser = new LineParser(json, idColumn, textColumn, keep);
      return new Iterator<Row>() {
        private Row next = advance();

        private Row advance() {
          while (it.hasNext()) {
            Tuple2<LongWritable, Text> t = it.next();
            // The line's bytes, decoded here rather than by Text.toString, to know what was bad.
            TextRepair.Decoded line = TextRepair.decodeUtf8(t._2().getBytes(), 0,
                t._2().getLength());
            if (json && line.text().isBlank()) continue; // blank lines are not records
            return parser.parse(line, file, t._1().get());
          }
          return null;
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public Row next() {
          Row r = next;
          next = advance();
          return r;
        }
      };
    }, true);
    return spark.createDataFrame(rows, lineSchema(keep));
  }

  /** Turns one line into a record; JSON lines are checked field by field. */
  static final class LineParser {
    private static final ObjectMapper JSON =
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final boolean json;
    private final String idColumn;
    private final String textColumn;
    private final List<String> keep;

    LineParser(boolean json, String idColumn, String textColumn, List<String> keep) {
      this.json = json;
      this.idColumn = idColumn;
      this.textColumn = textColumn;
      this.keep = keep;
    }

    /** A line decoded from its bytes, so invalid UTF-8 in the text is flagged. */
    Row parse(TextRepair.Decoded decoded, String file, long offset) {
      String line = decoded.text();
      String source = file + ":" + offset;
      Object[] v = new Object[KEPT + keep.size()];
      v[0] = source;
      v[4] = source;
      if (!json) {
        TextRepair.Repaired t = TextRepair.repair(line, decoded.repaired());
        v[1] = t.text();
        v[5] = t.reason();
        return RowFactory.create(v);
      }
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        return bad(v, line, "not valid JSON: " + e.getOriginalMessage());
      }
      if (node == null || !node.isObject()) {
        return bad(v, line, "expected a JSON object, got " + (node == null ? "nothing"
            : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
      }
      JsonNode id = node.get(idColumn);
      if (id != null && !id.isNull()) v[0] = id.isTextual() ? id.textValue() : id.toString();
      JsonNode text = node.get(textColumn);
      if (text == null) return bad(v, line, "field \"" + textColumn + "\" is missing");
      if (!text.isNull() && !text.isTextual()) {
        return bad(v, line, "field \"" + textColumn + "\" must be a string, got "
            + text.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
      }
      if (!text.isNull()) {
        TextRepair.Repaired t = TextRepair.repairJsonField(decoded, textColumn, text.textValue());
        v[1] = t.text();
        v[5] = t.reason();
      }
      for (int k = 0; k < keep.size(); k++) {
        JsonNode kv = node.get(keep.get(k));
        v[KEPT + k] = kv == null || kv.isNull() ? null : kv.isTextual() ? kv.textValue() : kv.toString();
      }
      return RowFactory.create(v);
    }

    private static Row bad(Object[] v, String raw, String reason) {
      v[1] = null;
      v[2] = reason;
      v[3] = raw;
      return RowFactory.create(v);
    }
  }

  private static Dataset<Row> readTextFiles(SparkSession spark, JobOptions o) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // A fixed minimum, not the cluster's parallelism: the same files give the same partitions.
    // binaryFiles, not wholeTextFiles: the bytes, so TextRepair decodes them and flags bad ones.
    JavaRDD<Row> rows = jsc.binaryFiles(String.join(",", o.getPaths("input")), 16).map(t -> {
      TextRepair.Decoded d = TextRepair.decodeUtf8(t._2().toArray());
      TextRepair.Repaired r = TextRepair.repair(d.text(), d.repaired());
      return RowFactory.create(t._1(), r.text(), null, null, t._1(), r.reason());
    });
    return spark.createDataFrame(rows, lineSchema(List.of()));
  }

  /** A CSV's header row as an all-string schema, plus the corrupt-record column. */
  private static StructType csvSchema(SparkSession spark, String[] paths) {
    StructType header = spark.read().option("header", "true").option("multiLine", "true")
        .csv(paths).schema();
    return header.add(CORRUPT, DataTypes.StringType, true);
  }

  /** Records from a DataFrame source; column problems fail here, before any encoding. */
  private static Dataset<Row> fromDataFrame(SparkSession spark, JobOptions o, Dataset<Row> df,
      boolean csv) {
    String idColumn = o.get("id-column");
    String textColumn = o.get("text-column");
    List<String> fields = Arrays.asList(df.schema().fieldNames());
    if (!fields.contains(textColumn)) {
      throw new IllegalArgumentException("--text-column: the input has no column \"" + textColumn
          + "\"; its columns are " + visible(fields));
    }
    StructField tf = df.schema().apply(textColumn);
    if (!tf.dataType().equals(DataTypes.StringType)) {
      throw new IllegalArgumentException("--text-column: column \"" + textColumn + "\" has type "
          + tf.dataType().simpleString() + "; expected string");
    }
    for (String k : o.getList("keep-columns")) {
      if (!fields.contains(k)) {
        throw new IllegalArgumentException("--keep-columns: the input has no column \"" + k
            + "\"; its columns are " + visible(fields));
      }
    }
    if (!fields.contains(SOURCE)) df = df.withColumn(SOURCE, input_file_name());
    Column derived;
    if (fields.contains(INDEX)) {
      derived = concat(col(SOURCE), lit(":"), col(INDEX).cast("string"));
    } else {
      df = withIndex(spark, df);
      derived = concat(col(SOURCE), lit("#"), col(INDEX).cast("string"));
    }
    Column id = fields.contains(idColumn) ? coalesce(col(idColumn).cast("string"), derived) : derived;
    Column bad = csv
        ? when(col(CORRUPT).isNotNull(), lit("malformed CSV row (wrong number of fields or bad "
            + "quoting)"))
        : lit(null).cast("string");
    Column raw = csv ? col(CORRUPT) : lit(null).cast("string");
    // Spark strings: decoded by Spark already; PartitionEncoder still applies TextRepair (a no-op).
    List<Column> cols = new ArrayList<>(List.of(id.as(ID),
        when(bad.isNull(), col(textColumn)).as(TEXT), bad.as(BAD), raw.as(RAW), col(SOURCE),
        lit(null).cast("string").as(REPAIRED)));
    for (String k : o.getList("keep-columns")) cols.add(col(k));
    return df.select(cols.toArray(new Column[0]));
  }

  private static String visible(List<String> fields) {
    return fields.stream().filter(f -> !f.startsWith("_ce_")).toList().toString();
  }

  /** Adds each row's index in input order (zipWithIndex: stable for the same input files). */
  private static Dataset<Row> withIndex(SparkSession spark, Dataset<Row> df) {
    StructType schema = df.schema().add(INDEX, DataTypes.LongType, false);
    JavaRDD<Row> rows = df.javaRDD().zipWithIndex().map(t -> {
      Object[] v = new Object[t._1().size() + 1];
      for (int i = 0; i < t._1().size(); i++) v[i] = t._1().get(i);
      v[v.length - 1] = t._2();
      return RowFactory.create(v);
    });
    return spark.createDataFrame(rows, schema);
  }
}
