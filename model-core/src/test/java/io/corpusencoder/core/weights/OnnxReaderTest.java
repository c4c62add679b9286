package io.corpusencoder.core.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Graph-following import on hand-built ONNX graphs: what it maps and what it refuses. */
class OnnxReaderTest {

  /** Minimal protobuf writer for the few ONNX messages these tests need. */
  static final class Proto {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    Proto string(int field, String s) throws IOException {
      out.writeString(field, s);
      return this;
    }

    Proto int64(int field, long v) throws IOException {
      out.writeInt64(field, v);
      return this;
    }

    Proto message(int field, Proto p) throws IOException {
      out.writeBytes(field, ByteString.copyFrom(p.toBytes()));
      return this;
    }

    Proto raw(int field, byte[] b) throws IOException {
      out.writeBytes(field, ByteString.copyFrom(b));
      return this;
    }

    byte[] toBytes() throws IOException {
      out.flush();
      return bytes.toByteArray();
    }
  }

  static Proto node(String name, String op, String[] in, String[] outs) throws IOException {
    Proto n = new Proto();
    for (String i : in) n.string(1, i);
    for (String o : outs) n.string(2, o);
    return n.string(3, name).string(4, op);
  }

  static Proto floatTensor(String name, int... dims) throws IOException {
    Proto t = new Proto();
    int n = 1;
    for (int d : dims) {
      t.int64(1, d);
      n *= d;
    }
    return t.int64(2, 1).string(8, name).raw(9, new byte[4 * n]);
  }


  /** Graph parts tagged with their GraphProto field numbers. */
  static byte[] graph(Object... fieldAndPart) throws IOException {
    Proto g = new Proto();
    for (int i = 0; i < fieldAndPart.length; i += 2) {
      g.message((Integer) fieldAndPart[i], (Proto) fieldAndPart[i + 1]);
    }
    return new Proto().int64(1, 8).message(7, g).toBytes();
  }

