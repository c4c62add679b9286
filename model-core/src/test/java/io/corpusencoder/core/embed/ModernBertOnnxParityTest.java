package io.corpusencoder.core.embed;

/**
 * ModernBERT: both rotary bases, the local layers and their window, the GeGLU split and the
 * bias-free norms read from the graph of models/modernbert-tiny/onnx/model.onnx (transformers'
 * ModernBertModel, eager attention, torch.onnx TorchScript exporter, opset 18). See
 * {@link OnnxFamilyParityTest}.
 */
class ModernBertOnnxParityTest extends OnnxFamilyParityTest {
  ModernBertOnnxParityTest() {
    super("modernbert-tiny");
  }
}
