package io.corpusencoder.core.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * scripts/bench.sh's second anchor: sentence-transformers on PyTorch CPU, one thread, its own
 * batching (bench_st.py, a side process in the tokref venv), over the same texts at the same
 * maximum length, against model-core's 1-thread median. Needs a Hugging Face model directory.
 */
final class SentenceTransformersAnchor {
  private SentenceTransformersAnchor() {}

  static void compare(String name, String spec, List<String> texts, long ourRealTokens,
      int maxLength, int reps, String python, String skipReason, BenchMain.Run oursOneThread)
      throws IOException, InterruptedException {
    String skip = !skipReason.isEmpty() ? skipReason
        : python.isEmpty() ? "no --st-python given"
        : !Files.isRegularFile(Paths.get(spec, "config.json"))
            ? spec + " is not a Hugging Face model directory (catalog models ship ONNX + tokenizer only)"
        : oursOneThread == null ? "no 1-thread model-core run to compare with (--threads has no 1)"
        : "";
    if (!skip.isEmpty()) {
      System.out.printf("%s sentence-transformers anchor skipped: %s%n", name, skip);
      return;
    }
    Path jsonl = Files.createTempFile("bench-st-", ".jsonl");
    try {
      ObjectMapper mapper = new ObjectMapper();
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        lines.add(mapper.writeValueAsString(Map.of("id", "t" + i, "text", texts.get(i))));
      }
      Files.write(jsonl, lines, StandardCharsets.UTF_8);
      Path script = Paths.get(System.getProperty("corpusencoder.bench.python-dir",
          "model-core/src/test/python"), "bench_st.py");
      Process p = new ProcessBuilder(python, script.toString(), "--model", spec, "--texts",
          jsonl.toString(), "--max-length", Integer.toString(maxLength), "--reps",
          Integer.toString(reps))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0 || out.isEmpty()) {
        System.out.printf("%s sentence-transformers anchor failed: %s exited %d%n", name, script,
            p.exitValue());
        return;
      }
      JsonNode r = mapper.readTree(out.substring(out.lastIndexOf('\n') + 1));
      long stTokens = r.get("real_tokens").asLong();
      double sec = r.get("median_seconds").asDouble();
      double ours = oursOneThread.realTokens() / oursOneThread.seconds();
      System.out.printf(Locale.ROOT, "%s threads=1 %-26s %8.1f texts/s %9.0f real tokens/s  "
              + "(sentence-transformers %s, torch 1 thread, batch 32)%n", name,
          "sentence-transformers", texts.size() / sec, stTokens / sec, r.get("version").asText());
      System.out.printf(Locale.ROOT, "%s threads=1 ratio model-core / sentence-transformers: "
              + "%.2fx real tokens/s%s%n", name, ours / (stTokens / sec),
          stTokens == ourRealTokens ? " (same " + stTokens + " real tokens)"
              : " (token counts differ: ours " + ourRealTokens + ", theirs " + stTokens + ")");
    } finally {
      Files.deleteIfExists(jsonl);
    }
  }
}
