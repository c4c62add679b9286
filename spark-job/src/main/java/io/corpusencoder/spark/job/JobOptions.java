package io.corpusencoder.spark.job;

import static io.corpusencoder.core.cli.OptionSpec.bool;
import static io.corpusencoder.core.cli.OptionSpec.checked;
import static io.corpusencoder.core.cli.OptionSpec.choice;
import static io.corpusencoder.core.cli.OptionSpec.text;

import io.corpusencoder.core.cli.CommandLine;
import io.corpusencoder.core.cli.EncodeOptions;
import io.corpusencoder.core.cli.OptionSpec;
import io.corpusencoder.core.embed.EncodeSettings;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The job's options, resolved from (lowest to highest precedence) the defaults, a --conf
 * properties file, Spark conf spark.corpusencoder.NAME, and --NAME VALUE on the command line.
 * Every value is validated here, before any Spark work starts.
 */
public final class JobOptions implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String SPARK_PREFIX = "spark.corpusencoder.";

  /** Every option, in the order --help and conf/encoder.properties list them. */
  static final List<OptionSpec> SPECS = List.of(
      checked("input", "", "input path(s), comma-separated: files, directories or Hadoop globs "
          + "(a comma inside braces, {a,b}, is part of the glob) (required)",
          JobOptions::bracesBalance, "paths separated by commas, each brace { closed by }"),
      checked("input-format", "jsonl", "jsonl | text | csv | parquet | any Spark source name "
          + "(json, orc, avro...)", s -> s.matches("[A-Za-z][A-Za-z0-9_.]*"), "a format name"),
      choice("text-unit", "line", "for --input-format text: one document per line or per file",
          "line", "file"),
      text("output", "", "output directory (required)"),
      choice("output-format", "parquet", "parquet | jsonl", "parquet", "jsonl"),
      choice("save-mode", "error", "when the output exists: error | overwrite | append",
          "error", "overwrite", "append"),
      text("model", "all-minilm-l6-v2", "short name (all-minilm-l6-v2, bge-small-en-v1.5, "
          + "e5-small-v2, all-mpnet-base-v2), Hugging Face model directory, or .onnx file"),
      text("id-column", "id", "column holding record ids; records without one get a derived id"),
      text("text-column", "text", "column holding the text to encode"),
      text("keep-columns", "", "comma-separated input columns copied to every output row"),
      EncodeOptions.MAX_LENGTH,
      EncodeOptions.STRIDE,
      EncodeOptions.LONG_TEXT,
      EncodeOptions.DOC_VECTOR,
      EncodeOptions.POOLING,
      EncodeOptions.NORMALIZE,
      EncodeOptions.PROMPT,
      EncodeOptions.PROMPT_TEXT,
      EncodeOptions.DIMENSIONS,
      EncodeOptions.TOKEN_VECTORS,
      choice("embedding-type", "array", "embedding column type: array (array<float>) | vector "
          + "(Spark ML vector)", "array", "vector"),
      EncodeOptions.BATCH_SIZE,
      EncodeOptions.BATCH_TOKENS,
      EncodeOptions.SORT_WINDOW,
      checked("partitions", "0", "repartition the input into N work partitions (0 = sized by "
          + "the work, see --slice-seconds)", OptionSpec::isNonNegativeInt,
          "a non-negative integer"),
      checked("slice-partitions", "0", "work partitions per committed slice of output, the unit "
          + "--resume skips (0 = sized by the work; 4 per task slot when --partitions is given)",
          OptionSpec::isNonNegativeInt, "a non-negative integer"),
      checked("slice-seconds", "60", "with --partitions 0 and --slice-partitions 0: cut the work "
          + "into slices of about this many seconds each, at the rate the driver measures on a "
          + "sample", OptionSpec::isPositiveInt, "a positive integer"),
      bool("resume", "false", "finish a job that was killed part-way: only slices without "
          + "committed output are encoded"),
      checked("max-bad-fraction", "0.05", "fail the job when more than this fraction of records "
          + "is malformed", OptionSpec::isFraction, "a number between 0 and 1"),
      text("master", "", "Spark master (default: spark-submit's, else local[*])"),
      text("conf", "", "a properties file of these options (as conf/encoder.properties)"));

  private static final CommandLine COMMAND_LINE = new CommandLine(SPECS);

  private final Map<String, String> values;

  /** The declaration of option {@code name} (other doors taking the job's options reuse it). */
  public static OptionSpec spec(String name) {
    return COMMAND_LINE.spec(name);
  }

  private JobOptions(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** Parses and validates; {@code sparkConf} holds spark.* settings (may be empty). */
  public static JobOptions parse(String[] args, Map<String, String> sparkConf) throws IOException {
    Map<String, String> cli = COMMAND_LINE.given(args);
    Map<String, String> resolved = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    for (OptionSpec s : SPECS) {
      resolved.put(s.name(), s.defaultValue());
      origin.put(s.name(), "default");
    }
    String confFile = cli.getOrDefault("conf", sparkConf.getOrDefault(SPARK_PREFIX + "conf", ""));
    if (!confFile.isEmpty()) {
      Path p = Paths.get(confFile);
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("--conf: " + confFile + " does not exist");
      }
      Properties props = new Properties();
      try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
        props.load(r);
      }
      for (String key : props.stringPropertyNames()) {
        String name = key.startsWith(SPARK_PREFIX) ? key.substring(SPARK_PREFIX.length()) : key;
        if (COMMAND_LINE.spec(name) == null || name.equals("conf")) throw unknown(name, confFile);
        if (props.getProperty(key).isBlank()) continue; // an empty value leaves the option unset
        resolved.put(name, COMMAND_LINE.spec(name).clean(props.getProperty(key)));
        origin.put(name, confFile);
      }
    }
    for (Map.Entry<String, String> e : sparkConf.entrySet()) {
      if (!e.getKey().startsWith(SPARK_PREFIX)) continue;
      String name = e.getKey().substring(SPARK_PREFIX.length());
      if (COMMAND_LINE.spec(name) == null) throw unknown(name, "Spark conf " + e.getKey());
      resolved.put(name, COMMAND_LINE.spec(name).clean(e.getValue()));
      origin.put(name, "Spark conf " + e.getKey());
    }
    for (Map.Entry<String, String> e : cli.entrySet()) {
      resolved.put(e.getKey(), COMMAND_LINE.spec(e.getKey()).clean(e.getValue()));
      origin.put(e.getKey(), "command line");
    }
    for (OptionSpec s : SPECS) {
      String v = resolved.get(s.name());
      if (!v.isEmpty()) resolved.put(s.name(), s.validate(v, origin.get(s.name())));
    }
    for (String required : List.of("input", "output")) {
      if (resolved.get(required).isEmpty()) {
        throw new IllegalArgumentException("--" + required + " is required");
      }
    }
    return new JobOptions(resolved);
  }

  private static IllegalArgumentException unknown(String name, String where) {
    return COMMAND_LINE.unknown(name, where);
  }

  /** --help text, generated from the option table. */
  static String help() {
    return COMMAND_LINE.help("usage: scripts/encode.sh [--input PATH --output DIR] "
        + "[--name value ...]\n       spark-submit --class io.corpusencoder.spark.job.EncodeJob "
        + "spark-job-job.jar --input PATH --output DIR [--name value ...]\n\n"
        + "Options are written --name value or --name=value; a true|false option given alone "
        + "means true.\nEach option can also be set as Spark conf spark.corpusencoder.NAME or in "
        + "a --conf file;\nthe command line wins, then Spark conf, then the file, then the "
        + "default.\n\n");
  }

  public String get(String name) {
    if (COMMAND_LINE.spec(name) == null) throw new IllegalArgumentException("no option " + name);
    return values.get(name);
  }

  public int getInt(String name) {
    return Integer.parseInt(get(name));
  }

  public boolean getBool(String name) {
    return Boolean.parseBoolean(get(name));
  }

  public double getDouble(String name) {
    return Double.parseDouble(get(name));
  }

  /** A comma-separated option as a list (empty entries dropped). */
  public List<String> getList(String name) {
    String v = get(name);
    if (v.isEmpty()) return List.of();
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * A comma-separated list of paths as Hadoop splits one (FileInputFormat): commas inside braces
   * belong to a glob ({@code data/{a,b}/*.jsonl} is one path); entries trimmed, empty ones dropped.
   */
  public List<String> getPaths(String name) {
    return splitPaths(get(name));
  }

  static List<String> splitPaths(String v) {
    List<String> out = new java.util.ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i <= v.length(); i++) {
      char c = i < v.length() ? v.charAt(i) : ',';
      if (c == '{') depth++;
      if (c == '}' && depth > 0) depth--;
      if (c == ',' && depth == 0) {
        String p = v.substring(from, i).trim();
        if (!p.isEmpty()) out.add(p);
        from = i + 1;
      }
    }
    return out;
  }

  private static boolean bracesBalance(String v) {
    int depth = 0;
    for (char c : v.toCharArray()) {
      if (c == '{') depth++;
      if (c == '}' && --depth < 0) return false;
    }
    return depth == 0;
  }

  /** The encoding settings among these options (the model-core model every door shares). */
  public EncodeSettings encodeSettings() {
    return EncodeOptions.settings(this::get);
  }

  /** Every resolved option, for the report. */
  public Map<String, String> asMap() {
    return values;
  }
}
