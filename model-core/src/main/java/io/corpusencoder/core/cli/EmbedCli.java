package io.corpusencoder.core.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.EncodeSettings;
import io.corpusencoder.core.embed.EncodedText;
import io.corpusencoder.core.embed.HfDirectoryWriter;
import io.corpusencoder.core.embed.ModelCatalog;
import io.corpusencoder.core.embed.ModelLoader;
import io.corpusencoder.core.embed.RecordEncoder;
import io.corpusencoder.core.embed.TextRepair;
import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.tokenize.Encoding;
import io.corpusencoder.core.tokenize.Tokenizer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * scripts/embed.sh: JSON lines {"id", "text"} in, one JSON line per record out, through model-core
 * alone (no Spark). A record that cannot be encoded gives {"id", "error"} at its line position and
 * a non-zero exit status at the end; nothing is skipped silently.
 */
public final class EmbedCli {
  /** Every option of scripts/embed.sh; --help is generated from these. */
  static final CommandLine COMMAND_LINE = new CommandLine(List.of(
      OptionSpec.text("model", "", "a short name, a Hugging Face model directory, or an .onnx "
          + "file with tokenizer.json beside it (required)"),
      EncodeOptions.MAX_LENGTH,
      EncodeOptions.POOLING,
      EncodeOptions.NORMALIZE,
      OptionSpec.bool("no-normalize", "false", "the same as --normalize false (kept for "
          + "earlier command lines)"),
      EncodeOptions.STRIDE,
      EncodeOptions.LONG_TEXT,
      EncodeOptions.BATCH_SIZE,
      EncodeOptions.BATCH_TOKENS,
      EncodeOptions.SORT_WINDOW,
      EncodeOptions.PROMPT,
      EncodeOptions.PROMPT_TEXT,
      EncodeOptions.DIMENSIONS,
      OptionSpec.bool("with-token-ids", "false", "also write \"token_ids\" (a text of several "
          + "chunks: \"chunk_token_ids\", one array per chunk)"),
      OptionSpec.bool("tokenize", "false", "tokenize only, no model run: write {\"id\", "
          + "\"token_ids\", \"tokens\", \"offsets\"} per line (offsets: [start, end) in UTF-16 "
          + "units of the text, [0, 0] for the template's special tokens); --model may also be a "
          + "tokenizer.json; without --max-length nothing is truncated, with it the text is "
          + "truncated whatever --long-text says"),
      OptionSpec.text("input", "", "JSON lines {\"id\": ..., \"text\": \"...\"} (default: "
          + "standard input)"),
      OptionSpec.text("output", "", "where to write JSON lines (default: standard output)"),
      OptionSpec.positiveInt("threads", "1", "worker threads, one BLAS thread each"),
      OptionSpec.text("save-model", "", "write the model as a Hugging Face directory "
          + "(safetensors) and exit"),
      OptionSpec.bool("list-models", "false", "print the known model names with their Maven "
          + "coordinates (or cache directory and source) and exit")));

  static final String USAGE_HEAD = """
      usage: scripts/embed.sh --model NAME|PATH [options]

      Options are written --name value or --name=value; a true|false option given alone means
      true. Known model names: %s.

      """;

  static final String USAGE_TAIL = """

      Output, one line per input line: {"id", "model", "embedding": [...], "n_tokens",
      "truncated", "chunks"} (+ "token_ids"), or {"id", "error": "..."} for a record that cannot
      be encoded (exit status 1 at the end). A record without "id" gets its 1-based line number
      as id. A text longer than --max-length is encoded in chunks (n_tokens counts them all) and
      its embedding is their normalized mean, as the Spark job's --doc-vector row and the
      Transformer's vector; --long-text truncate keeps its first window.
      Input is read as UTF-8 bytes: invalid sequences and lone surrogates (JSON "\\ud800") in the
      text become U+FFFD and the line gets "text_repaired": "invalid_utf8" | "lone_surrogate" |
      "invalid_utf8,lone_surrogate", as the Spark job's text_repaired column.
      """;

