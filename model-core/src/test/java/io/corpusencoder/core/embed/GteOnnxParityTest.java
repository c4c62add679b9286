package io.corpusencoder.core.embed;

/**
 * GTE NewModel: the rotary tables the trace stores as constants (rope_theta 500000 and NTK factor
 * 2 read back from them and checked row by row against RotaryEmbedding), max_position_embeddings
 * from the position ids, and the q, k, v and up, gate order of the fused projections' Splits
 * read from the graph of models/gte-en-tiny/onnx/model.onnx (Alibaba-NLP's own NewModel, eager
 * attention, torch.onnx TorchScript exporter, opset 18: make_gte_onnx_fixtures.py). See
 * {@link OnnxFamilyParityTest}.
 */
class GteOnnxParityTest extends OnnxFamilyParityTest {
  GteOnnxParityTest() {
    super("gte-en-tiny");
  }
}
