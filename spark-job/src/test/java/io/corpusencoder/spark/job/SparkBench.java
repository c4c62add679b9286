package io.corpusencoder.spark.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelLoader;
import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.math.Ops;
import io.corpusencoder.core.tokenize.Encoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.sql.SparkSession;

/**
 * scripts/bench.sh --spark: the Spark job end to end on local[2] (read JSON lines, tokenize,
 * encode, write Parquet) against model-core alone on 2 threads (tokenize + encode), same texts,
 * same model and maximum length, interleaved; medians.
 */
public final class SparkBench {
  private SparkBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>(Map.of("--input", "", "--model",
        "all-minilm-l6-v2", "--max-length", "256", "--reps", "3"));
    for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i], args[i + 1]);
    Path input = Paths.get(opt.get("--input"));
    int reps = Integer.parseInt(opt.get("--reps"));
    ObjectMapper json = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    for (String l : Files.readAllLines(input)) texts.add(json.readTree(l).get("text").asText());
    EmbeddingModel model = ModelLoader.load(opt.get("--model"))
        .withMaxLength(Integer.parseInt(opt.get("--max-length")));
    SparkSession spark = SparkSession.builder().master("local[2]").appName("corpus-encoder-bench")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    System.out.printf("%d texts from %s, model %s, max length %s, BLAS %s, SIMD %s, "
        + "OPENBLAS_NUM_THREADS=%s%n", texts.size(), input, model.name(), opt.get("--max-length"),
        Blas.implementation(), Ops.simd(), System.getenv("OPENBLAS_NUM_THREADS"));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<double[]> core = new ArrayList<>();
    List<double[]> job = new ArrayList<>();
    Path out = Files.createTempDirectory("spark-bench");
    model.embed(texts.subList(0, Math.min(200, texts.size())), false, false, pool); // warm-up
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      long tokens = 0;
      List<Encoding> enc = new ArrayList<>();
      for (String t : texts) enc.add(model.tokenize(t));
      for (Encoding e : enc) tokens += e.length();
      model.embedEncodings(enc, false, false, pool);
      double s = (System.nanoTime() - t0) / 1e9;
      core.add(new double[] {s, tokens / s});

      JobOptions o = JobOptions.parse(new String[] {"--input", input.toString(), "--output",
          out.resolve("run" + r).toString(), "--model", opt.get("--model"), "--max-length",
          opt.get("--max-length"), "--long-text", "truncate"}, Map.of());
      long t1 = System.nanoTime();
      JobReport rep = EncodeJob.run(spark, o, EncodeJob.prepare(o));
      double js = (System.nanoTime() - t1) / 1e9;
      long jt = ((Number) rep.fields.get("real_tokens")).longValue();
      job.add(new double[] {js, jt / js});
      System.out.printf(Locale.ROOT, "  rep %d: model-core 2 threads %.0f tokens/s, Spark job "
          + "local[2] %.0f tokens/s (%.1f s end to end, model load included)%n", r,
          core.get(r)[1], job.get(r)[1], js);
    }
    pool.shutdownNow();
    double c = median(core), j = median(job);
    System.out.printf(Locale.ROOT, "model-core 2 threads (tokenize + encode): %.0f real tokens/s%n", c);
    System.out.printf(Locale.ROOT, "Spark job local[2] (read + tokenize + encode + write Parquet): "
        + "%.0f real tokens/s = %.1f%% of model-core%n", j, 100 * j / c);
    spark.stop();
  }

  private static double median(List<double[]> runs) {
    List<double[]> s = new ArrayList<>(runs);
    s.sort(Comparator.comparingDouble(a -> a[1]));
    return s.get(s.size() / 2)[1];
  }
}
