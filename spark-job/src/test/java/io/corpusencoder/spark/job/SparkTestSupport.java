package io.corpusencoder.spark.job;

import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelLoader;
import io.corpusencoder.spark.tune.Tuner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** One local SparkSession and the reference model, shared by the Spark tests of a JVM. */
public final class SparkTestSupport {
  private static SparkSession spark;
  private static EmbeddingModel model;

  private SparkTestSupport() {}

  public static synchronized SparkSession spark() {
    if (spark == null) {
      spark = SparkSession.builder().master("local[2]").appName("corpus-encoder-test")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.driver.host", "127.0.0.1")
          .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }

  public static synchronized EmbeddingModel model() {
    if (model == null) {
      try {
        model = ModelLoader.load("all-minilm-l6-v2");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return model;
  }

  /** Runs the job in this JVM's session, as main would after parsing. */
  public static JobReport runJob(String... args) throws IOException {
    JobOptions o = JobOptions.parse(args, Map.of());
    return EncodeJob.run(spark(), o, EncodeJob.prepare(o));
  }

  /**
   * Runs EncodeJob's main in a JVM of its own (this JVM's classpath and module flags), as a user
   * would from the command line; returns its exit status, with its output in {@code log}.
   */
  public static int runJobInChildJvm(java.nio.file.Path log, List<String> jvmProps, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = Tuner.javaCommand("-Xmx2g");
    cmd.add("-Dspark.driver.host=127.0.0.1");
    cmd.add("-Dspark.ui.enabled=false");
    cmd.addAll(jvmProps);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(EncodeJob.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("the job did not finish in 10 minutes; see " + log);
    }
    return p.exitValue();
  }

  /** Sentences of varied length and language for the tests. */
  public static List<String> texts(int n) {
    String[] base = {
      "Spark executors decode the broadcast model once and share it across tasks.",
      "Le modèle est diffusé une seule fois à chaque exécuteur.",
      "Das Modell wird einmal an jeden Executor verteilt.",
      "模型只广播一次。",
      "Short.",
      "",
      "   ",
      "A much longer text about embeddings, retrieval, clustering and deduplication, which goes "
          + "on for a while so that it needs more tokens than the others in this little corpus.",
      "Numbers 3.14159 and URLs https://example.org/a?b=c mixed with emoji 🚀 and code x += 1;",
    };
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String b = base[i % base.length];
      out.add(i < base.length ? b : b + " (" + i + ")" + " more".repeat(i % 13));
    }
    return out;
  }
}
