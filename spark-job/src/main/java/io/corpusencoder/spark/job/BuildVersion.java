package io.corpusencoder.spark.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Corpus Encoder's version, from corpus-encoder.properties (filled by Maven's resource filtering).
 * Every output's footer carries it, so a build without it fails instead of writing "unknown".
 */
public final class BuildVersion {
  static final String RESOURCE = "/corpus-encoder.properties";

  private BuildVersion() {}

  /** The version of the classes this JVM runs. */
  public static String current() {
    try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
      return read(in, RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCE, e);
    }
  }

  /** The {@code version} property of {@code in} (null: the resource is missing). */
  static String read(InputStream in, String source) throws IOException {
    if (in == null) {
      throw new IllegalStateException(source + " is not on the classpath: the job jar is "
          + "incomplete; rebuild it with mvn -DskipTests package");
    }
    Properties p = new Properties();
    p.load(in);
    String v = p.getProperty("version", "").trim();
    if (v.isEmpty() || v.contains("${")) {
      throw new IllegalStateException(source + ": version is \"" + v + "\"; expected the "
          + "project version filled in by the Maven build (rebuild with mvn -DskipTests package)");
    }
    return v;
  }
}