  static String usage() {
    return COMMAND_LINE.help(USAGE_HEAD.formatted(String.join(", ", ModelCatalog.names())))
        + USAGE_TAIL;
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Parsed command line; {@code settings} has --no-normalize folded in. */
  record Options(String model, EncodeSettings settings, boolean withTokenIds, Path input,
      Path output, int threads, Path saveModel, boolean listModels, boolean help,
      boolean tokenize) {}

  private EmbedCli() {}

  public static void main(String[] args) {
    int status;
    try {
      status = run(args);
    } catch (IllegalArgumentException e) {
      System.err.println("embed: " + e.getMessage());
      System.err.println("run with --help for the options");
      status = 2;
    } catch (IOException | RuntimeException e) {
      System.err.println("embed: " + e.getMessage());
      status = 2;
    }
    System.exit(status);
  }

  /** Runs the tool; returns the exit status (0 all records encoded, 1 some failed). */
  public static int run(String[] args) throws IOException {
    Options o = parse(args);
    if (o.help()) {
      System.out.print(usage());
      return 0;
    }
    if (o.listModels()) {
      for (ModelCatalog.Entry e : ModelCatalog.ENTRIES) {
        System.out.println(e.name() + "\t" + e.coordinates());
      }
      for (ModelCatalog.CachedEntry e : ModelCatalog.CACHED) {
        System.out.println(e.name() + "\t" + e.path() + " (" + e.source() + ")");
      }
      return 0;
    }
    if (o.saveModel() != null) {
      ModelLoader.Loaded parts = ModelLoader.loadParts(o.model());
      HfDirectoryWriter.write(parts, o.saveModel());
      System.err.println("embed: wrote " + o.model() + " to " + o.saveModel());
      return 0;
    }
    if (o.input() != null && !Files.isRegularFile(o.input())) {
      throw new IllegalArgumentException("--input: " + o.input() + " does not exist");
    }
    if (o.tokenize()) {
      Tokenizer tokenizer = ModelLoader.loadTokenizer(o.model());
      try (BufferedReader in = reader(o.input()); Writer out = writer(o.output())) {
        int max = o.settings().maxLength();
        return tokenizeAll(tokenizer, max == 0 ? null : max, in, out);
      }
    }
    RecordEncoder encoder = new RecordEncoder(ModelLoader.load(o.model()), o.settings());
    EmbeddingModel model = encoder.model();
    System.err.println("embed: model " + model.name() + " (" + model.dimension() + " dims, "
        + model.head().describe() + " pooling, normalize=" + model.normalize()
        + (model.prompt().isEmpty() ? "" : ", prompt \"" + model.prompt() + "\"")
        + ", max length " + model.maxLength() + ", long texts: "
        + o.settings().longText().optionValue() + ", BLAS " + Blas.implementation() + ")");
    ExecutorService pool = o.threads() > 1 ? Executors.newFixedThreadPool(o.threads()) : null;
    try (BufferedReader in = reader(o.input()); Writer out = writer(o.output())) {
      return process(encoder, in, out, o.withTokenIds(), pool);
    } finally {
      if (pool != null) pool.shutdownNow();
    }
  }

  private static BufferedReader reader(Path input) throws IOException {
    // Bytes, decoded as the Spark job decodes them (TextRepair): invalid UTF-8 becomes U+FFFD.
    return new Utf8LineReader(input == null ? System.in : Files.newInputStream(input));
  }

  private static Writer writer(Path output) throws IOException {
    return output == null
        ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
        : Files.newBufferedWriter(output, StandardCharsets.UTF_8);
  }

  /**
   * --tokenize: each record's tokens with their ids, strings and spans, special tokens included;
   * truncated to {@code maxLength} when given. Returns 1 when any record failed.
   */
  static int tokenizeAll(Tokenizer tokenizer, Integer maxLength, BufferedReader in, Writer out)
      throws IOException {
    long lineNo = 0;
    long failed = 0;
    for (String line; (line = in.readLine()) != null; ) {
      Record r = parse(in instanceof Utf8LineReader u ? u.lastLine()
          : TextRepair.Decoded.of(line), ++lineNo);
      StringWriter buf = new StringWriter();
      try (JsonGenerator g = JSON.getFactory().createGenerator(buf)) {
        g.writeStartObject();
        g.writeFieldName("id");
        if (r.id() == null) g.writeNull(); else g.writeTree(r.id());
        Encoding e = null;
        String error = r.error();
        if (error == null) {
          try {
            if (maxLength == null) {
              Encoding content = tokenizer.tokenize(r.text());
              e = tokenizer.withSpecialTokens(r.text(), content, 0, content.length(), false);
            } else {
              e = tokenizer.encode(r.text(), maxLength);
            }
          } catch (IllegalArgumentException ex) {
            error = "line " + lineNo + ": " + ex.getMessage();
          }
        }
        if (error != null) {
          g.writeStringField("error", error);
          failed++;
        } else {
          g.writeArrayFieldStart("token_ids");
          for (int id : e.ids()) g.writeNumber(id);
          g.writeEndArray();
          g.writeArrayFieldStart("tokens");
          for (int id : e.ids()) g.writeString(tokenizer.token(id));
          g.writeEndArray();
          g.writeArrayFieldStart("offsets");
          for (int t = 0; t < e.length(); t++) {
            g.writeStartArray();
            g.writeNumber(e.starts()[t]);
            g.writeNumber(e.ends()[t]);
            g.writeEndArray();
          }
          g.writeEndArray();
          g.writeBooleanField("truncated", e.truncated());
          if (r.repaired() != null) g.writeStringField("text_repaired", r.repaired());
        }
        g.writeEndObject();
      }
      out.write(buf.toString());
      out.write('\n');
    }
    out.flush();
    System.err.println("embed: " + lineNo + " records tokenized, " + failed + " failed");
    return failed == 0 ? 0 : 1;
  }

  /**
   * Streams records through the encoder a sort window at a time; returns 1 when any record
   * failed.
   */
  static int process(RecordEncoder encoder, BufferedReader in, Writer out, boolean withTokenIds,
      ExecutorService pool) throws IOException {
    long lineNo = 0;
    long failed = 0;
    long written = 0;
    int window = encoder.settings().sortWindow();
    List<Record> chunk = new ArrayList<>();
    for (String line; (line = in.readLine()) != null; ) {
      chunk.add(parse(in instanceof Utf8LineReader u ? u.lastLine()
          : TextRepair.Decoded.of(line), ++lineNo));
      if (chunk.size() == window) {
        failed += flush(encoder, chunk, out, withTokenIds, pool);
        written += chunk.size();
        chunk.clear();
      }
    }
    failed += flush(encoder, chunk, out, withTokenIds, pool);
    written += chunk.size();
    out.flush();
    System.err.println("embed: " + written + " records, " + (written - failed) + " encoded, "
        + failed + " failed");
    return failed == 0 ? 0 : 1;
  }

  /**
   * One input line: its id and text (after {@link TextRepair}, with the reason when it repaired
   * it), or the reason it cannot be encoded.
   */
  record Record(JsonNode id, String text, String error, String repaired, long lineNo) {
    Record(JsonNode id, String text, String error) {
      this(id, text, error, null, 0);
    }
  }

  static Record parse(String line, long lineNo) {
    return parse(TextRepair.Decoded.of(line), lineNo);
  }

  /** A line as decoded from bytes, so invalid UTF-8 in the text is flagged. */
  static Record parse(TextRepair.Decoded decoded, long lineNo) {
    String line = decoded.text();
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return new Record(null, null, "line " + lineNo + ": not valid JSON: "
          + e.getOriginalMessage());
    }
    if (node == null || node.isMissingNode() || !node.isObject()) {
      return new Record(null, null, "line " + lineNo + ": expected a JSON object {\"id\", \"text\"}");
    }
    JsonNode id = node.has("id") ? node.get("id") : JSON.getNodeFactory().numberNode(lineNo);
    JsonNode text = node.get("text");
    if (text == null || text.isNull()) {
      return new Record(id, null, "line " + lineNo + ": field \"text\" is missing or null");
    }
    if (!text.isTextual()) {
      return new Record(id, null, "line " + lineNo + ": field \"text\" must be a string, got "
          + text.getNodeType().name().toLowerCase());
    }
    TextRepair.Repaired t = TextRepair.repairJsonField(decoded, "text", text.textValue());
    return new Record(id, t.text(), null, t.reason(), lineNo);
  }

