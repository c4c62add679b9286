package io.corpusencoder.core.tokenize;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A WordPiece vocabulary: token string to id and back. Immutable. */
public final class Vocab implements Serializable {
  private static final long serialVersionUID = 1L;
  private final HashMap<String, Integer> ids;
  private final String[] tokens;

  /** Builds from token → id; ids must be unique and within [0, size). */
  public Vocab(Map<String, Integer> tokenToId, String source) {
    this.ids = new HashMap<>(tokenToId);
    int max = -1;
    for (int id : tokenToId.values()) max = Math.max(max, id);
    this.tokens = new String[max + 1];
    for (Map.Entry<String, Integer> e : tokenToId.entrySet()) {
      int id = e.getValue();
      if (id < 0) {
        throw new IllegalArgumentException(source + ": token \"" + e.getKey() + "\" has id " + id);
      }
      if (tokens[id] != null) {
        throw new IllegalArgumentException(source + ": id " + id + " is used by both \""
            + tokens[id] + "\" and \"" + e.getKey() + "\"");
      }
      tokens[id] = e.getKey();
    }
  }

  /** Ids are list positions; a repeated token maps to its last position, as in HF. */
  static Vocab ofList(String[] tokens) {
    return new Vocab(tokens);
  }

  private Vocab(String[] tokens) {
    this.tokens = tokens.clone();
    this.ids = new HashMap<>(tokens.length * 2);
    for (int i = 0; i < tokens.length; i++) ids.put(tokens[i], i);
  }

  /** A {"token": id, ...} object (WordPiece's and BPE's model.vocab). */
  static Vocab fromJsonObject(JsonField v) {
    if (!v.node().isObject() || v.node().isEmpty()) throw v.error("a non-empty {token: id} object");
    Map<String, Integer> map = new HashMap<>(v.node().size() * 2);
    for (var it = v.node().fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToInt()) {
        throw v.get(e.getKey()).error("an integer id");
      }
      map.put(e.getKey(), e.getValue().intValue());
    }
    return new Vocab(map, v.source() + ": " + v.path());
  }

  /** Reads a BERT vocab.txt: one token per line, the id is the line number. */
  public static Vocab readTxt(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, Integer> map = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String token = lines.get(i);
      if (token.endsWith("\r")) token = token.substring(0, token.length() - 1);
      if (token.isEmpty() && i == lines.size() - 1) continue;
      // A duplicated token keeps its last line's id, as BERT's load_vocab and HF's read_file do.
      map.put(token, i);
    }
    if (map.isEmpty()) throw new IllegalArgumentException(file + ": vocabulary is empty");
    return new Vocab(map, file.toString());
  }

  /** The id of {@code token}, or -1. */
  public int id(String token) {
    Integer id = ids.get(token);
    return id == null ? -1 : id;
  }

  /** The token of {@code id}, or null when no token has it. */
  public String token(int id) {
    return id >= 0 && id < tokens.length ? tokens[id] : null;
  }

  /** One more than the largest id. */
  public int size() {
    return tokens.length;
  }
}
