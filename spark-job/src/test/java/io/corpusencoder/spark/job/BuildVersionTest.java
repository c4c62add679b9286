package io.corpusencoder.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The version every footer carries: the pom's, or a loud failure, never "unknown". */
class BuildVersionTest {
  private static ByteArrayInputStream props(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void theBuildsVersionIsThePomsVersion() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher m = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL)
        .matcher(pom);
    m.find();
    assertEquals(m.group(1), EncodeJob.version());
  }

  @Test
  void aMissingOrUnfilledVersionFailsNamingTheResource() {
    var missing = assertThrows(IllegalStateException.class,
        () -> BuildVersion.read(null, "/corpus-encoder.properties"));
    assertEquals("/corpus-encoder.properties is not on the classpath: the job jar is incomplete; "
        + "rebuild it with mvn -DskipTests package", missing.getMessage());
    var unfilled = assertThrows(IllegalStateException.class,
        () -> BuildVersion.read(props("version=${project.version}\n"), "x.properties"));
    assertEquals("x.properties: version is \"${project.version}\"; expected the project version "
        + "filled in by the Maven build (rebuild with mvn -DskipTests package)",
        unfilled.getMessage());
    assertThrows(IllegalStateException.class,
        () -> BuildVersion.read(props("name=corpus-encoder\n"), "x.properties"));
  }
}
