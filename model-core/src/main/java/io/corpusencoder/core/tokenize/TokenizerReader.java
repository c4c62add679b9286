package io.corpusencoder.core.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.tokenize.BertTokenizer.SpecialTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link BertTokenizer} from a Hugging Face tokenizer.json (BertNormalizer,
 * BertPreTokenizer, WordPiece, BertProcessing or TemplateProcessing) or from a BERT vocab.txt with
 * an optional tokenizer_config.json. Anything else fails here, at load time, naming the field.
 *
 * <p>The file's own "truncation" and "padding" sections are ignored on purpose: the maximum length
 * is the model's, given per call, and the encoder never needs padding.
 */
public final class TokenizerReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenizerReader() {}

  /** Reads tokenizer.json from a file. */
  public static BertTokenizer readTokenizerJson(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readTokenizerJson(in, file.toString());
    }
  }

  /** Reads tokenizer.json from a stream; {@code source} names it in errors. */
  public static BertTokenizer readTokenizerJson(InputStream in, String source) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(in);
    } catch (IOException e) {
      throw new IOException(source + ": not readable as JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + ": expected a JSON object");
    }
    JsonNode model = root.path("model");
    String modelType = model.path("type").asText("");
    if (!modelType.equals("WordPiece")) {
      throw new IllegalArgumentException(source + ": model.type \"" + modelType
          + "\" is not supported; expected \"WordPiece\" (BERT-family tokenizers)");
    }
    JsonNode vocabNode = model.path("vocab");
    if (!vocabNode.isObject() || vocabNode.isEmpty()) {
      throw new IllegalArgumentException(source + ": model.vocab must be a non-empty object");
    }
    Map<String, Integer> map = new HashMap<>(vocabNode.size() * 2);
    for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().canConvertToInt()) {
        throw new IllegalArgumentException(
            source + ": model.vocab[\"" + e.getKey() + "\"] must be an integer id");
      }
      map.put(e.getKey(), e.getValue().intValue());
    }
    Vocab vocab = new Vocab(map, source);
    String unk = model.path("unk_token").asText("[UNK]");
    int unkId = vocab.id(unk);
    if (unkId < 0) {
      throw new IllegalArgumentException(
          source + ": model.unk_token \"" + unk + "\" is not in the vocabulary");
    }
    WordPieceTokenizer wp = new WordPieceTokenizer(vocab, unkId,
        model.path("continuing_subword_prefix").asText("##"),
        model.path("max_input_chars_per_word").asInt(100));

    BertNormalizer normalizer = readNormalizer(root.path("normalizer"), source);
    JsonNode pre = root.path("pre_tokenizer");
    String preType = pre.path("type").asText("");
    if (!preType.equals("BertPreTokenizer")) {
      throw new IllegalArgumentException(source + ": pre_tokenizer.type \"" + preType
          + "\" is not supported; expected \"BertPreTokenizer\"");
    }
    List<AddedToken> added = new ArrayList<>();
    for (JsonNode t : root.path("added_tokens")) {
      String content = t.path("content").asText("");
      if (content.isEmpty() || !t.path("id").canConvertToInt()) {
        throw new IllegalArgumentException(
            source + ": added_tokens entry needs a non-empty content and an integer id: " + t);
      }
      added.add(new AddedToken(t.path("id").intValue(), content,
          t.path("single_word").asBoolean(false), t.path("lstrip").asBoolean(false),
          t.path("rstrip").asBoolean(false), t.path("normalized").asBoolean(false),
          t.path("special").asBoolean(false)));
    }
    SpecialTemplate template = readPostProcessor(root.path("post_processor"), vocab, source);
    return new BertTokenizer(normalizer, wp, added, template);
  }

  private static BertNormalizer readNormalizer(JsonNode n, String source) {
    String type = n.path("type").asText("");
    if (!type.equals("BertNormalizer")) {
      throw new IllegalArgumentException(source + ": normalizer.type \"" + type
          + "\" is not supported; expected \"BertNormalizer\"");
    }
    boolean lowercase = n.path("lowercase").asBoolean(true);
    JsonNode strip = n.path("strip_accents");
    // strip_accents null means "follow lowercase", as in HF.
    boolean stripAccents = strip.isBoolean() ? strip.booleanValue() : lowercase;
    return new BertNormalizer(n.path("clean_text").asBoolean(true),
        n.path("handle_chinese_chars").asBoolean(true), stripAccents, lowercase);
  }

  private static SpecialTemplate readPostProcessor(JsonNode p, Vocab vocab, String source) {
    if (p.isMissingNode() || p.isNull()) return SpecialTemplate.none();
    String type = p.path("type").asText("");
    switch (type) {
      case "BertProcessing": {
        int cls = p.path("cls").path(1).asInt(-1);
        int sep = p.path("sep").path(1).asInt(-1);
        if (cls < 0 || sep < 0) {
          throw new IllegalArgumentException(
              source + ": post_processor BertProcessing needs cls and sep as [token, id]");
        }
        return SpecialTemplate.bert(cls, sep);
      }
      case "TemplateProcessing":
        return readTemplate(p, source);
      default:
        throw new IllegalArgumentException(source + ": post_processor.type \"" + type
            + "\" is not supported; expected BertProcessing or TemplateProcessing");
    }
  }

  private static SpecialTemplate readTemplate(JsonNode p, String source) {
    JsonNode single = p.path("single");
    List<Integer> preIds = new ArrayList<>(), preTypes = new ArrayList<>();
    List<Integer> sufIds = new ArrayList<>(), sufTypes = new ArrayList<>();
    int seqType = -1;
    for (JsonNode item : single) {
      if (item.has("Sequence")) {
        if (seqType >= 0) {
          throw new IllegalArgumentException(
              source + ": post_processor.single has more than one Sequence");
        }
        seqType = item.path("Sequence").path("type_id").asInt(0);
      } else if (item.has("SpecialToken")) {
        String id = item.path("SpecialToken").path("id").asText();
        int typeId = item.path("SpecialToken").path("type_id").asInt(0);
        JsonNode ids = p.path("special_tokens").path(id).path("ids");
        if (!ids.isArray() || ids.isEmpty()) {
          throw new IllegalArgumentException(source + ": post_processor.special_tokens has no ids "
              + "for \"" + id + "\"");
        }
        for (JsonNode i : ids) {
          (seqType < 0 ? preIds : sufIds).add(i.intValue());
          (seqType < 0 ? preTypes : sufTypes).add(typeId);
        }
      } else {
        throw new IllegalArgumentException(
            source + ": post_processor.single item not understood: " + item);
      }
    }
    if (seqType < 0) {
      throw new IllegalArgumentException(source + ": post_processor.single has no Sequence");
    }
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
  public static BertTokenizer readVocabTxt(Path vocabTxt, Path tokenizerConfig)
      throws IOException {
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
    return new BertTokenizer(normalizer, new WordPieceTokenizer(vocab, vocab.id(unk), "##", 100),
        added, SpecialTemplate.bert(vocab.id(cls), vocab.id(sep)));
  }
}
