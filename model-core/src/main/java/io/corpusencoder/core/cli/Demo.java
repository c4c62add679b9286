package io.corpusencoder.core.cli;

import io.corpusencoder.core.embed.Embedding;
import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelLoader;
import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.math.Ops;
import java.util.List;

/**
 * The default run until the Spark job exists: encodes a few sentences with a real pretrained
 * model and prints their pairwise cosine similarities, most similar pair first.
 */
public final class Demo {
  static final List<String> SENTENCES = List.of(
      "A man is playing a guitar on stage.",
      "Someone performs music with a guitar in front of an audience.",
      "The stock market fell sharply on Monday.",
      "Share prices dropped steeply at the start of the week.",
      "A cat sleeps on the warm windowsill.",
      "Le chat dort sur le rebord de la fenêtre.");

  private Demo() {}

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 ? args[0] : "all-minilm-l6-v2";
    long t0 = System.nanoTime();
    EmbeddingModel model = ModelLoader.load(name);
    long t1 = System.nanoTime();
    List<Embedding> e = model.embed(SENTENCES);
    long t2 = System.nanoTime();
    System.out.printf("model %s: %d dims, %s pooling, normalize=%s, weights sha256 %s…%n", model.name(),
        model.dimension(), model.pooling().name().toLowerCase(), model.normalize(),
        model.weightsSha256().substring(0, 12));
    System.out.printf("loaded in %.1f s; encoded %d sentences in %.0f ms with BLAS %s%n%n",
        (t1 - t0) / 1e9, SENTENCES.size(), (t2 - t1) / 1e6, Blas.implementation());
    for (int i = 0; i < SENTENCES.size(); i++) {
      System.out.printf("[%d] %s  (%d tokens)%n", i, SENTENCES.get(i), e.get(i).nTokens());
    }
    System.out.println("\ncosine similarity:");
    System.out.print("     ");
    for (int j = 0; j < SENTENCES.size(); j++) System.out.printf("  [%d]  ", j);
    System.out.println();
    for (int i = 0; i < SENTENCES.size(); i++) {
      System.out.printf("[%d] ", i);
      for (int j = 0; j < SENTENCES.size(); j++) {
        System.out.printf(" %6.3f ", Ops.cosine(e.get(i).vector(), e.get(j).vector()));
      }
      System.out.println();
    }
    int bi = 0, bj = 1;
    double best = -2;
    for (int i = 0; i < SENTENCES.size(); i++) {
      for (int j = i + 1; j < SENTENCES.size(); j++) {
        double c = Ops.cosine(e.get(i).vector(), e.get(j).vector());
        if (c > best) {
          best = c;
          bi = i;
          bj = j;
        }
      }
    }
    System.out.printf("%nmost similar: [%d] and [%d] (%.3f)%n", bi, bj, best);
  }
}