  private static int flush(RecordEncoder encoder, List<Record> chunk, Writer out,
      boolean withTokenIds, ExecutorService pool) throws IOException {
    List<String> texts = new ArrayList<>();
    for (Record r : chunk) if (r.error() == null) texts.add(r.text());
    List<EncodedText> embs = texts.isEmpty() ? List.of() : encoder.encode(texts, pool).texts();
    String name = encoder.model().name();
    int k = 0;
    int failed = 0;
    for (Record r : chunk) {
      StringWriter line = new StringWriter();
      try (JsonGenerator g = JSON.getFactory().createGenerator(line)) {
        g.writeStartObject();
        g.writeFieldName("id");
        if (r.id() == null) g.writeNull(); else g.writeTree(r.id());
        EncodedText e = r.error() == null ? embs.get(k++) : null;
        String error = r.error() != null ? r.error()
            : e.failed() ? "line " + r.lineNo() + ": " + e.error() : null;
        if (error != null) {
          g.writeStringField("error", error);
          failed++;
        } else {
          g.writeStringField("model", name);
          g.writeArrayFieldStart("embedding");
          for (float v : e.vector()) g.writeNumber(v);
          g.writeEndArray();
          g.writeNumberField("n_tokens", e.nTokens());
          g.writeBooleanField("truncated", e.truncated());
          g.writeNumberField("chunks", e.chunks().size());
          String repaired = TextRepair.combine(r.repaired(), e.textRepaired());
          if (repaired != null) g.writeStringField("text_repaired", repaired);
          if (withTokenIds && e.chunks().size() == 1) {
            writeIds(g, "token_ids", e.chunks().get(0).chunk().encoding().ids());
          } else if (withTokenIds) {
            g.writeArrayFieldStart("chunk_token_ids");
            for (EncodedText.ChunkVector c : e.chunks()) {
              writeIds(g, null, c.chunk().encoding().ids());
            }
            g.writeEndArray();
          }
        }
        g.writeEndObject();
      }
      out.write(line.toString());
      out.write('\n');
    }
    return failed;
  }

