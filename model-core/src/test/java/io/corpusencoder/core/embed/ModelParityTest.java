package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.math.Blas;
import io.corpusencoder.core.math.Ops;
import io.corpusencoder.core.pool.Pooling;
import io.corpusencoder.core.testing.OnnxRuntimeReference;
import io.corpusencoder.core.testing.TestModels;
import io.corpusencoder.core.testing.TestTexts;
import io.corpusencoder.core.tokenize.Encoding;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our encoder against ONNX Runtime on the same ONNX file: last_hidden_state within 1e-4 on every
 * real token of 300 varied texts (long ones included), and pooled vectors (with the model's own pooling) at cosine
 * ≥ 0.99999 to the reference pooled by hand.
 */
class ModelParityTest {
  static final float HIDDEN_TOLERANCE = 1e-4f;
  static final double MIN_COSINE = 0.99999;
  /** 300, or -Dcorpusencoder.test.parity-texts (the scalar-kernels execution runs fewer). */
  static final int TEXTS = Integer.getInteger("corpusencoder.test.parity-texts", 300);

  /** The three catalog models, or those -Dcorpusencoder.test.parity-models names (comma list). */
  static Stream<String> models() {
    String only = System.getProperty("corpusencoder.test.parity-models");
    return only == null ? Stream.of("all-minilm-l6-v2", "bge-small-en-v1.5", "e5-small-v2")
        : Stream.of(only.split(","));
  }

  @ParameterizedTest
  @MethodSource("models")
  void lastHiddenStateMatchesOnnxRuntime(String name) throws Exception {
    EmbeddingModel model = TestModels.model(name);
    List<String> texts = new ArrayList<>(TestTexts.generate(TEXTS, 7));
    texts.add("the corpus of embedding layers, ".repeat(120)); // past every max length
    texts.add(String.join(" ", texts.subList(12, Math.min(60, TEXTS))));
    List<Embedding> ours = model.embed(texts, true, true);
    // Without token vectors a [CLS]-pooled model skips the other rows of its last layer.
    List<Embedding> pooledOnly = model.embed(texts);
    float worst = 0f;
    double worstCos = 1.0;
    int truncated = 0;
    try (OnnxRuntimeReference ort = new OnnxRuntimeReference(TestModels.onnxBytes(name), 2)) {
      for (int i = 0; i < texts.size(); i++) {
        Encoding e = model.tokenize(texts.get(i));
        if (e.truncated()) truncated++;
        float[][] ref = ort.lastHiddenState(e.ids(), e.typeIds());
        float[][] got = ours.get(i).tokenVectors();
        assertEquals(ref.length, got.length, "token count, text " + i);
        for (int t = 0; t < ref.length; t++) {
          for (int c = 0; c < ref[t].length; c++) {
            float d = Math.abs(ref[t][c] - got[t][c]);
            if (d > worst) worst = d;
          }
        }
        float[] refPooled = pool(ref, model.pooling());
        Ops.l2NormalizeInPlace(refPooled, 0, refPooled.length);
        double cos = Math.min(Ops.cosine(refPooled, ours.get(i).vector()),
            Ops.cosine(refPooled, pooledOnly.get(i).vector()));
        worstCos = Math.min(worstCos, cos);
        for (int c = 0; c < refPooled.length; c++) {
          worst = Math.max(worst, Math.abs(refPooled[c] - pooledOnly.get(i).vector()[c]));
        }
      }
    }
    System.out.printf("%s via %s: max |Δ hidden| = %.3g, min cosine = %.8f, %d truncated%n",
        name, Blas.implementation(), worst, worstCos, truncated);
    assertTrue(worst <= HIDDEN_TOLERANCE, name + ": max |Δ hidden| " + worst + " via "
        + Blas.implementation());
    assertTrue(worstCos >= MIN_COSINE, name + ": min cosine " + worstCos);
    assertTrue(truncated > 0, "the texts must include some longer than the max length");
  }

  private static float[] pool(float[][] h, Pooling p) {
    int d = h[0].length;
    float[] out = new float[d];
    switch (p) {
      case CLS -> System.arraycopy(h[0], 0, out, 0, d);
      case MEAN -> {
        for (float[] row : h) for (int c = 0; c < d; c++) out[c] += row[c] / h.length;
      }
      case MAX -> {
        System.arraycopy(h[0], 0, out, 0, d);
        for (float[] row : h) for (int c = 0; c < d; c++) out[c] = Math.max(out[c], row[c]);
      }
    }
    return out;
  }
}
