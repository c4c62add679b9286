package io.corpusencoder.core.embed;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The prompts a sentence-transformers model declares (config_sentence_transformers.json's
 * "prompts", e.g. {"query": "query: ", "passage": "passage: "}) and its "default_prompt_name",
 * the prompt used when none is asked for (null: none).
 */
public record Prompts(Map<String, String> byName, String defaultName) implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final Prompts NONE = new Prompts(Map.of(), null);

  public Prompts {
    byName = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    if (defaultName != null && !byName.containsKey(defaultName)) {
      throw new IllegalArgumentException("default_prompt_name \"" + defaultName
          + "\" is not one of the prompts " + byName.keySet());
    }
  }

  /** The default prompt's text, "" when the model has none. */
  public String defaultText() {
    return defaultName == null ? "" : byName.get(defaultName);
  }

  /** The text of prompt {@code name}; errors name {@code option} and the model's prompts. */
  public String text(String name, String option, String model) {
    String t = byName.get(name);
    if (t == null) {
      throw new IllegalArgumentException(option + " \"" + name + "\": model " + model
          + (byName.isEmpty() ? " declares no prompts (config_sentence_transformers.json)"
              : " declares the prompts " + byName.keySet()
                  + " (config_sentence_transformers.json)"));
    }
    return t;
  }
}
