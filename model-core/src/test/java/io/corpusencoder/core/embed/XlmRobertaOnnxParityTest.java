package io.corpusencoder.core.embed;

/** XLM-RoBERTa: positions computed in the graph from padding_idx 1, loaded from models/xlmr-tiny/onnx/model.onnx. See {@link OnnxFamilyParityTest}. */
class XlmRobertaOnnxParityTest extends OnnxFamilyParityTest {
  XlmRobertaOnnxParityTest() {
    super("xlmr-tiny");
  }
}
