package io.corpusencoder.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelLoader;
import io.corpusencoder.core.pool.Pooling;
import io.corpusencoder.core.tokenize.Encoding;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bench's FLOP count against hand computations from the fixtures' config.json (2 FLOPs per
 * multiply-add; d hidden, ff intermediate, n tokens): per layer n·(4·d² + 2·d·ff) for a plain
 * feed-forward, n·(4·d² + 3·d·ff) for a GLU, plus attention 2·d per (query, key) pair computed.
 */
class BenchFlopsTest {
  private static EmbeddingModel model(String name) throws Exception {
    Path config = Path.of(BenchFlopsTest.class.getClassLoader()
        .getResource("models/" + name + "/config.json").toURI());
    return ModelLoader.load(config.getParent().toString());
  }

  private static List<Encoding> oneText(int len) {
    return List.of(new Encoding(new int[len], new int[len], new int[len], new int[len],
        new int[len], new boolean[len], false));
  }

  @Test
  void plainFeedForwardCountsTwoProductsOfHiddenByIntermediate() throws Exception {
    // xlmr-tiny: d 64, ff 128, 2 layers, separate q/k/v (fused at load), GELU; 10 tokens.
    EmbeddingModel m = model("xlmr-tiny");
    long layer = 10 * (4 * 64 * 64 + 2 * 64 * 128) + 2 * 10 * 10 * 64; // 340,480
    assertEquals(2.0 * 2 * layer, BenchMain.flops(m, oneText(10)));
    // [CLS] pooling, post-LayerNorm: the last layer projects Q, K, V for all 10 tokens and
    // attends from the first query block (10 rows), the rest for the first token only.
    long lastCls = 10 * 3 * 64 * 64 + 2 * 10 * 10 * 64 + (64 * 64 + 2 * 64 * 128); // 156,160
    assertEquals(2.0 * (layer + lastCls),
        BenchMain.flops(m.withPooling(Pooling.CLS), oneText(10)));
  }

  @Test
  void gatedFeedForwardCountsThreeProductsOfHiddenByIntermediate() throws Exception {
    // nomicbert-tiny: d 64, n_inner 256, 4 layers, fused Wqkv, SwiGLU (fc11, fc12: d -> ff each,
    // fc2: ff -> d); 10 tokens.
    long layer = 10 * (4 * 64 * 64 + 3 * 64 * 256) + 2 * 10 * 10 * 64; // 668,160
    assertEquals(2.0 * 4 * layer, BenchMain.flops(model("nomicbert-tiny"), oneText(10)));
  }

  @Test
  void localWindowLayersCountOnlyTheBandEachQueryBlockReads() throws Exception {
    // modernbert-tiny: d 64, ff 96 (GeGLU: Wi d -> 192), 4 layers, global every 3 (layers 0 and
    // 3), local_attention 128 (64 keys either side); 600 tokens in query blocks of 256.
    long dense = 600L * (4 * 64 * 64 + 3 * 64 * 96); // 20,889,600
    long global = 2L * 600 * 600 * 64; // every key
    // [0, 256) reads keys [0, 320); [256, 512) keys [192, 576); [512, 600) keys [448, 600)
    long local = 2L * (256 * 320 + 256 * 384 + 88 * 152) * 64; // 24,780,800
    assertEquals(2.0 * (4 * dense + 2 * global + 2 * local),
        BenchMain.flops(model("modernbert-tiny"), oneText(600)));
  }
}
