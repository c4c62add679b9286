package io.corpusencoder.core.weights;

import io.corpusencoder.core.config.Activation;
import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.model.RotaryEmbedding;
import io.corpusencoder.core.weights.OnnxReader.Imported;
import io.corpusencoder.core.weights.OnnxReader.Node;
import io.corpusencoder.core.weights.OnnxReader.RawTensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a NomicBERT ONNX export (nomic's own NomicBertModel, modeling_hf_nomic_bert.py, traced by
 * torch.onnx's TorchScript exporter) by following its graph from input_ids to the last node,
 * checking at each step that it computes what model-core's NomicBERT recipe computes:
 *
 * <ul>
 *   <li>embeddings: the word table gathered at input_ids plus the token type table gathered at
 *       token_type_ids, then emb_ln (no position table);
 *   <li>per layer l: fused bias-free Wqkv → [batch, n, 3, heads, head size]; q and k rotated as
 *       {@code x·cos + rotate_half(x)·sin} over the whole head (rotate_half = [−x₂, x₁] on its
 *       halves, the head's remaining part empty), cos/sin rows 0..n−1 of a table laid out as
 *       [c, c] per row; q, k, v stacked and taken back; scores (q·√s)·(kᵀ·√s), s = 1/√(head
 *       size) (torch.onnx's scaled_dot_product_attention), plus the padding mask (1 −
 *       attention_mask) · most negative float; softmax; · v; out_proj; x = norm1(x + that); x =
 *       norm2(x + fc2(fc11(x) · silu(fc12(x)))) with silu(g) = g · sigmoid(g);
 *   <li>the last layer's norm2 output is the graph's output.
 * </ul>
 *
 * The rotary table is either computed in the graph, cos/sin of Einsum("i,j->ij", positions 0..n−1,
 * a constant of inverse frequencies), the base read back from that constant as the integer base
 * that reproduces it; or, when the model had run on a longer input before the export (nomic's
 * module keeps its tables between calls), constant cos/sin tables of R rows: the base is read from
 * row 1's angles and every entry must equal RotaryEmbedding's table for it, and R becomes the
 * longest input (the graph itself cannot take more). Frequencies computed in the graph from the
 * sequence length (nomic's dynamic NTK traced past max_trained_positions, which the trace then
 * applies at every length) are refused naming the node, as is anything else unexpected.
 */
final class NomicBertOnnxGraph extends FamilyOnnxGraph {
  /** NomicBertModel's LayerNorm after the embeddings, which names its exports. */
  static final String EMBEDDINGS_NORM = "emb_ln.";
  private static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
  private static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";
  /**
   * n_positions of nomic-embed-text v1 and v1.5: the graph computes its table for any length, so
   * nothing in it gives this limit; a config.json next to the file wins.
   */
  static final int MAX_POSITIONS = 8192;
  /** Ops NomicBERT's graph adds to the BERT family's: the rotary table. */
  private static final Set<String> OPS = Set.of("Cos", "Sin", "Einsum");
  private static final Pattern WEIGHT_SCOPE = Pattern.compile(
      "^/encoder/layers\\.(\\d+)/(attn/Wqkv|attn/out_proj|mlp/fc11|mlp/fc12|mlp/fc2)/MatMul$");
  /** How far an export's constant cos/sin may be from RotaryEmbedding's (float32 cos differs). */
  private static final float TABLE_TOLERANCE = 1e-6f;
  private static final String EXPECTED_ROTARY = "nomic's rotary (rotary_emb_base, no scaling)";

  /** The rotary a query or key was rotated with: its base and the rows its table has (0: any). */
  private record Rotary(double base, int rows, Node at) {}

  /** Integer shapes known while walking (values' dimensions, UNKNOWN where dynamic). */
  private final Map<String, long[]> shapes = new HashMap<>();

  NomicBertOnnxGraph(OnnxReader graph) {
    super(graph, "NomicBERT");
  }

  /** Whether the graph has NomicBertModel's emb_ln (an initializer or an Identity of one). */
  static boolean isNomicBert(OnnxReader g) {
    String name = EMBEDDINGS_NORM + "weight";
    return g.initializers.containsKey(name) || g.producers.containsKey(name);
  }

  Imported read() {
    int numLayers = weightProducts(WEIGHT_SCOPE, "encoder.layers.",
        List.of("attn/Wqkv", "attn/out_proj", "mlp/fc11", "mlp/fc12", "mlp/fc2"));
    int vocab = embeddingTable(WORD_EMBEDDINGS, "input_ids");
    int typeVocab = embeddingTable(TOKEN_TYPE_EMBEDDINGS, "token_type_ids");
    hidden = weights.get(WORD_EMBEDDINGS).shape()[1];
    int ff = weights.get(weightName(0, "mlp.fc11")).shape()[0];
    String x = embeddings();
    Rotary rotary = null;
    for (int l = 0; l < numLayers; l++) {
      Node wqkv = weightNodes.get(weightName(l, "attn.Wqkv"));
      require(wqkv.inputs().get(0).equals(x), wqkv, "its input to be "
          + (l == 0 ? "emb_ln's output" : "layer " + (l - 1) + "'s output") + ", " + x);
      Node outProj = weightNodes.get(weightName(l, "attn.out_proj"));
      Rotary r = attention(wqkv, outProj);
      if (rotary == null) rotary = r;
      if (r.base() != rotary.base()) {
        throw new ModelFormatException(src + ": node " + r.at().name() + " (layer " + l
            + ") rotates with base " + r.base() + " but layer 0 with " + rotary.base() + " (node "
            + rotary.at().name() + "); expected one rotary_emb_base");
      }
      if (r.rows() > 0 && (rotary.rows() == 0 || r.rows() < rotary.rows())) rotary = r;
      String y = postNorm(residual(x, outProj), "encoder.layers." + l + ".norm1.");
      x = postNorm(residual(y, swiGlu(l, y)), "encoder.layers." + l + ".norm2.");
    }
    requireEndsAt(x, "the last layer's output", "NomicBertModel's last_hidden_state",
        "the word and token type embeddings, the norms and the layers' five products");
    for (Node n : g.nodes) {
      if (!OnnxReader.KNOWN_OPS.contains(n.op()) && !OPS.contains(n.op())) {
        throw new ModelFormatException(src + ": node " + n.name() + " has op " + n.op()
            + ", which is not part of NomicBERT's export (fused ONNX Runtime operators come "
            + "from optimized exports: export the plain model)");
      }
    }
    int maxPositions = rotary.rows() > 0 ? rotary.rows() : MAX_POSITIONS;
    try {
      return new Imported(weights, new EncoderConfig(vocab, hidden, numLayers, heads, ff,
          maxPositions, typeVocab, eps, Activation.SILU, EncoderConfig.Positions.ROTARY, false,
          "nomic_bert", -1, 0, EncoderConfig.Rotary.everyLayer(rotary.base(), null)),
          List.copyOf(g.graphInputs));
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(src + ": inferred config is invalid: " + e.getMessage(), e);
    }
  }

  private static String weightName(int layer, String product) {
    return "encoder.layers." + layer + "." + product + ".weight";
  }

  /** An embedding table gathered at a graph input: taken under its name; returns its rows. */
  private int embeddingTable(String name, String input) {
    RawTensor t = initializer(name);
    if (t == null || t.dims().length != 2 || !OnnxReader.isFloat(t)) {
      throw new ModelFormatException(src + ": no 2-D float initializer " + name + "; expected "
          + "NomicBertModel's " + name.replace(".weight", ""));
    }
    boolean gathered = false;
    for (Node c : g.consumers.getOrDefault(name, List.of())) {
      gathered |= c.op().equals("Gather") && c.inputs().equals(List.of(name, input));
    }
    if (!gathered) {
      throw new ModelFormatException(src + ": no Gather node reads " + name + " at the graph "
          + "input " + input + "; expected NomicBertModel's embeddings (exported with "
          + "input_ids, attention_mask and token_type_ids)");
    }
    weights.put(new Tensor(name, g.intDims(t), g.toFloats(t)));
    return (int) t.dims()[0];
  }

  /** word + token type embeddings, then emb_ln: returns emb_ln's output. */
  private String embeddings() {
    Node word = null;
    for (Node c : g.consumers.get(WORD_EMBEDDINGS)) if (c.op().equals("Gather")) word = c;
    Node add = onlyConsumer(word.outputs().get(0), "Add", word);
    Node types = g.producers.get(other(add, word.outputs().get(0)));
    require(types != null && types.inputs().equals(List.of(TOKEN_TYPE_EMBEDDINGS,
        "token_type_ids")), add, "word embeddings plus token type embeddings (no position "
        + "table: positions are rotary)");
    return norm(add.outputs().get(0), EMBEDDINGS_NORM);
  }

  /**
   * The output of the LayerNormalization over {@code input} with scale and bias named
   * {@code prefix}weight / bias (initializers or Identity nodes of one), taken under those
   * names; its epsilon must be the graph's one epsilon.
   */
  private String norm(String input, String prefix) {
    Node ln = onlyConsumer(input, "LayerNormalization", g.producers.get(input));
    require(ln.inputs().size() == 3 && ln.inputs().get(1).equals(prefix + "weight")
        && ln.inputs().get(2).equals(prefix + "bias"), ln, "NomicBertModel's " + prefix
        + "weight and " + prefix + "bias as its scale and bias");
    long axis = attrLong(ln, "axis", -1);
    require(axis == -1 || axis == 2, ln, "axis -1 (normalizing the hidden size)");
    for (String part : new String[] {"weight", "bias"}) {
      RawTensor t = initializer(prefix + part);
      require(t != null && OnnxReader.isFloat(t) && t.count() == hidden, ln, prefix + part
          + " a float initializer (or an Identity of one) of " + hidden + " values");
      weights.put(new Tensor(prefix + part, g.intDims(t), g.toFloats(t)));
    }
    sameEpsilon(ln, "emb_ln", "layer_norm_epsilon");
    return ln.outputs().get(0);
  }

  /** A post-norm: the LayerNormalization over {@code sum}, through a Cast to float32. */
  private String postNorm(String sum, String prefix) {
    Node cast = onlyConsumer(sum, null, g.producers.get(sum));
    if (cast.op().equals("Cast")) {
      require(attrLong(cast, "to", 0) == 1, cast, "a cast to float32 (the norm's own dtype)");
      sum = cast.outputs().get(0);
    }
    return norm(sum, prefix);
  }

  /** The Add of {@code stream} and the product's output: the residual connection. */
  private String residual(String stream, Node product) {
    String out = product.outputs().get(0);
    Node add = onlyConsumer(out, "Add", product);
    require(add.inputs().size() == 2 && add.inputs().contains(stream), add,
        "the residual Add of " + stream + " and " + out);
    return add.outputs().get(0);
  }

  /** fc2(fc11(y) · silu(fc12(y))), silu(g) = g · sigmoid(g): returns the fc2 node. */
  private Node swiGlu(int l, String y) {
    Node fc11 = weightNodes.get(weightName(l, "mlp.fc11"));
    Node fc12 = weightNodes.get(weightName(l, "mlp.fc12"));
    Node fc2 = weightNodes.get(weightName(l, "mlp.fc2"));
    require(fc11.inputs().get(0).equals(y) && fc12.inputs().get(0).equals(y), fc12,
        "fc11 and fc12 both reading norm1's output " + y);
    String gate = fc12.outputs().get(0);
    Node sigmoid = onlyConsumer(gate, "Sigmoid", fc12);
    Node silu = onlyConsumer(gate, "Mul", fc12);
    require(Set.copyOf(silu.inputs()).equals(Set.of(gate, sigmoid.outputs().get(0))), silu,
        "silu(fc12(x)) = fc12(x) · sigmoid(fc12(x)) (swiglu's gate)");
    Node product = onlyConsumer(silu.outputs().get(0), "Mul", silu);
    require(Set.copyOf(product.inputs()).equals(Set.of(fc11.outputs().get(0),
        silu.outputs().get(0))), product, "fc11(x) · silu(fc12(x))");
    require(fc2.inputs().get(0).equals(product.outputs().get(0)), fc2,
        "its input to be fc11(x) · silu(fc12(x)), " + product.outputs().get(0));
    return fc2;
  }

  /**
   * Wqkv → heads → rotary q and k → stacked with v and taken back → scaled dot-product attention
   * with the padding mask → heads merged → out_proj. Returns the rotary q and k used.
   */
  private Rotary attention(Node wqkv, Node outProj) {
    shapes.put(wqkv.outputs().get(0), new long[] {UNKNOWN, UNKNOWN, 3L * hidden});
    Node reshape = onlyConsumer(wqkv.outputs().get(0), "Reshape", wqkv);
    long[] shape = ints(reshape.inputs().get(1), shapes);
    require(shape != null && shape.length == 5 && shape[2] == 3 && shape[3] > 0 && shape[4] > 0
        && shape[3] * shape[4] == hidden, reshape, "a reshape to [batch, n, 3, heads, head size] "
        + "with heads × head size = " + hidden + ", got " + Arrays.toString(shape));
    if (heads == 0) {
      heads = (int) shape[3];
      headSize = (int) shape[4];
    }
    require(shape[3] == heads, reshape, heads + " heads as in layer 0");
    String qkv = reshape.outputs().get(0);
    String[] parts = takeParts(qkv, reshape);
    Rotated rq = rotated(parts[0], qkv);
    Rotated rk = rotated(parts[1], qkv);
    require(rq.rotary().base() == rk.rotary().base() && rq.rotary().rows() == rk.rotary().rows(),
        rk.rotary().at(), "keys rotated as the queries (base " + rq.rotary().base() + " by node "
        + rq.rotary().at().name() + "), got base " + rk.rotary().base());

    // torch.stack((q_rot, k_rot, v), dim=2), then qkv[:, :, i] again
    String[] stacked = new String[3];
    Node cat = null;
    for (int i = 0; i < 3; i++) {
      String value = i == 0 ? rq.value() : i == 1 ? rk.value() : parts[2];
      Node unsq = onlyConsumer(value, "Unsqueeze", g.producers.get(value));
      require(Arrays.equals(ints(unsq.inputs().get(1), shapes), new long[] {2}), unsq,
          "unsqueezing axis 2 (torch.stack(..., dim=2))");
      Node c = onlyConsumer(unsq.outputs().get(0), "Concat", unsq);
      require(cat == null || c == cat, c, "one stack of q, k and v");
      cat = c;
      stacked[i] = unsq.outputs().get(0);
    }
    require(cat.inputs().equals(List.of(stacked)) && attrLong(cat, "axis", 0) == 2, cat,
        "torch.stack((q, k, v), dim=2) in that order");
    String[] taken = takeParts(cat.outputs().get(0), cat);

    Node qt = onlyConsumer(taken[0], "Transpose", g.producers.get(taken[0]));
    requirePerm(qt, 0, 2, 1, 3);
    Node kt = onlyConsumer(taken[1], "Transpose", g.producers.get(taken[1]));
    requirePerm(kt, 0, 2, 3, 1);
    Node vt = onlyConsumer(taken[2], "Transpose", g.producers.get(taken[2]));
    requirePerm(vt, 0, 2, 1, 3);
    String q = qt.outputs().get(0);
    String k = kt.outputs().get(0);
    Node qs = onlyConsumer(q, "Mul", qt);
    Node ks = onlyConsumer(k, "Mul", kt);
    requireRootOfScale(other(qs, q), q, qs, headSize);
    requireRootOfScale(other(ks, k), q, ks, headSize);
    Node scores = onlyConsumer(qs.outputs().get(0), "MatMul", qs);
    require(scores.inputs().equals(List.of(qs.outputs().get(0), ks.outputs().get(0))), scores,
        "scaled queries times scaled transposed keys (scaled_dot_product_attention)");
    Node addMask = onlyConsumer(scores.outputs().get(0), "Add", scores);
    requirePaddingMask(other(addMask, scores.outputs().get(0)), addMask);
    Node context = probabilitiesTimes(addMask, vt.outputs().get(0));
    Node back = onlyConsumer(context.outputs().get(0), "Transpose", context);
    requirePerm(back, 0, 2, 1, 3);
    shapes.put(back.outputs().get(0), new long[] {UNKNOWN, UNKNOWN, heads, headSize});
    Node merge = onlyConsumer(back.outputs().get(0), "Reshape", back);
    long[] merged = ints(merge.inputs().get(1), shapes);
    require(merged != null && merged.length == 3 && merged[2] == hidden, merge,
        "the heads merged back to [batch, n, " + hidden + "], got " + Arrays.toString(merged));
    require(outProj.inputs().get(0).equals(merge.outputs().get(0)), outProj,
        "its input to be the heads' context merged back (" + merge.name() + ")");
    return rq.rotary();
  }

  /** The three Gathers of {@code value}'s axis 2 at 0, 1 and 2 (qkv[:, :, i]). */
  private String[] takeParts(String value, Node from) {
    String[] parts = new String[3];
    for (Node c : g.consumers.getOrDefault(value, List.of())) {
      if (!c.op().equals("Gather")) continue;
      Long i = scalarLong(c.inputs().get(1));
      require(attrLong(c, "axis", 0) == 2 && i != null && i >= 0 && i < 3 && parts[(int) (long) i]
          == null, c, "q, k and v taken once each as [:, :, i] of " + value);
      parts[(int) (long) i] = c.outputs().get(0);
    }
    require(parts[0] != null && parts[1] != null && parts[2] != null, from,
        "its q, k and v taken as [:, :, 0], [:, :, 1] and [:, :, 2]");
    return parts;
  }

  /** A rotated query or key: the rotated value and the rotary it was rotated with. */
  private record Rotated(String value, Rotary rotary) {}

  /**
   * nomic's apply_rotary_emb over {@code x} ([batch, n, heads, head size], a part of
   * {@code qkv}): concat(x[..., :r]·cos + rotate_half(x[..., :r])·sin, x[..., r:]) with r =
   * 2 × the table's width, which must be the whole head (rotary_emb_fraction 1).
   */
  private Rotated rotated(String x, String qkv) {
    Node from = g.producers.get(x);
    shapes.put(x, new long[] {UNKNOWN, UNKNOWN, heads, headSize});
    Node rot = null;
    Node pass = null;
    for (Node c : g.consumers.getOrDefault(x, List.of())) {
      if (!c.op().equals("Slice") || !c.inputs().get(0).equals(x)) continue;
      if (Arrays.equals(ints(c.inputs().get(1), shapes), new long[] {0})) rot = c;
      else pass = c;
    }
    require(rot != null && pass != null, from, "its output sliced into the rotary part "
        + "x[..., :r] and the rest x[..., r:] (apply_rotary_emb)");
    requireLastAxisSlice(rot, 3);
    requireLastAxisSlice(pass, 3);
    String xr = rot.outputs().get(0);
    Node mulCos = onlyConsumer(xr, "Mul", rot);
    Table cos = factor(other(mulCos, xr), x, qkv, mulCos);
    long[] r = ints(rot.inputs().get(2), shapes);
    require(r != null && r.length == 1 && r[0] == 2L * cos.width(), rot, "the rotary part's "
        + "end 2 × the table's width (" + 2 * cos.width() + "), got " + Arrays.toString(r));
    require(r[0] == headSize, rot, "rotary over the whole head of " + headSize + " (r = "
        + r[0] + ": rotary_emb_fraction < 1 is not supported)");
    long[] passStart = ints(pass.inputs().get(1), shapes);
    require(Arrays.equals(passStart, r), pass, "the rest to start at r = " + r[0]);
    // rotate_half(x) = x.chunk(2, dim=-1) → concat(−x₂, x₁): the halves' bounds evaluate to d/2
    RotateHalf half = rotateHalf(xr, (int) r[0]);
    require(half.mulCos() == mulCos, half.mulCos(), "x·cos with the cos factor of "
        + mulCos.name());
    Table sin = factor(half.sin(), x, qkv, half.mulSin());
    Node add = g.producers.get(half.value());
    Node whole = onlyConsumer(add.outputs().get(0), "Concat", add);
    long wholeAxis = attrLong(whole, "axis", 0);
    require(whole.inputs().equals(List.of(add.outputs().get(0), pass.outputs().get(0)))
        && (wholeAxis == -1 || wholeAxis == 3), whole, "concat(rotated part, rest) on the last "
        + "axis");
    return new Rotated(whole.outputs().get(0), rotary(cos, sin));
  }

  /**
   * A cos or sin table as the graph holds it: the value, what produces it (a Cos or Sin node, or
   * a constant), its width (d/2) and, when constant, its rows.
   */
  private record Table(String value, Node producer, RawTensor constant, int width) {
    int rows() {
      return constant == null ? 0 : (int) constant.dims()[0];
    }
  }

  /**
   * A rotation's factor: repeat(table[0:n], "... d -> ... 1 (2 d)") (each row [c, c]), rows from
   * position 0 to x's length n. Returns the table.
   */
  private Table factor(String value, String x, String qkv, Node user) {
    Node reshape = producer(value, "Reshape");
    Node expand = reshape == null ? null : producer(reshape.inputs().get(0), "Expand");
    Node unsq = expand == null ? null : producer(expand.inputs().get(0), "Unsqueeze");
    Node slice = unsq == null ? null : producer(unsq.inputs().get(0), "Slice");
    require(slice != null, user, "a cos/sin factor repeat(table[0:n], \"... d -> ... 1 (2 d)\") "
        + "(Slice, Unsqueeze, Expand, Reshape)");
    require(Arrays.equals(ints(slice.inputs().get(1), shapes), new long[] {0})
        && slice.inputs().size() > 3
        && Arrays.equals(ints(slice.inputs().get(3), shapes), new long[] {0})
        && (slice.inputs().size() < 5
            || Arrays.equals(ints(slice.inputs().get(4), shapes), new long[] {1})), slice,
        "the table's rows from 0 (positions from 0, no offset)");
    requireSequenceLength(slice.inputs().get(2), x, slice);
    Table t = table(through(slice.inputs().get(0), "Cast"), qkv, slice);
    long rows = t.rows() > 0 ? t.rows() : UNKNOWN;
    shapes.put(slice.inputs().get(0), new long[] {rows, t.width()});
    shapes.put(t.value(), new long[] {rows, t.width()});
    shapes.put(slice.outputs().get(0), new long[] {UNKNOWN, t.width()});
    require(Arrays.equals(ints(unsq.inputs().get(1), shapes), new long[] {1}), unsq,
        "unsqueezing axis 1 (\"... d -> ... 1 (2 d)\")");
    require(Arrays.equals(ints(expand.inputs().get(1), shapes), new long[] {1, 2, 1}), expand,
        "an expand to [1, 2, 1] (each row twice: \"(2 d)\", the rotate-half layout)");
    long[] target = ints(reshape.inputs().get(1), shapes);
    require(target != null && target.length == 3 && target[1] == 1
        && target[2] == 2L * t.width(), reshape, "a reshape to [n, 1, " + 2 * t.width()
        + "], got " + Arrays.toString(target));
    return t;
  }

  /** A bound that is x's dimension 1 (its length n): Unsqueeze(Gather(Shape(x), 1)). */
  private void requireSequenceLength(String value, String x, Node user) {
    Node gather = producer(through(value, "Unsqueeze", "Cast"), "Gather");
    Node shape = gather == null ? null : producer(gather.inputs().get(0), "Shape");
    require(shape != null && shape.inputs().get(0).equals(x)
        && Long.valueOf(1).equals(scalarLong(gather.inputs().get(1))), user,
        "a bound of " + x + "'s length (its dimension 1)");
  }

  /**
   * The cos or sin table behind {@code value}: a Cos/Sin of Einsum("i,j->ij", positions 0..n−1,
   * constant frequencies), or a constant [rows, d/2].
   */
  private Table table(String value, String qkv, Node user) {
    RawTensor c = g.constant(value);
    if (c != null) {
      require(c.dims().length == 2 && c.dims()[0] > 1 && c.dims()[1] > 0 && OnnxReader.isFloat(c),
          user, "a constant table [rows > 1, d/2], got " + Arrays.toString(c.dims()));
      usedInitializers.add(c.name());
      Node at = g.producers.get(value);
      return new Table(value, at != null ? at : user, c, (int) c.dims()[1]);
    }
    Node trig = g.producers.get(value);
    require(trig != null && (trig.op().equals("Cos") || trig.op().equals("Sin")), user,
        "a table that is a constant or a Cos/Sin of the rotary angles");
    Node einsum = producer(trig.inputs().get(0), "Einsum");
    require(einsum != null && "i,j->ij".equals(equation(einsum))
        && einsum.inputs().size() == 2, trig, "angles Einsum(\"i,j->ij\", positions, "
        + "frequencies) (nomic's torch.outer)");
    Node range = producer(through(einsum.inputs().get(0), "Cast"), "Range");
    require(range != null && Double.valueOf(0).equals(scalar(range.inputs().get(0)))
        && Double.valueOf(1).equals(scalar(range.inputs().get(2))), einsum,
        "positions 0, 1, 2, ...: a Range from 0 by 1");
    requireSequenceLength(through(range.inputs().get(1), "Cast"), qkv, range);
    String f = einsum.inputs().get(1);
    RawTensor freq = g.constant(f);
    if (freq == null) {
      Node p = g.producers.get(f);
      throw new ModelFormatException(src + ": node " + einsum.name() + " multiplies positions "
          + "by frequencies computed in the graph" + (p == null ? "" : " (by node " + p.name()
          + ", " + p.op() + ")") + ", not a constant: nomic's dynamic NTK traced past "
          + "max_trained_positions computes them from the sequence length, and the trace applies "
          + "that at every length, which this importer does not map; expected constant inverse "
          + "frequencies (export the model without rotary_scaling_factor, or with a sample no "
          + "longer than max_trained_positions)");
    }
    require(freq.dims().length == 1 && OnnxReader.isFloat(freq), einsum,
        "a 1-D float constant of frequencies");
    return new Table(value, einsum, null, (int) freq.dims()[0]);
  }

  /** The rotary of a cos and a sin table: one Einsum (cos and sin of it), or two constants. */
  private Rotary rotary(Table cos, Table sin) {
    require(cos.width() == sin.width() && cos.rows() == sin.rows(), sin.producer(),
        "a sin table shaped as the cos table of node " + cos.producer().name());
    if (cos.constant() == null) {
      Node cosNode = g.producers.get(cos.value());
      Node sinNode = g.producers.get(sin.value());
      require(cosNode.op().equals("Cos") && sinNode.op().equals("Sin")
          && cosNode.inputs().equals(sinNode.inputs()), sinNode, "the sin of the angles "
          + "whose cos is node " + cosNode.name());
      float[] invFreq = g.toFloats(g.constant(cos.producer().inputs().get(1)));
      return new Rotary(integerBase(invFreq, cos.producer(), EXPECTED_ROTARY), 0,
          cos.producer());
    }
    require(sin.constant() != null, sin.producer(), "a constant sin table beside the constant "
        + "cos table of node " + cos.producer().name());
    int rows = cos.rows();
    int width = cos.width();
    float[] c = g.toFloats(cos.constant());
    float[] s = g.toFloats(sin.constant());
    // Row 1 holds the angles θ_i themselves (position 1).
    float[] theta = new float[width];
    for (int i = 0; i < width; i++) {
      theta[i] = (float) Math.atan2(s[width + i], c[width + i]);
    }
    double base = integerBase(theta, cos.producer(), EXPECTED_ROTARY);
    float[][] want = new RotaryEmbedding(2 * width, base).cosSin(rows);
    for (int k = 0; k < rows * width; k++) {
      float dc = Math.abs(c[k] - want[0][k]);
      float ds = Math.abs(s[k] - want[1][k]);
      if (!(dc <= TABLE_TOLERANCE) || !(ds <= TABLE_TOLERANCE)) {
        boolean inCos = !(dc <= TABLE_TOLERANCE);
        throw new ModelFormatException(src + ": node " + (inCos ? cos : sin).producer().name()
            + " holds a " + (inCos ? "cos" : "sin") + " table whose row " + k / width
            + ", column " + k % width + " is " + (inCos ? c : s)[k] + " where the rotary of base "
            + base + " (read from row 1) has " + want[inCos ? 0 : 1][k] + "; expected "
            + EXPECTED_ROTARY + " tables");
      }
    }
    return new Rotary(base, rows, cos.producer());
  }

  /**
   * The one padding mask of the graph: (1 − attention_mask[:, None, None, :] as float) · the most
   * negative float (transformers' get_extended_attention_mask), added to every layer's scores.
   */
  private void requirePaddingMask(String mask, Node user) {
    if (paddingMask == null) {
      Node mul = producer(mask, "Mul");
      Node sub = null;
      RawTensor min = null;
      if (mul != null) {
        for (String i : mul.inputs()) {
          if (g.constant(i) != null) min = g.constant(i);
          else sub = producer(i, "Sub");
        }
      }
      require(sub != null && min != null && min.count() == 1 && g.toFloats(min)[0] <= -1e30f,
          user, "a padding mask (1 - mask) times the most negative float");
      Node cast = producer(sub.inputs().get(1), "Cast");
      Node inner = cast == null ? null : producer(cast.inputs().get(0), "Unsqueeze");
      Node outer = inner == null ? null : producer(inner.inputs().get(0), "Unsqueeze");
      require(Double.valueOf(1).equals(scalar(sub.inputs().get(0))) && outer != null
          && outer.inputs().get(0).equals("attention_mask")
          && Arrays.equals(ints(outer.inputs().get(1), shapes), new long[] {1})
          && Arrays.equals(ints(inner.inputs().get(1), shapes), new long[] {2}), sub,
          "1 - attention_mask[:, None, None, :]");
      paddingMask = mask;
    }
    require(mask.equals(paddingMask), user, "the padding mask " + paddingMask + ", got " + mask);
  }

  /** A one-element numeric constant as a double, else null. */
  private Double scalar(String value) {
    RawTensor c = g.constant(value);
    if (c == null || c.count() != 1) return null;
    return OnnxReader.isFloat(c) ? (double) g.toFloats(c)[0] : (double) g.toLongs(c)[0];
  }

  private static String equation(Node einsum) {
    Object e = einsum.attrs().get("equation");
    return e instanceof String s ? s.replace(" ", "") : null;
  }
}
