package io.corpusencoder.core.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link Tokenizer} from a Hugging Face tokenizer.json, component by component as the
 * file names them (nested Sequences included), or from a BERT vocab.txt with an optional
 * tokenizer_config.json. A component we do not implement fails here, at load time, naming its
 * type and JSON path: nothing falls back to something close.
 *
 * <p>The file's own "truncation" and "padding" sections are ignored on purpose: the maximum length
 * is the model's, given per call, and the encoder never needs padding. The decoder is not used.
 */
public final class TokenizerReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String NORMALIZERS = "BertNormalizer, Sequence, Lowercase, NFC, NFD, NFKC, NFKD,"
      + " Strip, StripAccents, Replace, Prepend, Precompiled, ByteLevel";
  static final String PRE_TOKENIZERS = "BertPreTokenizer, Sequence, Whitespace, WhitespaceSplit,"
      + " Metaspace, Split, ByteLevel, Digits, Punctuation";
  static final String MODELS = "WordPiece, Unigram, BPE";
  static final String POST_PROCESSORS =
      "BertProcessing, RobertaProcessing, TemplateProcessing, ByteLevel, Sequence";

  private TokenizerReader() {}

  /** Reads tokenizer.json from a file. */
  public static Tokenizer readTokenizerJson(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readTokenizerJson(in, file.toString());
    }
  }

  /** Reads tokenizer.json from a stream; {@code source} names it in errors. */
  public static Tokenizer readTokenizerJson(InputStream in, String source) throws IOException {
    JsonNode tree;
    try {
      tree = JSON.readTree(in);
    } catch (IOException e) {
      throw new IOException(source + ": not readable as JSON: " + e.getMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new IllegalArgumentException(source + ": expected a JSON object");
    }
    JsonField root = JsonField.root(source, tree);
    TokenModel model = readModel(root.get("model"));
    Normalizer normalizer = readNormalizer(root.get("normalizer"));
    PreTokenizer pre = readPreTokenizer(root.get("pre_tokenizer"));
    List<AddedToken> added = new ArrayList<>();
    for (JsonField t : root.get("added_tokens").elements()) {
      String content = t.get("content").string();
      if (content.isEmpty()) throw t.get("content").error("a non-empty string");
      int id = t.get("id").integer();
      if (id < 0) throw t.get("id").error("an id >= 0");
      added.add(new AddedToken(id, content, t.get("single_word").bool(false),
          t.get("lstrip").bool(false), t.get("rstrip").bool(false),
          t.get("normalized").bool(false), t.get("special").bool(false)));
    }
    PostProcessing post = readPostProcessor(root.get("post_processor"));
    return new Tokenizer(normalizer, pre, model, added, post.template, post.trim);
  }

  static TokenModel readModel(JsonField m) {
    if (m.isAbsent()) throw m.error("an object with a \"type\"");
    String type = m.has("type") ? m.type() : guessLegacyModelType(m);
    return switch (type) {
      case "WordPiece" -> WordPieceTokenizer.fromJson(m);
      case "Unigram" -> UnigramModel.fromJson(m);
      case "BPE" -> BpeModel.fromJson(m);
      default -> throw m.unsupported("model", MODELS);
    };
  }

  /** Old files omit model.type; HF tells the models apart by their fields. */
  private static String guessLegacyModelType(JsonField m) {
    if (m.has("merges")) return "BPE";
    if (m.has("continuing_subword_prefix") || m.has("max_input_chars_per_word")) {
      return "WordPiece";
    }
    if (m.get("vocab").node().isArray()) return "Unigram";
    throw m.error("a model with a \"type\" (" + MODELS + ")");
  }

  static Normalizer readNormalizer(JsonField n) {
    if (n.isAbsent()) return null;
    return switch (n.type()) {
      case "BertNormalizer" -> BertNormalizer.fromJson(n);
      case "Sequence" -> {
        List<Normalizer> parts = new ArrayList<>();
        for (JsonField p : n.get("normalizers").elements()) {
          Normalizer part = readNormalizer(p);
          if (part != null) parts.add(part);
        }
        yield parts.size() == 1 ? parts.get(0) : new NormalizerSequence(parts);
      }
      case "Lowercase" -> new Lowercase();
      case "NFC", "NFD", "NFKC", "NFKD" -> new UnicodeNormalizer(n.type());
      case "Strip" -> new Strip(n.get("strip_left").bool(true), n.get("strip_right").bool(true));
      case "StripAccents" -> new StripAccents();
      case "Replace" -> Replace.fromJson(n);
      case "Prepend" -> new Prepend(n.get("prepend").string());
      case "ByteLevel" -> new ByteLevelNormalizer();
      case "Precompiled" -> PrecompiledNormalizer.fromJson(n);
      default -> throw n.unsupported("normalizer", NORMALIZERS);
    };
  }

  static PreTokenizer readPreTokenizer(JsonField p) {
    if (p.isAbsent()) return null;
    return switch (p.type()) {
      case "BertPreTokenizer" -> new BertPreTokenizer();
      case "Sequence" -> {
        List<PreTokenizer> parts = new ArrayList<>();
        for (JsonField q : p.get("pretokenizers").elements()) {
          PreTokenizer part = readPreTokenizer(q);
          if (part != null) parts.add(part);
        }
        yield new PreTokenizerSequence(parts);
      }
      case "Metaspace" -> Metaspace.fromJson(p);
      case "WhitespaceSplit" -> new WhitespaceSplit();
      case "Whitespace" -> new WhitespacePreTokenizer();
      case "ByteLevel" -> ByteLevelPreTokenizer.fromJson(p);
      case "Split" -> SplitPreTokenizer.fromJson(p);
      case "Digits" -> new Digits(p.get("individual_digits").bool(false));
      case "Punctuation" -> new Punctuation(
          SplitBehavior.fromJson(p.get("behavior").string("Isolated"), p.get("behavior").path()));
      default -> throw p.unsupported("pre_tokenizer", PRE_TOKENIZERS);
    };
  }

  /** What a post-processor does to one sequence. */
  private record PostProcessing(SpecialTemplate template, Tokenizer.OffsetTrim trim) {}

  private static PostProcessing readPostProcessor(JsonField p) {
    if (p.isAbsent()) return new PostProcessing(SpecialTemplate.none(), null);
    switch (p.type()) {
      case "BertProcessing":
        return new PostProcessing(
            SpecialTemplate.around(tokenPairId(p.get("cls")), tokenPairId(p.get("sep"))), null);
      case "RobertaProcessing": {
        SpecialTemplate t =
            SpecialTemplate.around(tokenPairId(p.get("cls")), tokenPairId(p.get("sep")));
        boolean trim = p.get("trim_offsets").bool(true);
        return new PostProcessing(t,
            trim ? new Tokenizer.OffsetTrim(p.get("add_prefix_space").bool(true)) : null);
      }
      case "ByteLevel": {
        boolean trim = p.get("trim_offsets").bool(true);
        return new PostProcessing(SpecialTemplate.none(),
            trim ? new Tokenizer.OffsetTrim(p.get("add_prefix_space").bool(true)) : null);
      }
      case "TemplateProcessing":
        return new PostProcessing(readTemplate(p), null);
      case "Sequence": {
        SpecialTemplate template = SpecialTemplate.none();
        Tokenizer.OffsetTrim trim = null;
        boolean haveTemplate = false;
        for (JsonField q : p.get("processors").elements()) {
          PostProcessing part = readPostProcessor(q);
          if (part.template.count() > 0 || part.template.sequenceTypeId() != 0) {
            if (haveTemplate) throw q.error("at most one processor that adds special tokens");
            template = part.template;
            haveTemplate = true;
          }
          // In either order HF keeps the first content token's single space (checked with
          // tokenizers 0.21.4 on [Template, ByteLevel] and [ByteLevel, Template]).
          if (part.trim != null) trim = part.trim;
        }
        return new PostProcessing(template, trim);
      }
      default:
        throw p.unsupported("post_processor", POST_PROCESSORS);
    }
  }

  /** A [token, id] pair as BertProcessing and RobertaProcessing write cls and sep. */
  private static int tokenPairId(JsonField pair) {
    if (!pair.node().isArray() || pair.node().size() != 2) throw pair.error("[token, id]");
    return pair.get(1).integer();
  }

  private static SpecialTemplate readTemplate(JsonField p) {
    List<Integer> preIds = new ArrayList<>(), preTypes = new ArrayList<>();
    List<Integer> sufIds = new ArrayList<>(), sufTypes = new ArrayList<>();
    int seqType = -1;
    for (JsonField item : p.get("single").elements()) {
      if (item.has("Sequence")) {
        if (seqType >= 0) throw item.error("the only Sequence item of the template");
        seqType = item.get("Sequence").get("type_id").integer(0);
      } else if (item.has("SpecialToken")) {
        String id = item.get("SpecialToken").get("id").string();
        int typeId = item.get("SpecialToken").get("type_id").integer(0);
        JsonField ids = p.get("special_tokens").get(id).get("ids");
        if (ids.elements().isEmpty()) throw ids.error("a non-empty list of ids for \"" + id + "\"");
        for (JsonField i : ids.elements()) {
          (seqType < 0 ? preIds : sufIds).add(i.integer());
          (seqType < 0 ? preTypes : sufTypes).add(typeId);
        }
      } else {
        throw item.error("{\"Sequence\": ...} or {\"SpecialToken\": ...}");
      }
    }
    if (seqType < 0) throw p.get("single").error("a template with a Sequence item");
    return new SpecialTemplate(toArray(preIds), toArray(preTypes), seqType, toArray(sufIds),
        toArray(sufTypes));
  }

  private static int[] toArray(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * A classic BERT tokenizer from vocab.txt; {@code tokenizerConfig} (tokenizer_config.json, may
   * be null or absent) supplies do_lower_case, strip_accents and tokenize_chinese_chars.
   */
  public static Tokenizer readVocabTxt(Path vocabTxt, Path tokenizerConfig) throws IOException {
    Vocab vocab = Vocab.readTxt(vocabTxt);
    boolean lower = true;
    Boolean strip = null;
    boolean chinese = true;
    String unk = "[UNK]", cls = "[CLS]", sep = "[SEP]";
    if (tokenizerConfig != null && Files.exists(tokenizerConfig)) {
      JsonNode c = JSON.readTree(tokenizerConfig.toFile());
      lower = c.path("do_lower_case").asBoolean(true);
      if (c.path("strip_accents").isBoolean()) strip = c.path("strip_accents").booleanValue();
      chinese = c.path("tokenize_chinese_chars").asBoolean(true);
      unk = c.path("unk_token").isTextual() ? c.path("unk_token").asText() : unk;
      cls = c.path("cls_token").isTextual() ? c.path("cls_token").asText() : cls;
      sep = c.path("sep_token").isTextual() ? c.path("sep_token").asText() : sep;
    }
    List<AddedToken> added = new ArrayList<>();
    for (String special : List.of("[PAD]", unk, cls, sep, "[MASK]")) {
      int id = vocab.id(special);
      if (id >= 0 && added.stream().noneMatch(a -> a.id() == id)) {
        added.add(new AddedToken(id, special, false, false, false, false, true));
      }
    }
    for (String required : List.of(unk, cls, sep)) {
      if (vocab.id(required) < 0) {
        throw new IllegalArgumentException(
            vocabTxt + ": special token \"" + required + "\" is not in the vocabulary");
      }
    }
    BertNormalizer normalizer =
        new BertNormalizer(true, chinese, strip == null ? lower : strip, lower);
    return new Tokenizer(normalizer, new BertPreTokenizer(),
        new WordPieceTokenizer(vocab, vocab.id(unk), "##", 100), added,
        SpecialTemplate.around(vocab.id(cls), vocab.id(sep)), null);
  }
}
