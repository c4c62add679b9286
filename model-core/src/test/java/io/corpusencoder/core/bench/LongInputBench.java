package io.corpusencoder.core.bench;

import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelLoader;
import io.corpusencoder.core.testing.OnnxRuntimeReference;
import io.corpusencoder.core.tokenize.Encoding;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * scripts/bench.sh --long: one engine (model-core or onnxruntime) per process on texts of exactly
 * N tokens (corpus texts joined, cut at N), so each process's peak RSS is its own. The peak is
 * reset after loading and one warm-up text (/proc/self/clear_refs 5), so "peak RSS" is the most
 * the process held while encoding, model and warm buffers included.
 */
final class LongInputBench {
  private LongInputBench() {}

  static void run(String spec, List<String> corpus, int tokens, String engine, int threads,
      int reps) throws Exception {
    String name = Files.isDirectory(Paths.get(spec)) ? Paths.get(spec).getFileName().toString() : spec;
    EmbeddingModel model = ModelLoader.load(spec).withMaxLength(tokens);
    List<Encoding> enc = new ArrayList<>();
    StringBuilder joined = new StringBuilder();
    for (String t : corpus) {
      joined.append(t).append('\n');
      Encoding e = model.tokenize(joined.toString());
      if (e.length() == tokens) {
        enc.add(e);
        joined.setLength(0);
        if (enc.size() == 2) break;
      }
    }
    if (enc.isEmpty()) {
      throw new IllegalArgumentException("the corpus is too short for one " + tokens + "-token text");
    }
    Encoding warm = enc.get(0);
    List<Encoding> timed = enc.subList(enc.size() - 1, enc.size());
    List<Double> seconds = new ArrayList<>();
    long heapPeak = 0;
    long rssBefore;
    if (engine.equals("model-core")) {
      ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
      try {
        model.embedEncodings(List.of(warm), false, false, pool);
        System.gc();
        rssBefore = resetPeakRss();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        for (int r = 0; r < reps; r++) {
          long s = System.nanoTime();
          model.embedEncodings(timed, false, false, pool);
          seconds.add((System.nanoTime() - s) / 1e9);
        }
        for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
          if (b.getType() == MemoryType.HEAP) heapPeak += b.getPeakUsage().getUsed();
        }
      } finally {
        if (pool != null) pool.shutdownNow();
      }
    } else if (engine.equals("onnxruntime")) {
      byte[] onnx = BenchMain.onnxBytes(spec);
      if (onnx == null) {
        System.out.printf("%s long %d tokens onnxruntime: n/a (no ONNX export in %s)%n", name, tokens, spec);
        return;
      }
      try (OnnxRuntimeReference ort = new OnnxRuntimeReference(onnx, threads)) {
        onnx = null;
        ort.lastHiddenState(warm.ids(), new int[warm.length()]);
        System.gc();
        rssBefore = resetPeakRss();
        Encoding e = timed.get(0);
        for (int r = 0; r < reps; r++) {
          long s = System.nanoTime();
          ort.lastHiddenState(e.ids(), new int[e.length()]);
          seconds.add((System.nanoTime() - s) / 1e9);
        }
      }
    } else {
      throw new IllegalArgumentException("--long-engine " + engine + ": expected model-core or onnxruntime");
    }
    seconds.sort(null);
    double med = seconds.get(seconds.size() / 2);
    System.out.printf(Locale.ROOT, "%s long %d tokens threads=%d %-12s %7.0f real tokens/s  "
            + "%6.2f s/text  peak RSS %5d MB (%d MB after loading)%s%n", name, tokens, threads,
        engine, tokens / med, med, peakRssKb() / 1024, rssBefore / 1024,
        heapPeak > 0 ? String.format(Locale.ROOT, ", peak heap %d MB", heapPeak >> 20) : "");
  }

  /** Resets the kernel's peak-RSS mark to the current RSS; returns the current RSS in kB. */
  private static long resetPeakRss() throws Exception {
    Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    return statusKb("VmRSS:");
  }

  private static long peakRssKb() throws Exception {
    return statusKb("VmHWM:");
  }

  private static long statusKb(String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field)) return Long.parseLong(line.replaceAll("\\D", ""));
    }
    throw new IllegalStateException("/proc/self/status has no " + field);
  }
}
