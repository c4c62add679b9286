package io.corpusencoder.core.embed;

/** MPNet: positions from padding_idx 1 and the relative-position buckets computed in the graph, loaded from models/mpnet-tiny/onnx/model.onnx. See {@link OnnxFamilyParityTest}. */
class MPNetOnnxParityTest extends OnnxFamilyParityTest {
  MPNetOnnxParityTest() {
    super("mpnet-tiny");
  }
}
