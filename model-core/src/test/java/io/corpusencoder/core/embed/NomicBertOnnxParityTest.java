package io.corpusencoder.core.embed;

import java.util.List;

/**
 * NomicBERT: the rotary base read from the graph's inverse-frequency constant (the table computed
 * by Einsum, Cos and Sin), the fused Wqkv's heads, the rotary slice over the whole head, the
 * √(1/√d) scaling of q and k, SwiGLU and the post-norms followed in
 * models/nomicbert-tiny/onnx/model.onnx (nomic's own NomicBertModel on the fixture's weights,
 * torch.onnx TorchScript exporter, opset 18: make_nomic_onnx_fixtures.py). The reference file is
 * nomic's code's output (make_nomic_reference.py). See {@link OnnxFamilyParityTest}.
 */
class NomicBertOnnxParityTest extends OnnxFamilyParityTest {
  NomicBertOnnxParityTest() {
    super("nomicbert-tiny");
  }

  @Override
  String referenceName() {
    return "nomic's NomicBertModel";
  }

  /** make_nomic_onnx_fixtures.py exports token_type_ids too (two token types). */
  @Override
  List<String> exportedInputs() {
    return List.of("input_ids", "attention_mask", "token_type_ids");
  }
}