  @Test
  void refusesFusedOperatorsNamingTheNode() throws Exception {
    byte[] onnx = graph(1, node("/encoder/layer.0/attention/Attention_0", "Attention",
        new String[] {"x", "w"}, new String[] {"y"}));
    var e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(onnx, "fused.onnx", null));
    assertTrue(e.getMessage().startsWith("fused.onnx: node /encoder/layer.0/attention/Attention_0 "
        + "has op Attention"), e.getMessage());
  }

  @Test
  void refusesAWeightItCannotName() throws Exception {
    byte[] onnx = graph(
        5, floatTensor("onnx::MatMul_9", 4, 4),
        1, node("/pooler/MatMul", "MatMul", new String[] {"x", "onnx::MatMul_9"}, new String[] {"y"}));
    var e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(onnx, "p.onnx", null));
    assertEquals("p.onnx: cannot tell which weight node /pooler/MatMul (MatMul with onnx::MatMul_9)"
        + " is: no named bias follows it and its name is not an encoder scope path", e.getMessage());
  }

  @Test
  void refusesABiasThatContradictsTheNodeScope() throws Exception {
    byte[] onnx = graph(
        5, floatTensor("onnx::MatMul_1", 4, 4),
        5, floatTensor("encoder.layer.0.attention.self.key.bias", 4),
        1, node("/encoder/layer.0/attention/self/query/MatMul", "MatMul",
            new String[] {"x", "onnx::MatMul_1"}, new String[] {"m"}),
        1, node("/encoder/layer.0/attention/self/query/Add", "Add",
            new String[] {"encoder.layer.0.attention.self.key.bias", "m"}, new String[] {"y"}));
    var e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(onnx, "c.onnx", null));
    assertTrue(e.getMessage().contains("adds bias of encoder.layer.0.attention.self.key.weight but "
        + "its scope says encoder.layer.0.attention.self.query.weight"), e.getMessage());
  }

  static Proto longScalar(String name, long v) throws IOException {
    return new Proto().int64(2, 7).string(8, name).int64(7, v);
  }

  /**
   * RoBERTa's position ids, cumsum(ids != p) * (ids != p) + p, with the Add's p (2) not the
   * Equal's (1): not transformers' computation, so refused naming both.
   */
  @Test
  void refusesPositionIdsWhosePaddingIdxDisagrees() throws Exception {
    byte[] onnx = graph(
        5, floatTensor("embeddings.position_embeddings.weight", 6, 2),
        5, longScalar("pad", 1),
        5, longScalar("offset", 2),
        5, longScalar("axis", 1),
        1, node("/embeddings/Equal", "Equal", new String[] {"input_ids", "pad"}, new String[] {"e"}),
        1, node("/embeddings/Not", "Not", new String[] {"e"}, new String[] {"n"}),
        1, node("/embeddings/Cast", "Cast", new String[] {"n"}, new String[] {"c"}),
        1, node("/embeddings/CumSum", "CumSum", new String[] {"c", "axis"}, new String[] {"s"}),
        1, node("/embeddings/Mul", "Mul", new String[] {"s", "c"}, new String[] {"m"}),
        1, node("/embeddings/Add", "Add", new String[] {"m", "offset"}, new String[] {"pos"}),
        1, node("/embeddings/position_embeddings/Gather", "Gather",
            new String[] {"embeddings.position_embeddings.weight", "pos"}, new String[] {"y"}));
    var e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(onnx, "r.onnx", null));
    assertEquals("r.onnx: node /embeddings/position_embeddings/Gather reads "
        + "embeddings.position_embeddings.weight at positions computed with a CumSum, but not as "
        + "cumsum(input_ids != p) * (input_ids != p) + p (the Add before it adds 2, the Equal on "
        + "input_ids compares with 1); expected RoBERTa's positions from padding_idx + 1",
        e.getMessage());
  }

  /** models/modernbert-tiny/onnx/model.onnx (make_family_onnx_fixtures.py) as bytes. */
  private static byte[] modernBertExport() throws Exception {
    var url = OnnxReaderTest.class.getClassLoader()
        .getResource("models/modernbert-tiny/onnx/model.onnx");
    return java.nio.file.Files.readAllBytes(java.nio.file.Path.of(url.toURI()));
  }

  /** The little-endian float32 bytes of {@code values}. */
  private static byte[] le(float... values) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * values.length)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float v : values) b.putFloat(v);
    return b.array();
  }

  /** Where {@code part} starts in {@code all}; it must occur exactly once. */
  private static int indexOnce(byte[] all, byte[] part) {
    int found = -1;
    for (int i = 0; i + part.length <= all.length; i++) {
      if (Arrays.equals(all, i, i + part.length, part, 0, part.length)) {
        assertEquals(-1, found, "the byte pattern occurs more than once");
        found = i;
      }
    }
    assertTrue(found >= 0, "the byte pattern is not in the file");
    return found;
  }

  /** 1 / base^(2i/16), i = 0..7, as torch stores ModernBERT-tiny's inv_freq (head size 16). */
  private static float[] invFreq(double base) {
    float[] f = new float[8];
    for (int i = 0; i < 8; i++) f[i] = 1f / (float) Math.pow(base, (float) (2 * i) / 16);
    return f;
  }

  /**
   * The rotary bases are read from the graph's frequency constants, not from a default: with the
   * global (160000) and local (10000) constants' bytes swapped in the file, the global layers
   * read base 10000 and the local ones 160000.
   */
  @Test
  void readsModernBertsRotaryBasesFromItsFrequencyConstants() throws Exception {
    byte[] onnx = modernBertExport();
    OnnxReader.Imported as = OnnxReader.read(onnx, "m.onnx", null);
    assertEquals(new io.corpusencoder.core.config.EncoderConfig.Rotary(3, 160000.0, 128, 10000.0),
        as.config().rotary());
    byte[] global = le(invFreq(160000.0));
    byte[] local = le(invFreq(10000.0));
    int g = indexOnce(onnx, global);
    int l = indexOnce(onnx, local);
    System.arraycopy(local, 0, onnx, g, local.length);
    System.arraycopy(global, 0, onnx, l, global.length);
    assertEquals(new io.corpusencoder.core.config.EncoderConfig.Rotary(3, 10000.0, 128, 160000.0),
        OnnxReader.read(onnx, "m.onnx", null).config().rotary());
  }

  /** A frequency constant that is not 1 / base^(2i/d) for any integer base is refused by node. */
  @Test
  void refusesModernBertFrequenciesOfNoBase() throws Exception {
    byte[] onnx = modernBertExport();
    float[] f = invFreq(160000.0);
    int at = indexOnce(onnx, le(f));
    f[3] *= 1.001f;
    System.arraycopy(le(f), 0, onnx, at, 32);
    var e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(onnx, "m.onnx", null));
    assertTrue(e.getMessage().startsWith("m.onnx: node /layers.0/attn/rotary_emb/Cos rotates "
        + "with frequencies ["), e.getMessage());
    assertTrue(e.getMessage().contains("which are not 1 / base^(2i/16) for an integer base (the "
        + "nearest, 160000.0, gives"), e.getMessage());
  }

  /** An op ModernBERT's export does not have is refused naming its node. */
  @Test
  void refusesAnOpModernBertsExportDoesNotHave() throws Exception {
    byte[] onnx = modernBertExport();
    // NodeProto field 4 (op_type) "LessOrEqual" → the unknown, same-length "LessOrEquaX".
    int at = indexOnce(onnx, "\"\u000bLessOrEqual".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    onnx[at + 12] = 'X';
    var e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(onnx, "m.onnx", null));
    assertEquals("m.onnx: node /LessOrEqual has op LessOrEquaX, which is not part of ModernBERT's "
        + "export (fused ONNX Runtime operators come from optimized exports: export the plain "
        + "model)", e.getMessage());
  }

  /**
   * A graph computing rotary cos/sin without ModernBERT's token embeddings or NomicBERT's emb_ln
   * (here ModernBERT's with that initializer renamed) is refused naming its first Cos node.
   */
  @Test
  void refusesARotaryGraphThatIsNotModernBert() throws Exception {
    byte[] onnx = modernBertExport();
    byte[] name = "embeddings.tok_embeddings.weight".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] other = "embeddings.tok_embeddingX.weight".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i + name.length <= onnx.length; i++) {
      if (Arrays.equals(onnx, i, i + name.length, name, 0, name.length)) {
        System.arraycopy(other, 0, onnx, i, other.length);
      }
    }
    var e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(onnx, "m.onnx", null));
    assertEquals("m.onnx: node /layers.0/attn/rotary_emb/Cos has op Cos: the graph computes rotary "
        + "position embeddings but has no initializer embeddings.tok_embeddings.weight nor "
        + "emb_ln.weight, so it is neither a ModernBERT nor a NomicBERT export (the rotary "
        + "families with Cos nodes this importer maps); load the model's Hugging Face directory "
        + "(config.json + model.safetensors) instead", e.getMessage());
  }

  /**
   * A real NomicBERT export the importer cannot map (models/onnx-nomic-refused/model.onnx: nomic's
   * own NomicBertModel with dynamic NTK, rotary_scaling_factor 2 over max_trained_positions 8, one
   * layer, 64-token vocabulary, seeded weights, traced by torch.onnx at opset 18 on a 12-token
   * sample, made by make_nomic_onnx_fixtures.py): past the trained length the trace keeps the NTK
   * branch, so the frequencies are computed in the graph from the sequence length, and applied at
   * every length. Refused naming the Einsum that multiplies by them and the node computing them.
   */
  @Test
  void refusesANomicBertExportWithFrequenciesComputedInTheGraph() throws Exception {
    var url = getClass().getClassLoader().getResource("models/onnx-nomic-refused/model.onnx");
    java.nio.file.Path file = java.nio.file.Path.of(url.toURI());
    var e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(file));
    assertEquals(file + ": node /encoder/layers.0/attn/rotary_emb/Einsum multiplies positions by "
        + "frequencies computed in the graph (by node /encoder/layers.0/attn/rotary_emb/Mul_2, "
        + "Mul), not a constant: nomic's dynamic NTK traced past max_trained_positions computes "
        + "them from the sequence length, and the trace applies that at every length, which this "
        + "importer does not map; expected constant inverse frequencies (export the model "
        + "without rotary_scaling_factor, or with a sample no longer than max_trained_positions)",
        e.getMessage());
  }

  /**
   * A real GTE export whose rotary tables hold a scaling model-core does not implement
   * (models/onnx-gte-refused/model.onnx: Alibaba-NLP's own NewModel with mixed NTK, rope_scaling
   * {"type": "ntk", "factor": 2.0, "mixed_b": 0.5}, one layer, 64-token vocabulary, 128 positions,
   * torch.onnx TorchScript exporter at opset 18, made by make_gte_onnx_fixtures.py): refused
   * naming the cos table's Constant node, the first entry that differs and the settings the
   * tables' rows and frequencies imply.
   */
  @Test
  void refusesAGteExportWhoseRotaryTablesHoldAnotherScaling() throws Exception {
    var url = getClass().getClassLoader().getResource("models/onnx-gte-refused/model.onnx");
    java.nio.file.Path file = java.nio.file.Path.of(url.toURI());
    var e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(file));
    assertEquals(file + ": node /embeddings/rotary_emb/Constant holds 0.7090445 at row 1, column "
        + "0 where the rotary table of rope_theta 417196.0 with fixed NTK factor 2.0 (rows / "
        + "position ids) has 0.608201; expected tables of plain rotary or of NewModel's fixed NTK "
        + "rope_scaling (mixed_b and other scalings are not supported)", e.getMessage());
  }

  /**
   * Each family's reader refuses a real export carrying a Hugging Face-named weight it never reads
   * (a pooler here) or a node reading the final hidden state (a head), rather than dropping them:
   * the extra graph parts are appended as a second GraphProto, which protobuf merges into the first.
   */
  @ParameterizedTest
  @CsvSource(quoteCharacter = '`', value = {
      "modernbert-tiny, ModernBERT, the final norm's output, ModernBertModel's last_hidden_state",
      "nomicbert-tiny, NomicBERT, the last layer's output, NomicBertModel's last_hidden_state",
      "gte-en-tiny, GTE NewModel, the last mlp_ln's output, NewModel's last_hidden_state"})
  void familyReadersRefuseAWeightOrAHeadTheyDoNotMap(String fixture, String family, String what,
      String output) throws Exception {
    var url = getClass().getClassLoader().getResource("models/" + fixture + "/onnx/model.onnx");
    byte[] export = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(url.toURI()));
    byte[] withPooler = concat(export, graph(5, floatTensor("pooler.dense.weight", 4, 4)));
    var unused = assertThrows(ModelFormatException.class,
        () -> OnnxReader.read(withPooler, "m.onnx", null));
    assertTrue(unused.getMessage().startsWith("m.onnx: initializer pooler.dense.weight is not "
        + "read where " + family + "'s graph reads its weights; expected only "),
        unused.getMessage());
    byte[] withHead = concat(export, graph(1, node("/head/Tanh", "Tanh",
        new String[] {"last_hidden_state"}, new String[] {"head_out"})));
    var head = assertThrows(ModelFormatException.class,
        () -> OnnxReader.read(withHead, "m.onnx", null));
    assertEquals("m.onnx: node /head/Tanh (Tanh) reads " + what + "; expected it to be the "
        + "graph's output (" + output + ", no pooler or head)", head.getMessage());
  }

  /**
   * One LayerNormalization of a real export given another epsilon (its first "epsilon" attribute's
   * float changed to 2e-5) is refused naming a norm and the config's one epsilon field.
   */
  @ParameterizedTest
  @CsvSource({"modernbert-tiny, norm_eps", "nomicbert-tiny, layer_norm_epsilon",
      "gte-en-tiny, layer_norm_eps"})
  void familyReadersRefuseNormsOfTwoEpsilons(String fixture, String field) throws Exception {
    var url = getClass().getClassLoader().getResource("models/" + fixture + "/onnx/model.onnx");
    byte[] onnx = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(url.toURI()));
    // AttributeProto: name (field 1) "epsilon", then f (field 2, fixed32: tag 0x15) and 4 bytes
    byte[] attr = "\n\u0007epsilon\u0015".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = -1;
    for (int i = 0; i + attr.length <= onnx.length && at < 0; i++) {
      if (Arrays.equals(onnx, i, i + attr.length, attr, 0, attr.length)) at = i + attr.length;
    }
    assertTrue(at > 0, "no epsilon attribute in " + fixture);
    java.nio.ByteBuffer.wrap(onnx, at, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(2e-5f);
    var e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(onnx, "m.onnx", null));
    assertTrue(e.getMessage().startsWith("m.onnx: node "), e.getMessage());
    assertTrue(e.getMessage().matches(".*/LayerNormalization has epsilon \\S+ but .* has \\S+; "
        + "expected one " + field) && e.getMessage().contains("2.0E-5"), e.getMessage());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void rejectsTruncatedFiles() throws Exception {
    byte[] onnx = graph(5, floatTensor("embeddings.word_embeddings.weight", 10, 4));
    byte[] cut = Arrays.copyOf(onnx, onnx.length - 20);
    var e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(cut, "cut.onnx", null));
    assertTrue(e.getMessage().startsWith("cut.onnx: not a valid ONNX protobuf"), e.getMessage());
  }
}
