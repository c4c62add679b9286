package io.corpusencoder.core.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.model.Encoder;
import io.corpusencoder.core.model.families.Family;
import io.corpusencoder.core.pool.Dense;
import io.corpusencoder.core.pool.Pooling;
import io.corpusencoder.core.pool.SentenceHead;
import io.corpusencoder.core.tokenize.Tokenizer;
import io.corpusencoder.core.tokenize.TokenizerReader;
import io.corpusencoder.core.weights.ModelFormatException;
import io.corpusencoder.core.weights.OnnxReader;
import io.corpusencoder.core.weights.Safetensors;
import io.corpusencoder.core.weights.WeightMap;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Loads an {@link EmbeddingModel} from a short name ({@link ModelCatalog}), a Hugging Face model
 * directory (config.json, model.safetensors, tokenizer.json or vocab.txt; sentence-transformers'
 * modules.json, 1_Pooling/config.json and Normalize module decide pooling and normalization), or
 * an ONNX file with tokenizer.json beside it.
 */
public final class ModelLoader {
  private static final Logger LOG = Logger.getLogger(ModelLoader.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelLoader() {}

  /**
   * What a model directory or file was loaded as, before it becomes an EmbeddingModel; {@code
   * notes}: decisions a user should see (a config.json overriding the ONNX graph's config), also
   * logged as warnings here.
   */
  public record Loaded(String name, EncoderConfig config, WeightMap weights,
      byte[] tokenizerJson, Tokenizer tokenizer, String tokenizerSha256, SentenceHead head,
      boolean normalize, int maxLength, Prompts prompts, List<String> notes) {
    public Loaded {
      notes = List.copyOf(notes);
    }

    public Pooling pooling() {
      return head.pooling();
    }

    public EmbeddingModel toModel() {
      return new EmbeddingModel(name, tokenizer, tokenizerSha256, Family.encoder(config, weights),
          head, normalize, maxLength, prompts, prompts.defaultText(), 0);
    }
  }

  /** Loads by short name or path, with the model's own pooling, normalization and max length. */
  public static EmbeddingModel load(String nameOrPath) throws IOException {
    var cached = ModelCatalog.findCached(nameOrPath);
    if (cached.isPresent()) {
      return ModelCatalog.checked(cached.get(), loadParts(nameOrPath).toModel());
    }
    return loadParts(nameOrPath).toModel();
  }

  /**
   * The tokenizer alone, without reading weights: of a catalog model, a model directory
   * (tokenizer.json or vocab.txt), an .onnx file (the tokenizer.json beside it) or a
   * tokenizer.json file itself.
   */
  public static Tokenizer loadTokenizer(String spec) throws IOException {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("model: expected a name, a directory or a tokenizer.json");
    }
    var entry = ModelCatalog.find(spec);
    if (entry.isPresent()) {
      ModelCatalog.Entry e = entry.get();
      byte[] tok = ModelCatalog.readFile(e, e.tokenizerEntry());
      return TokenizerReader.readTokenizerJson(new ByteArrayInputStream(tok), e.tokenizerEntry());
    }
    var cached = ModelCatalog.findCached(spec);
    Path p = cached.isPresent() ? ModelCatalog.installed(cached.get()) : Paths.get(spec);
    if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json")) {
      return TokenizerReader.readTokenizerJson(p);
    }
    if (Files.isDirectory(p)) {
      if (Files.isRegularFile(p.resolve("tokenizer.json"))) {
        return TokenizerReader.readTokenizerJson(p.resolve("tokenizer.json"));
      }
      if (Files.isRegularFile(p.resolve("vocab.txt"))) {
        return TokenizerReader.readVocabTxt(p.resolve("vocab.txt"),
            p.resolve("tokenizer_config.json"));
      }
      throw new IOException(p + ": no tokenizer.json or vocab.txt");
    }
    if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".onnx")) {
      Path dir = p.toAbsolutePath().getParent();
      String stem = p.getFileName().toString().replaceFirst("\\.onnx$", "");
      Path tokFile = firstExisting(dir.resolve("tokenizer.json"),
          dir.resolve(stem + "-tokenizer.json"),
          dir.getParent() == null ? null : dir.getParent().resolve("tokenizer.json"));
      if (tokFile == null) throw new IOException(p + ": no tokenizer.json next to it");
      return TokenizerReader.readTokenizerJson(tokFile);
    }
    throw new IllegalArgumentException("model: \"" + spec + "\" is neither a known name ("
        + String.join(", ", ModelCatalog.names()) + ") nor an existing model directory, .onnx "
        + "file or tokenizer.json");
  }

  /** Loads without building the encoder, e.g. to convert a model to another format. */
  public static Loaded loadParts(String nameOrPath) throws IOException {
    if (nameOrPath == null || nameOrPath.isBlank()) {
      throw new IllegalArgumentException("model: expected a name (" + String.join(", ",
          ModelCatalog.names()) + ") or a path, got nothing");
    }
    var entry = ModelCatalog.find(nameOrPath);
    if (entry.isPresent()) return loadCatalog(entry.get());
    var cached = ModelCatalog.findCached(nameOrPath);
    if (cached.isPresent()) return loadDirectory(ModelCatalog.installed(cached.get()));
    Path p = Paths.get(nameOrPath);
    if (Files.isDirectory(p)) return loadDirectory(p);
    if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".onnx")) {
      return loadOnnxFile(p);
    }
    throw new IllegalArgumentException("model: \"" + nameOrPath + "\" is neither a known name ("
        + String.join(", ", ModelCatalog.names()) + ") nor an existing model directory or "
        + ".onnx file");
  }

  private static Loaded loadCatalog(ModelCatalog.Entry e) throws IOException {
    byte[] onnx = ModelCatalog.readFile(e, e.onnxEntry());
    byte[] tok = ModelCatalog.readFile(e, e.tokenizerEntry());
    String src = e.coordinates() + "!/" + e.onnxEntry();
    OnnxReader.Imported imp = OnnxReader.read(onnx, src, null);
    Tokenizer tokenizer =
        TokenizerReader.readTokenizerJson(new ByteArrayInputStream(tok), e.tokenizerEntry());
    checkVocabulary(src, tokenizer, imp.config(), "the graph's word embeddings (vocab_size)");
    return new Loaded(e.name(), imp.config(), imp.weights(), tok, tokenizer, sha256(tok),
        SentenceHead.of(e.pooling()), e.normalize(),
        Math.min(e.maxLength(), imp.config().maxLength()), e.prompts(), List.of());
  }

  private static Loaded loadOnnxFile(Path onnxFile) throws IOException {
    Path dir = onnxFile.toAbsolutePath().getParent();
    String stem = onnxFile.getFileName().toString().replaceFirst("\\.onnx$", "");
    Path tokFile = firstExisting(dir.resolve("tokenizer.json"), dir.resolve(stem + "-tokenizer.json"),
        dir.getParent() == null ? null : dir.getParent().resolve("tokenizer.json"));
    if (tokFile == null) {
      throw new IOException(onnxFile + ": no tokenizer.json next to it (looked for tokenizer.json "
          + "and " + stem + "-tokenizer.json in " + dir + " and its parent)");
    }
    byte[] onnx = Files.readAllBytes(onnxFile);
    OnnxReader.Imported imp = OnnxReader.read(onnx, onnxFile.toString(), dir);
    EncoderConfig config = imp.config();
    Path configJson = firstExisting(dir.resolve("config.json"),
        dir.getParent() == null ? null : dir.getParent().resolve("config.json"));
    List<String> notes = new ArrayList<>();
    if (configJson != null) {
      EncoderConfig declared = EncoderConfig.read(configJson);
      if (!declared.equals(config)) {
        String note = configJson + " overrides what " + onnxFile + " implies: "
            + differences(declared, config) + " (config.json's value first)";
        LOG.warning(note);
        notes.add(note);
      }
      config = declared;
    }
    byte[] tok = Files.readAllBytes(tokFile);
    Tokenizer tokenizer = TokenizerReader.readTokenizerJson(tokFile);
    checkVocabulary(tokFile.toString(), tokenizer, config, configJson != null
        ? configJson + " vocab_size" : onnxFile + "'s word embeddings (vocab_size)");
    Path stDir = configJson != null ? configJson.getParent() : dir;
    SentenceTransformers st = SentenceTransformers.read(stDir);
    return new Loaded(stem, config, imp.weights(), tok, tokenizer, sha256(tok), st.head(),
        st.normalize(), st.maxLength(config.maxLength()), st.prompts(), notes);
  }

  private static Loaded loadDirectory(Path dir) throws IOException {
    Path configJson = dir.resolve("config.json");
    Path weightsFile = dir.resolve("model.safetensors");
    Path shardIndex = dir.resolve("model.safetensors.index.json");
    if (!Files.isRegularFile(weightsFile) && !Files.isRegularFile(shardIndex)) {
      Path onnx = firstExisting(dir.resolve("model.onnx"), dir.resolve("onnx").resolve("model.onnx"));
      if (onnx != null) return loadOnnxFile(onnx);
      String hint = Files.exists(dir.resolve("pytorch_model.bin"))
          ? " (pytorch_model.bin is pickle, which is not read: convert it to safetensors)" : "";
      throw new IOException(dir + ": no model.safetensors (nor model.safetensors.index.json "
          + "with its shards)" + hint);
    }
    if (!Files.isRegularFile(configJson)) throw new IOException(dir + ": no config.json");
    EncoderConfig config = EncoderConfig.read(configJson);
    WeightMap weights = Files.isRegularFile(weightsFile)
        ? Safetensors.read(weightsFile) : Safetensors.readSharded(shardIndex);
    Path tokFile = dir.resolve("tokenizer.json");
    Tokenizer tokenizer;
    byte[] tok = null;
    String tokSha256;
    if (Files.isRegularFile(tokFile)) {
      tok = Files.readAllBytes(tokFile);
      tokenizer = TokenizerReader.readTokenizerJson(tokFile);
      tokSha256 = sha256(tok);
    } else if (Files.isRegularFile(dir.resolve("vocab.txt"))) {
      tokenizer = TokenizerReader.readVocabTxt(dir.resolve("vocab.txt"),
          dir.resolve("tokenizer_config.json"));
      tokSha256 = sha256(dir.resolve("vocab.txt"), dir.resolve("tokenizer_config.json"));
    } else {
      throw new IOException(dir + ": no tokenizer.json or vocab.txt");
    }
    checkVocabulary(dir.toString(), tokenizer, config, "config.json vocab_size");
    SentenceTransformers st = SentenceTransformers.read(dir);
    return new Loaded(dir.getFileName().toString(), config, weights, tok, tokenizer, tokSha256,
        st.head(), st.normalize(), st.maxLength(config.maxLength()), st.prompts(), List.of());
  }

  /** "field a vs b" for each config field that differs, e.g. "activation GELU vs RELU". */
  static String differences(EncoderConfig a, EncoderConfig b) {
    List<String> out = new ArrayList<>();
    for (RecordComponent c : EncoderConfig.class.getRecordComponents()) {
      try {
        Object x = c.getAccessor().invoke(a);
        Object y = c.getAccessor().invoke(b);
        if (!Objects.equals(x, y)) out.add(c.getName() + " " + x + " vs " + y);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("reading EncoderConfig." + c.getName(), e);
      }
    }
    return String.join(", ", out);
  }

  /** Every id the tokenizer can give must have a row in the word embeddings. */
  private static void checkVocabulary(String source, Tokenizer tokenizer, EncoderConfig config,
      String vocabFrom) {
    if (tokenizer.maxId() >= config.vocabSize()) {
      throw new ModelFormatException(source + ": the tokenizer has ids up to " + tokenizer.maxId()
          + " but " + vocabFrom + " is " + config.vocabSize() + "; expected ids below it");
    }
  }

  private static Path firstExisting(Path... candidates) {
    for (Path c : candidates) if (c != null && Files.isRegularFile(c)) return c;
    return null;
  }

  /** Hex sha256 of bytes. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
    }
  }

  /** Hex sha256 of the files' bytes one after the other (those that exist), streamed. */
  public static String sha256(Path... files) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
    }
    byte[] buf = new byte[1 << 16];
    for (Path file : files) {
      if (!Files.isRegularFile(file)) continue;
      try (InputStream in = Files.newInputStream(file)) {
        for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * sentence-transformers' module files, in modules.json's order: the Transformer, a Pooling
   * (1_Pooling/config.json: one pooling_mode_* true, include_prompt), Dense modules (their
   * config.json and model.safetensors), a Normalize last; sentence_bert_config.json's
   * max_seq_length; config_sentence_transformers.json's prompts and default_prompt_name. Any other
   * module, pooling mode or order is refused, naming the file and field.
   */
  record SentenceTransformers(SentenceHead head, boolean normalize, Integer maxSeqLength,
      Prompts prompts) {
    int maxLength(int maxPositions) {
      return maxSeqLength == null ? maxPositions : Math.min(maxSeqLength, maxPositions);
    }

    static SentenceTransformers read(Path dir) throws IOException {
      Pooling pooling = Pooling.MEAN; // sentence-transformers' default for a plain HF model
      boolean includePrompt = true;
      boolean normalize = false;
      boolean pooled = false;
      List<Dense> dense = new ArrayList<>();
      Path modules = dir.resolve("modules.json");
      if (Files.isRegularFile(modules)) {
        for (JsonNode m : JSON.readTree(modules.toFile())) {
          String type = m.path("type").asText("");
          String path = m.path("path").asText("");
          String kind = type.substring(type.lastIndexOf('.') + 1);
          String where = modules + ": module " + m.path("idx").asText("?") + " (" + type + ")";
          if (normalize && !kind.equals("Normalize")) {
            throw new ModelFormatException(where + " comes after Normalize; expected Normalize "
                + "last");
          }
          switch (kind) {
            case "Transformer" -> { }
            case "Pooling" -> {
              Path config = dir.resolve(path).resolve("config.json");
              JsonNode c = readModuleConfig(config);
              pooling = readPooling(config, c);
              includePrompt = c.path("include_prompt").asBoolean(true);
              pooled = true;
            }
            case "Dense" -> {
              if (!pooled) throw new ModelFormatException(where + " comes before a Pooling module");
              dense.add(readDense(dir.resolve(path)));
            }
            case "Normalize" -> normalize = true;
            default -> throw new ModelFormatException(where + " is not supported; expected "
                + "Transformer, Pooling, Dense and Normalize modules");
          }
        }
      }
      Integer maxSeq = null;
      Path sbert = dir.resolve("sentence_bert_config.json");
      if (Files.isRegularFile(sbert)) {
        JsonNode n = JSON.readTree(sbert.toFile()).path("max_seq_length");
        if (n.canConvertToInt()) maxSeq = n.intValue();
      }
      return new SentenceTransformers(new SentenceHead(pooling, includePrompt, dense), normalize,
          maxSeq, readPrompts(dir.resolve("config_sentence_transformers.json")));
    }

    private static JsonNode readModuleConfig(Path config) throws IOException {
      if (!Files.isRegularFile(config)) {
        throw new IOException(config + ": modules.json names this module but its config.json "
            + "is missing");
      }
      return JSON.readTree(config.toFile());
    }

    private static Pooling readPooling(Path config, JsonNode c) {
      List<Pooling> on = new ArrayList<>();
      for (var it = c.fields(); it.hasNext(); ) {
        var f = it.next();
        if (!f.getKey().startsWith("pooling_mode_") || !f.getValue().asBoolean(false)) continue;
        Pooling p = null;
        for (Pooling k : Pooling.values()) if (k.configField().equals(f.getKey())) p = k;
        if (p == null) {
          throw new ModelFormatException(config + ": " + f.getKey() + " is true, a pooling mode "
              + "Corpus Encoder does not implement; supported: " + supportedFields());
        }
        on.add(p);
      }
      if (on.size() > 1) {
        throw new ModelFormatException(config + ": " + on.size() + " pooling modes are true ("
            + String.join(", ", on.stream().map(Pooling::configField).toList()) + "), which "
            + "sentence-transformers concatenates; expected exactly one");
      }
      if (on.isEmpty()) {
        throw new ModelFormatException(config + ": no pooling mode is true; expected one of "
            + supportedFields());
      }
      return on.get(0);
    }

    private static String supportedFields() {
      return String.join(", ", java.util.Arrays.stream(Pooling.values())
          .map(Pooling::configField).toList());
    }

    private static Dense readDense(Path moduleDir) throws IOException {
      Path config = moduleDir.resolve("config.json");
      JsonNode c = readModuleConfig(config);
      for (String f : List.of("in_features", "out_features")) {
        if (!c.path(f).canConvertToInt() || c.path(f).intValue() < 1) {
          throw new ModelFormatException(config + ": " + f + " is " + c.path(f)
              + "; expected a positive integer");
        }
      }
      int in = c.path("in_features").intValue();
      int out = c.path("out_features").intValue();
      boolean bias = c.path("bias").asBoolean(true);
      Dense.Activation act;
      try {
        act = Dense.Activation.of(c.path("activation_function")
            .asText("torch.nn.modules.activation.Tanh"), config.toString());
      } catch (IllegalArgumentException e) {
        throw new ModelFormatException(e.getMessage());
      }
      Path weights = moduleDir.resolve("model.safetensors");
      if (!Files.isRegularFile(weights)) {
        String hint = Files.exists(moduleDir.resolve("pytorch_model.bin"))
            ? " (pytorch_model.bin is pickle, which is not read: convert it to safetensors)" : "";
        throw new IOException(moduleDir + ": no model.safetensors for the Dense module" + hint);
      }
      WeightMap w = Safetensors.read(weights);
      float[] wt = w.tensor("linear.weight", out, in);
      float[] b = null;
      if (bias) {
        b = w.tensor("linear.bias", out);
      } else if (w.contains("linear.bias")) {
        throw new ModelFormatException(weights + ": linear.bias is present but " + config
            + " says bias false");
      }
      return new Dense(in, out, wt, b, act);
    }

    private static Prompts readPrompts(Path file) throws IOException {
      if (!Files.isRegularFile(file)) return Prompts.NONE;
      JsonNode c = JSON.readTree(file.toFile());
      java.util.Map<String, String> byName = new java.util.LinkedHashMap<>();
      for (var it = c.path("prompts").fields(); it.hasNext(); ) {
        var f = it.next();
        if (!f.getValue().isTextual()) {
          throw new ModelFormatException(file + ": prompts." + f.getKey() + " is "
              + f.getValue() + "; expected a string");
        }
        byName.put(f.getKey(), f.getValue().asText());
      }
      JsonNode d = c.path("default_prompt_name");
      String def = d.isTextual() ? d.asText() : null;
      if (def != null && !byName.containsKey(def)) {
        throw new ModelFormatException(file + ": default_prompt_name \"" + def + "\" is not one "
            + "of its prompts " + byName.keySet());
      }
      return new Prompts(byName, def);
    }
  }
}
