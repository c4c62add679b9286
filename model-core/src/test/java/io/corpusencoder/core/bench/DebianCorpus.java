package io.corpusencoder.core.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Real English texts: Debian package descriptions from apt's Translation-en index (as printed by
 * apt-helper cat-file), one text per distinct description: synopsis, then the long description.
 */
final class DebianCorpus {
  private DebianCorpus() {}

  static List<String> read(Path file, int n, long seed) throws IOException {
    Set<String> texts = new LinkedHashSet<>();
    StringBuilder cur = null;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith("Description-en: ")) {
        if (cur != null) texts.add(cur.toString());
        cur = new StringBuilder(line.substring("Description-en: ".length()).trim()).append(".\n");
      } else if (cur != null && line.startsWith(" ")) {
        String body = line.substring(1);
        cur.append(body.equals(".") ? "\n" : body + " ");
      } else if (cur != null && line.isEmpty()) {
        texts.add(cur.toString().trim());
        cur = null;
      }
    }
    if (cur != null) texts.add(cur.toString().trim());
    List<String> all = new ArrayList<>(texts);
    if (all.size() < n) {
      throw new IOException(file + ": only " + all.size() + " descriptions, " + n + " wanted");
    }
    Collections.shuffle(all, new Random(seed));
    return new ArrayList<>(all.subList(0, n));
  }
}