  private static void writeIds(JsonGenerator g, String field, int[] ids) throws IOException {
    if (field != null) g.writeFieldName(field);
    g.writeStartArray();
    for (int id : ids) g.writeNumber(id);
    g.writeEndArray();
  }

  static Options parse(String[] args) {
    if (CommandLine.wantsHelp(args)) {
      return new Options(null, EncodeSettings.DEFAULTS, false, null, null, 1, null, false, true,
          false);
    }
    CommandLine.Values v = COMMAND_LINE.parse(args);
    if (v.get("model").isEmpty() && !v.getBool("list-models")) {
      throw new IllegalArgumentException("--model is required: one of "
          + String.join(", ", ModelCatalog.names()) + ", or a path");
    }
    if (v.getBool("no-normalize") && v.has("normalize") && !v.get("normalize").equals("false")) {
      throw new IllegalArgumentException("--no-normalize contradicts --normalize "
          + v.get("normalize") + "; give one of them");
    }
    EncodeSettings settings = EncodeOptions.settings(
        name -> COMMAND_LINE.specs().stream().anyMatch(s -> s.name().equals(name))
            ? v.get(name) : null);
    if (v.getBool("no-normalize")) settings = settings.withNormalize("false");
    return new Options(v.get("model").isEmpty() ? null : v.get("model"), settings,
        v.getBool("with-token-ids"), path(v, "input"),
        path(v, "output"), v.getInt("threads"), path(v, "save-model"), v.getBool("list-models"),
        false, v.getBool("tokenize"));
  }

  private static Path path(CommandLine.Values v, String name) {
    return v.get(name).isEmpty() ? null : Paths.get(v.get(name));
  }
}
