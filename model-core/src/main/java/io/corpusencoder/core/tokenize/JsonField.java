package io.corpusencoder.core.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A node of tokenizer.json with its path ({@code pre_tokenizer.pretokenizers[1].pattern}), so
 * that every load-time error names the file, the field and what was expected.
 */
public record JsonField(String source, String path, JsonNode node) {

  public static JsonField root(String source, JsonNode node) {
    return new JsonField(source, "", node);
  }

  public JsonField get(String field) {
    return new JsonField(source, path.isEmpty() ? field : path + "." + field, node.path(field));
  }

  public JsonField get(int index) {
    return new JsonField(source, path + "[" + index + "]", node.path(index));
  }

  /** The elements of an array field (empty when absent or null). */
  public List<JsonField> elements() {
    List<JsonField> out = new ArrayList<>();
    if (isAbsent()) return out;
    if (!node.isArray()) throw error("an array");
    for (int i = 0; i < node.size(); i++) out.add(get(i));
    return out;
  }

  /** Missing or JSON null. */
  public boolean isAbsent() {
    return node.isMissingNode() || node.isNull();
  }

  public boolean has(String field) {
    return !get(field).isAbsent();
  }

  public String string() {
    if (!node.isTextual()) throw error("a string");
    return node.textValue();
  }

  public String string(String absent) {
    return isAbsent() ? absent : string();
  }

  public boolean bool(boolean absent) {
    if (isAbsent()) return absent;
    if (!node.isBoolean()) throw error("true or false");
    return node.booleanValue();
  }

  public int integer() {
    if (!node.canConvertToInt() || !node.isIntegralNumber()) throw error("an integer");
    return node.intValue();
  }

  public int integer(int absent) {
    return isAbsent() ? absent : integer();
  }

  public double number() {
    if (!node.isNumber()) throw error("a number");
    return node.doubleValue();
  }

  /** The component's "type" field. */
  public String type() {
    return get("type").string();
  }

  /** An error naming the file, this field and what was expected instead of what is there. */
  public IllegalArgumentException error(String expected) {
    String found = node.isMissingNode() ? "nothing" : abbreviate(node.toString());
    return new IllegalArgumentException(
        source + ": " + (path.isEmpty() ? "the file" : path) + " must be " + expected
            + ", found " + found);
  }

  /** An error for a component of a type we do not implement. */
  public IllegalArgumentException unsupported(String what, String supported) {
    return new IllegalArgumentException(source + ": " + path + " is a " + what + " of type \""
        + node.path("type").asText("") + "\", which Corpus Encoder does not implement; "
        + "supported: " + supported);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
