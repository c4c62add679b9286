package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.math.Ops;
import io.corpusencoder.core.testing.TestModels;
import io.corpusencoder.core.testing.TestTexts;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise that a vector does not depend on the kernels' path: a catalog model's token vectors
 * and pooled vectors, computed in child JVMs without the Vector API (the scalar twins), with 4
 * lanes and with 16 lanes (emulated where the CPU has fewer), equal this JVM's bit for bit.
 */
class KernelPathsTest {
  static final String MODEL = "all-minilm-l6-v2";
  static final int TEXTS = 40;

  @Test
  void vectorsAreBitwiseTheSameOnEveryKernelPath(@TempDir Path dir) throws Exception {
    assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
        "this test compares the Vector API's path with the others");
    ByteArrayOutputStream here = new ByteArrayOutputStream();
    int[] ends = write(here);
    byte[] expected = here.toByteArray();
    List<String[]> paths = List.of(
        new String[] {"scalar (jdk.incubator.vector is not loaded", null},
        new String[] {"Vector API, 4 lanes", "128"},
        new String[] {"Vector API, 16 lanes", "512"});
    for (String[] path : paths) {
      Path file = dir.resolve("vectors-" + path[1] + ".bin");
      String simd = runChild(path[1], file);
      assertTrue(simd.startsWith(path[0]), "the child ran " + simd + ", expected " + path[0]);
      compare(expected, Files.readAllBytes(file), ends, Ops.simd() + " vs " + simd);
    }
  }

  /**
   * Embeds the texts and writes, per text, its token vectors, its pooled vector and the pooled
   * vector of the [CLS]-only shortcut's path; returns each text's end offset in the output.
   */
  static int[] write(OutputStream sink) throws IOException {
    EmbeddingModel model = TestModels.model(MODEL);
    List<String> texts = new ArrayList<>(TestTexts.generate(TEXTS, 13));
    texts.add("the corpus of embedding layers, ".repeat(120)); // past the 512-token limit
    texts.add(String.join(" ", texts.subList(12, TEXTS)));
    List<Embedding> full = model.embed(texts, false, true);
    List<Embedding> pooled = model.embed(texts);
    DataOutputStream out = new DataOutputStream(sink);
    int[] ends = new int[texts.size()];
    int truncated = 0;
    for (int i = 0; i < texts.size(); i++) {
      if (full.get(i).truncated()) truncated++;
      for (float[] row : full.get(i).tokenVectors()) {
        for (float f : row) out.writeInt(Float.floatToRawIntBits(f));
      }
      for (float f : full.get(i).vector()) out.writeInt(Float.floatToRawIntBits(f));
      for (float f : pooled.get(i).vector()) out.writeInt(Float.floatToRawIntBits(f));
      ends[i] = out.size();
    }
    out.flush();
    if (truncated == 0) throw new AssertionError("the texts must include long (truncated) ones");
    return ends;
  }

  private static void compare(byte[] expected, byte[] got, int[] ends, String paths) {
    assertEquals(expected.length, got.length, paths + ": output lengths");
    int text = 0;
    for (int k = 0; k < expected.length; k++) {
      while (k >= ends[text]) text++;
      if (expected[k] != got[k]) {
        ByteBuffer a = ByteBuffer.wrap(expected);
        ByteBuffer b = ByteBuffer.wrap(got);
        int word = k / 4 * 4;
        throw new AssertionError(paths + ": text " + text + " differs first at byte " + k + ": "
            + a.getFloat(word) + " vs " + b.getFloat(word));
      }
    }
  }

  private static String runChild(String bits, Path file) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    if (bits != null) {
      cmd.add("--add-modules=jdk.incubator.vector");
      cmd.add("-Dcorpusencoder.simd.bits=" + bits);
    }
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")) cmd.add(a);
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(),
        file.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child JVM finished");
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "child JVM " + cmd + ":\n" + text);
    for (String line : text.split("\n")) {
      if (line.startsWith("simd: ")) return line.substring(6).trim();
    }
    throw new AssertionError("the child did not say which kernels ran:\n" + text);
  }

  /** Child JVM entry: args = output file. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      try (OutputStream out = Files.newOutputStream(Paths.get(args[0]))) {
        write(new java.io.BufferedOutputStream(out));
      }
      System.out.println("simd: " + Ops.simd());
      System.exit(0);
    }
  }
}
