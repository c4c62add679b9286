package io.corpusencoder.core.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.util.HashMap;
import java.util.Map;

/** ONNX Runtime running an ONNX export: the reference our encoder must match. Test scope only. */
public final class OnnxRuntimeReference implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  public OnnxRuntimeReference(byte[] onnx, int threads) throws Exception {
    OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
    opts.setIntraOpNumThreads(threads);
    opts.setInterOpNumThreads(1);
    session = env.createSession(onnx, opts);
  }

  /** last_hidden_state [batch][seq][hidden] of a padded batch (mask 1 = real token). */
  public float[][][] lastHiddenState(long[][] ids, long[][] mask, long[][] types) throws Exception {
    Map<String, OnnxTensor> in = new HashMap<>();
    try {
      in.put("input_ids", OnnxTensor.createTensor(env, ids));
      in.put("attention_mask", OnnxTensor.createTensor(env, mask));
      if (session.getInputNames().contains("token_type_ids")) {
        in.put("token_type_ids", OnnxTensor.createTensor(env, types));
      }
      try (OrtSession.Result r = session.run(in)) {
        return (float[][][]) r.get(0).getValue();
      }
    } finally {
      for (OnnxTensor t : in.values()) t.close();
    }
  }

  /** last_hidden_state of one unpadded sequence: [seq][hidden]. */
  public float[][] lastHiddenState(int[] ids, int[] types) throws Exception {
    long[][] i = {new long[ids.length]};
    long[][] m = {new long[ids.length]};
    long[][] t = {new long[ids.length]};
    for (int k = 0; k < ids.length; k++) {
      i[0][k] = ids[k];
      m[0][k] = 1;
      t[0][k] = types[k];
    }
    return lastHiddenState(i, m, t)[0];
  }

  @Override
  public void close() throws Exception {
    session.close();
  }
}
