package io.corpusencoder.core.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Real multilingual texts: Debian package descriptions in 30+ languages and all major scripts,
 * built by src/test/python/make_multilingual_corpus.py into a test resource.
 */
final class MultilingualTexts {
  static final String RESOURCE = "tokenize/multilingual-texts.jsonl.gz";
  private static List<String> cached;

  private MultilingualTexts() {}

  static synchronized List<String> all() {
    if (cached != null) return cached;
    ObjectMapper json = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    try (InputStream raw = MultilingualTexts.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (raw == null) throw new IOException("test resource " + RESOURCE + " is missing");
      BufferedReader r = new BufferedReader(
          new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank()) continue;
        JsonNode n = json.readTree(line);
        texts.add(n.path("text").asText());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cached = List.copyOf(texts);
    return cached;
  }
}
