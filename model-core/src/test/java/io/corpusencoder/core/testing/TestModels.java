package io.corpusencoder.core.testing;

import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelCatalog;
import io.corpusencoder.core.embed.ModelLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** The catalog models, loaded once per test JVM (their jars are test dependencies). */
public final class TestModels {
  private static final Map<String, EmbeddingModel> MODELS = new HashMap<>();

  private TestModels() {}

  public static synchronized EmbeddingModel model(String name) {
    return MODELS.computeIfAbsent(name, n -> {
      try {
        return ModelLoader.load(n);
      } catch (IOException e) {
        throw new UncheckedIOException("loading " + n, e);
      }
    });
  }

  /** The raw bytes of a catalog model's ONNX file, from the test classpath. */
  public static byte[] onnxBytes(String name) {
    ModelCatalog.Entry e = ModelCatalog.find(name).orElseThrow();
    try (InputStream in = TestModels.class.getClassLoader().getResourceAsStream(e.onnxEntry())) {
      return in.readAllBytes();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
