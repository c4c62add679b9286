package io.corpusencoder.core.weights;

import io.corpusencoder.core.config.Activation;
import io.corpusencoder.core.config.EncoderConfig;
import io.corpusencoder.core.model.RotaryEmbedding;
import io.corpusencoder.core.weights.OnnxReader.Imported;
import io.corpusencoder.core.weights.OnnxReader.Node;
import io.corpusencoder.core.weights.OnnxReader.RawTensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a GTE NewModel ONNX export (Alibaba-NLP's new-impl modeling code, eager attention, traced
 * by torch.onnx's TorchScript exporter) by following its graph from input_ids to the last node,
 * checking at each step that it computes what model-core's GTE recipe (GteFamily) computes:
 *
 * <ul>
 *   <li>embeddings: word_embeddings gathered at input_ids (plus token_type_embeddings gathered at
 *       token_type_ids or at position_ids · 0, when the model has them), then LayerNorm;
 *   <li>rotary: cos and sin tables stored as constants [rows, d], sliced to the sequence's length
 *       and gathered at the position ids, a constant 0..n−1 whose length is
 *       max_position_embeddings; the tables' frequencies are read back (row 1 holds cos θ and
 *       sin θ), rope_theta and the NTK factor (rows / max_position_embeddings) inferred, and
 *       every row compared with what RotaryEmbedding (plain, or fixedNtk) computes for them;
 *   <li>per layer: qkv_proj + bias, Split into three parts, each reshaped to [.., heads, head
 *       size]; which part is q, k and v is read from where each goes (the two rotated parts
 *       multiply as q·kᵀ, the third is what the probabilities multiply); scores / √d plus the
 *       padding mask, softmax, · v, merged, o_proj + bias, residual, attn_ln; up_gate_proj Split
 *       into two parts: the one through the activation is the gate, the one multiplied in
 *       directly is up; down_proj + bias, residual, mlp_ln, whose last output is the graph's.
 * </ul>
 *
 * The weights are returned in the checkpoint's layout (qkv_proj rows q, k, v; up_gate_proj rows
 * up, gate), whatever order the Split had. Anything else, and any named initializer the walk did
 * not use, is refused naming the node and what was expected. Names may all carry
 * NewForMaskedLM's "new." prefix (scopes under /new); the weights are returned without it.
 */
final class GteOnnxGraph extends FamilyOnnxGraph {
  /** GTE NewModel's fused QKV bias (layer 0), which names its exports. */
  static final String QKV_BIAS = "encoder.layer.0.attention.qkv_proj.bias";
  private static final String PREFIX = "new.";
  private static final String WORD = "embeddings.word_embeddings.weight";
  private static final String TOKEN_TYPES = "embeddings.token_type_embeddings.weight";
  /** Ops GTE's graph adds to the BERT family's: the Split of the fused projections. */
  private static final Set<String> OPS = Set.of("Split");
  /**
   * How close each table entry must be to cos/sin of (float) p · θ_i as RotaryEmbedding computes
   * θ: float32 cos differs by an ulp or so between libraries, while a θ one ulp off moves the
   * angle at the tables' last rows by ~1e-3.
   */
  private static final double TABLE_TOLERANCE = 1e-6;
  private static final List<String> PRODUCTS = List.of("attention/qkv_proj", "attention/o_proj",
      "mlp/up_gate_proj", "mlp/down_proj");

  /** The rotary tables as a layer reads them: the constants, their values, the positions. */
  private record Tables(Node cos, float[] cosValues, Node sin, float[] sinValues, int rows,
      int positions) {}

  private final String prefix;
  private final Pattern weightScope;
  private Tables tables;

  GteOnnxGraph(OnnxReader graph) {
    super(graph, "GTE NewModel");
    this.prefix = graph.initializers.containsKey(QKV_BIAS) ? "" : PREFIX;
    this.weightScope = Pattern.compile("^" + (prefix.isEmpty() ? "" : "/new")
        + "/encoder/layer\\.(\\d+)/(" + String.join("|", PRODUCTS) + ")/MatMul$");
  }

  /** Whether the graph has GTE's fused QKV bias, bare or "new."-prefixed. */
  static boolean isGte(Map<String, RawTensor> initializers) {
    return initializers.containsKey(QKV_BIAS) || initializers.containsKey(PREFIX + QKV_BIAS);
  }

  Imported read() {
    for (Node n : g.nodes) {
      if (!OnnxReader.KNOWN_OPS.contains(n.op()) && !OPS.contains(n.op())) {
        throw new ModelFormatException(src + ": node " + n.name() + " has op " + n.op()
            + ", which is not part of GTE NewModel's export (its rotary tables are constants; "
            + "fused ONNX Runtime operators come from optimized exports: export the plain model)");
      }
    }
    int numLayers = weightProducts(weightScope, "encoder.layer.", PRODUCTS);
    RawTensor word = initializer(prefix + WORD);
    require(word != null && word.dims().length == 2 && OnnxReader.isFloat(word), null,
        "a 2-D float initializer " + prefix + WORD);
    int vocab = (int) word.dims()[0];
    hidden = (int) word.dims()[1];
    weights.put(new Tensor(WORD, g.intDims(word), g.toFloats(word)));
    Node gather = null;
    for (Node n : g.nodes) {
      if (n.op().equals("Gather") && n.inputs().equals(List.of(prefix + WORD, "input_ids"))) {
        gather = n;
      }
    }
    require(gather != null, null, "a Gather of " + prefix + WORD + " at input_ids");
    String embedded = gather.outputs().get(0);
    int typeVocab = 0;
    Node addTypes = g.consumers.getOrDefault(embedded, List.of()).stream()
        .filter(c -> c.op().equals("Add")).findFirst().orElse(null);
    if (addTypes != null) {
      typeVocab = tokenTypes(addTypes, other(addTypes, embedded));
      embedded = addTypes.outputs().get(0);
    }
    String x = norm(embedded, "embeddings.LayerNorm.");

    Activation activation = null;
    int ff = 0;
    for (int l = 0; l < numLayers; l++) {
      String p = "encoder.layer." + l + ".";
      Node qkv = weightNodes.get(p + "attention.qkv_proj.weight");
      require(qkv.inputs().get(0).equals(x), qkv, l == 0 ? "its input to be the embeddings' "
          + "LayerNorm output" : "its input to be layer " + (l - 1) + "'s mlp_ln output");
      Node oProj = weightNodes.get(p + "attention.o_proj.weight");
      attention(l, qkv, oProj);
      String y = norm(residual(x, biased(oProj, p + "attention.o_proj.")), p + "attn_ln.");
      Node upGate = weightNodes.get(p + "mlp.up_gate_proj.weight");
      require(upGate.inputs().get(0).equals(y), upGate, "its input to be layer " + l
          + "'s attn_ln output");
      Node down = weightNodes.get(p + "mlp.down_proj.weight");
      Activation act = gatedMlp(l, upGate, down);
      if (activation != null && act != activation) {
        throw new ModelFormatException(src + ": layer " + l + "'s gate activation is " + act
            + " but layer 0's is " + activation + "; expected one hidden_act for all layers");
      }
      activation = act;
      ff = weights.get(p + "mlp.down_proj.weight").shape()[1];
      x = norm(residual(y, biased(down, p + "mlp.down_proj.")), p + "mlp_ln.");
    }
    requireEndsAt(x, "the last mlp_ln's output", "NewModel's last_hidden_state",
        "the embeddings, the norms and the layers' four products with their biases");
    EncoderConfig.Rotary rotary = rotary();
    try {
      return new Imported(weights, new EncoderConfig(vocab, hidden, numLayers, heads, ff,
          tables.positions(), typeVocab, eps, activation, EncoderConfig.Positions.ROTARY, false,
          "new", -1, 0, rotary), List.copyOf(g.graphInputs));
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(src + ": inferred config is invalid: " + e.getMessage(), e);
    }
  }

  /**
   * The token type embeddings added to the word embeddings: gathered at the token_type_ids input,
   * or at position_ids · 0 (NewEmbeddings' default when no token types are given). Returns
   * type_vocab_size.
   */
  private int tokenTypes(Node add, String value) {
    Node gather = g.producers.get(value);
    require(gather != null && gather.op().equals("Gather")
        && gather.inputs().get(0).equals(prefix + TOKEN_TYPES), add, "the word embeddings plus "
        + prefix + TOKEN_TYPES + " gathered at the token types");
    RawTensor table = initializer(prefix + TOKEN_TYPES);
    require(table != null && table.dims().length == 2 && table.dims()[1] == hidden, gather,
        "a [type_vocab_size, " + hidden + "] initializer " + prefix + TOKEN_TYPES);
    String ids = gather.inputs().get(1);
    if (!ids.equals("token_type_ids")) {
      Node mul = g.producers.get(ids);
      Long zero = mul != null && mul.op().equals("Mul") ? scalarLong(mul.inputs().get(1)) : null;
      require(Long.valueOf(0).equals(zero), gather, "token types from the token_type_ids input "
          + "or position_ids · 0 (all type 0)");
    }
    weights.put(new Tensor(TOKEN_TYPES, g.intDims(table), g.toFloats(table)));
    return (int) table.dims()[0];
  }

  /** The LayerNormalization over {@code input} scaled by the named weight, with its bias. */
  private String norm(String input, String bareName) {
    String weight = prefix + bareName + "weight";
    String bias = prefix + bareName + "bias";
    Node ln = null;
    for (Node c : g.consumers.getOrDefault(input, List.of())) {
      if (c.op().equals("LayerNormalization") && c.inputs().get(1).equals(weight)) ln = c;
    }
    if (ln == null) {
      Node p = g.producers.get(input);
      throw new ModelFormatException(src + ": no LayerNormalization with scale " + weight
          + " reads " + input + (p == null ? "" : " (from node " + p.name() + ")")
          + "; expected GTE's " + prefix + bareName.substring(0, bareName.length() - 1)
          + " there");
    }
    long axis = attrLong(ln, "axis", -1);
    require(axis == -1 || axis == 2, ln, "axis -1 (normalizing the hidden size)");
    require(ln.inputs().size() > 2 && ln.inputs().get(2).equals(bias), ln, "its bias " + bias);
    RawTensor scale = initializer(weight);
    RawTensor shift = initializer(bias);
    require(scale != null && shift != null && scale.count() == hidden && shift.count() == hidden,
        ln, "its scale and bias initializers (or Identity nodes of them) of " + hidden + " values");
    weights.put(new Tensor(bareName + "weight", g.intDims(scale), g.toFloats(scale)));
    weights.put(new Tensor(bareName + "bias", g.intDims(shift), g.toFloats(shift)));
    sameEpsilon(ln, "the first norm", "layer_norm_eps");
    return ln.outputs().get(0);
  }

  /** The Add of the product's output and its bias initializer ({@code bareName} + "bias"). */
  private String biased(Node product, String bareName) {
    String bias = prefix + bareName + "bias";
    Node add = onlyConsumer(product.outputs().get(0), "Add", product);
    require(add.inputs().contains(bias), add, "the bias " + bias + " added");
    RawTensor b = initializer(bias);
    require(b != null && b.dims().length == 1, add, "a 1-D initializer " + bias);
    weights.put(new Tensor(bareName + "bias", g.intDims(b), g.toFloats(b)));
    return add.outputs().get(0);
  }

  /** The residual Add of {@code stream} and {@code branch}. */
  private String residual(String stream, String branch) {
    Node add = onlyConsumer(branch, "Add", g.producers.get(branch));
    require(add.inputs().size() == 2 && add.inputs().contains(stream), add,
        "the residual Add of " + stream + " and " + branch);
    return add.outputs().get(0);
  }

  /**
   * The Split of a fused product's output on the last axis into {@code parts} parts of
   * {@code size} each; returns the node.
   */
  private Node split(String value, Node from, int parts, int size) {
    Node split = onlyConsumer(value, "Split", from);
    long axis = attrLong(split, "axis", 0);
    require(split.outputs().size() == parts && (axis == -1 || axis == 2), split,
        "a split of the last axis into " + parts + " parts");
    long[] sizes = split.inputs().size() > 1 ? g.constantLongs(split.inputs().get(1)) : null;
    long[] want = new long[parts];
    Arrays.fill(want, size);
    require(Arrays.equals(sizes, want), split, "split sizes " + Arrays.toString(want));
    return split;
  }

  private void attention(int l, Node qkv, Node oProj) {
    String p = "encoder.layer." + l + ".attention.";
    Node split = split(biased(qkv, p + "qkv_proj."), qkv, 3, hidden);
    String[] perHead = new String[3];
    RotateHalf[] rotated = new RotateHalf[3];
    Node[] transposed = new Node[3];
    for (int i = 0; i < 3; i++) {
      Node reshape = onlyConsumer(split.outputs().get(i), "Reshape", split);
      long[] shape = g.constantLongs(reshape.inputs().get(1));
      require(shape != null && shape.length == 4 && shape[2] > 0 && shape[2] * shape[3] == hidden,
          reshape, "a reshape to [batch, n, heads, head size] with heads × head size = " + hidden
          + ", got " + Arrays.toString(shape));
      if (heads == 0) {
        heads = (int) shape[2];
        headSize = (int) shape[3];
      }
      require(shape[2] == heads, reshape, heads + " heads as in layer 0");
      perHead[i] = reshape.outputs().get(0);
      boolean sliced = g.consumers.getOrDefault(perHead[i], List.of()).stream()
          .anyMatch(c -> c.op().equals("Slice"));
      rotated[i] = sliced ? rotateHalf(perHead[i], headSize) : null;
      String out = sliced ? rotated[i].value() : perHead[i];
      transposed[i] = onlyConsumer(out, "Transpose", g.producers.get(out));
    }
    Node scores = null;
    int q = -1;
    int k = -1;
    for (int i = 0; i < 3; i++) {
      for (Node c : g.consumers.getOrDefault(transposed[i].outputs().get(0), List.of())) {
        if (!c.op().equals("MatMul")) continue;
        for (int j = 0; j < 3; j++) {
          if (j != i && c.inputs().equals(List.of(transposed[i].outputs().get(0),
              transposed[j].outputs().get(0)))) {
            scores = c;
            q = i;
            k = j;
          }
        }
      }
    }
    require(scores != null, split, "two of its parts multiplied as q·kᵀ (query and key)");
    int v = 3 - q - k;
    require(rotated[q] != null && rotated[k] != null, scores, "rotated queries and keys");
    require(rotated[v] == null, transposed[v], "values not rotated");
    requirePerm(transposed[q], 0, 2, 1, 3);
    requirePerm(transposed[k], 0, 2, 3, 1);
    requirePerm(transposed[v], 0, 2, 1, 3);
    Tables tq = tables(rotated[q]);
    Tables tk = tables(rotated[k]);
    require(tq.cos() == tk.cos() && tq.sin() == tk.sin(), rotated[k].mulCos(),
        "keys rotated by the queries' tables " + tq.cos().name() + " and " + tq.sin().name());
    if (tables == null) tables = tq;
    require(tq.cos() == tables.cos() && tq.sin() == tables.sin(), rotated[q].mulCos(),
        "the rotary tables of layer 0, " + tables.cos().name() + " and " + tables.sin().name());

    Node scale = onlyConsumer(scores.outputs().get(0), null, scores);
    float want = (float) Math.sqrt(headSize);
    boolean div = scale.op().equals("Div") && scale.inputs().get(0).equals(scores.outputs().get(0));
    float got = div || scale.op().equals("Mul")
        ? scalarFloat(scale, other(scale, scores.outputs().get(0))) : Float.NaN;
    require(div ? Math.abs(got - want) <= 1e-6f * want
        : Math.abs(got * want - 1f) <= 1e-6f, scale,
        "the scores divided by √" + headSize + " = " + want + " (or times its inverse), got " + got);
    Node addMask = onlyConsumer(scale.outputs().get(0), "Add", scale);
    requirePaddingMask(other(addMask, scale.outputs().get(0)), addMask);
    Node context = probabilitiesTimes(addMask, transposed[v].outputs().get(0));
    Node back = onlyConsumer(context.outputs().get(0), "Transpose", context);
    requirePerm(back, 0, 2, 1, 3);
    Node merge = onlyConsumer(back.outputs().get(0), "Reshape", back);
    require(oProj.inputs().get(0).equals(merge.outputs().get(0)), oProj,
        "its input to be the heads' context merged back (" + merge.name() + ")");
    reorderRows(p + "qkv_proj.", new int[] {q, k, v}, hidden);
  }

  /**
   * Puts the fused product's row blocks (and its bias's, if mapped) in the checkpoint's order:
   * block {@code order[j]} of the graph's Split becomes block j.
   */
  private void reorderRows(String bareName, int[] order, int block) {
    for (String part : new String[] {"weight", "bias"}) {
      String name = bareName + part;
      if (!weights.contains(name)) continue;
      Tensor t = weights.get(name);
      int cols = t.shape().length == 2 ? t.shape()[1] : 1;
      float[] from = t.data();
      float[] to = new float[from.length];
      for (int j = 0; j < order.length; j++) {
        System.arraycopy(from, order[j] * block * cols, to, j * block * cols, block * cols);
      }
      weights.put(new Tensor(name, t.shape(), to));
    }
  }

  /**
   * The gated feed-forward: up_gate_proj's output split in two; the part through the activation
   * is the gate, the part multiplied in directly is up, and their product goes into down_proj.
   * Returns the activation.
   */
  private Activation gatedMlp(int l, Node upGate, Node down) {
    String p = "encoder.layer." + l + ".mlp.";
    int ff = weights.get(p + "down_proj.weight").shape()[1];
    require(weights.get(p + "up_gate_proj.weight").shape()[0] == 2 * ff, upGate,
        "2 × intermediate_size (" + 2 * ff + ") outputs, as down_proj's inputs");
    Node split = split(upGate.outputs().get(0), upGate, 2, ff);
    Node product = g.producers.get(down.inputs().get(0));
    require(product != null && product.op().equals("Mul"), down,
        "its input to be act(gate) × up (a Mul)");
    List<String> parts = split.outputs();
    int up = parts.indexOf(product.inputs().get(0)) >= 0 ? parts.indexOf(product.inputs().get(0))
        : parts.indexOf(product.inputs().get(1));
    require(up >= 0 && !parts.contains(other(product, parts.get(up))), product,
        "one factor a part of " + split.name() + " as it is (up), the other the activated gate");
    onlyConsumer(parts.get(up), null, split);
    TreeSet<String> ops = g.opsBetween(split, product);
    ops.retainAll(OnnxReader.ACTIVATION_OPS.keySet());
    if (ops.size() != 1) {
      throw new ModelFormatException(src + ": layer " + l + "'s gate between " + split.name()
          + " and " + product.name() + " has activation ops " + ops + "; expected exactly one "
          + "of Erf (gelu), Tanh (gelu_new) or Relu (relu)");
    }
    reorderRows(p + "up_gate_proj.", new int[] {up, 1 - up}, ff);
    return OnnxReader.ACTIVATION_OPS.get(ops.first());
  }

  /** The one padding mask of the graph: built from attention_mask, the same in every layer. */
  private void requirePaddingMask(String mask, Node user) {
    if (paddingMask == null) {
      boolean fromInput = false;
      for (Node a : g.ancestors(mask, 64)) {
        if (a.inputs().contains("attention_mask")) fromInput = true;
      }
      require(fromInput, user, "a mask built from attention_mask");
      paddingMask = mask;
    }
    require(mask.equals(paddingMask), user, "the padding mask " + paddingMask + ", got " + mask);
  }

  /**
   * The tables behind a rotation's cos and sin factors: each a Cast of an Unsqueeze (axis 2) of
   * a Gather (axis 0) of a constant table sliced to [0, n) rows, n input_ids' length, at the
   * position ids, a constant 0..N−1 sliced the same way.
   */
  private Tables tables(RotateHalf r) {
    int[] positions = new int[1];
    Node cos = table(r.cos(), r.mulCos(), positions);
    Node sin = table(r.sin(), r.mulSin(), positions);
    RawTensor c = (RawTensor) cos.attrs().get("value");
    RawTensor s = (RawTensor) sin.attrs().get("value");
    require(Arrays.equals(c.dims(), s.dims()), sin, "the cos table's shape "
        + Arrays.toString(c.dims()));
    return new Tables(cos, g.toFloats(c), sin, g.toFloats(s), (int) c.dims()[0], positions[0]);
  }

  /** The Constant node holding a rotary table; sets positions[0] to the position ids' count. */
  private Node table(String factor, Node user, int[] positions) {
    Node unsqueeze = g.producers.get(through(factor, "Cast"));
    require(unsqueeze != null && unsqueeze.op().equals("Unsqueeze")
        && Arrays.equals(g.constantLongs(unsqueeze.inputs().get(1)), new long[] {2}), user,
        "a rotary factor of shape [batch, n, 1, d] (an Unsqueeze of axis 2)");
    Node gather = g.producers.get(unsqueeze.inputs().get(0));
    require(gather != null && gather.op().equals("Gather") && attrLong(gather, "axis", 0) == 0,
        unsqueeze, "the table's rows gathered at the position ids");
    Node rows = g.producers.get(through(gather.inputs().get(0), "Cast"));
    Node table = leadingRows(rows, gather);
    RawTensor t = table.op().equals("Constant") && table.attrs().get("value") instanceof RawTensor v
        ? v : null;
    require(t != null && t.dims().length == 2 && t.dims()[1] == headSize
        && OnnxReader.isFloat(t), table, "a constant rotary table [rows, " + headSize + "]");
    Node ids = leadingRows(g.producers.get(through(gather.inputs().get(1), "Expand")), gather);
    RawTensor arange = (RawTensor) ids.attrs().get("value");
    require(arange != null && arange.dims().length == 1, ids, "constant position ids");
    long[] values = g.toLongs(arange);
    for (int i = 0; i < values.length; i++) {
      require(values[i] == i, ids, "position ids 0, 1, 2, ... (got " + values[i] + " at " + i
          + ")");
    }
    require(positions[0] == 0 || positions[0] == values.length, ids, positions[0]
        + " position ids as for the other table");
    positions[0] = values.length;
    return table;
  }

  /**
   * The Constant node behind a Slice of its rows [0, n) on axis 0, n input_ids' length (dimension
   * 1): how the trace cuts a table or the position ids to the sequence.
   */
  private Node leadingRows(Node slice, Node user) {
    boolean ok = slice != null && slice.op().equals("Slice") && slice.inputs().size() >= 4
        && Arrays.equals(g.constantLongs(slice.inputs().get(1)), new long[] {0})
        && Arrays.equals(g.constantLongs(slice.inputs().get(3)), new long[] {0})
        && (slice.inputs().size() < 5
            || Arrays.equals(g.constantLongs(slice.inputs().get(4)), new long[] {1}));
    if (ok) {
      Node gather = g.producers.get(through(slice.inputs().get(2), "Unsqueeze", "Cast"));
      Node shape = gather == null ? null : g.producers.get(gather.inputs().get(0));
      ok = gather != null && gather.op().equals("Gather")
          && Long.valueOf(1).equals(scalarLong(gather.inputs().get(1)))
          && shape != null && shape.op().equals("Shape")
          && shape.inputs().get(0).equals("input_ids");
    }
    require(ok, user, "rows [0, n) of a constant, n input_ids' length (a Slice of axis 0)");
    Node c = g.producers.get(slice.inputs().get(0));
    require(c != null && c.op().equals("Constant"), slice, "a Constant node sliced");
    return c;
  }

  /**
   * rope_theta and the NTK factor the tables were built with: the factor is rows / N (the
   * reference builds max_position_embeddings · factor rows), the frequencies θ_i = atan2 of row
   * 1, the base from θ_0 and θ_last (θ_i = (base·f)^(−2i/d) / f^(2/d)), rounded to an integer;
   * then every row must be cos/sin((float) p · θ_i) for RotaryEmbedding's θ of those settings.
   */
  private EncoderConfig.Rotary rotary() {
    Tables t = tables;
    int d = headSize;
    int half = d / 2;
    double factor = (double) t.rows() / t.positions();
    require(factor >= 1, t.cos(), "at least max_position_embeddings (" + t.positions()
        + ") rows, got " + t.rows());
    double[] theta = new double[half];
    for (int i = 0; i < half; i++) {
      theta[i] = Math.atan2(t.sinValues()[d + i], t.cosValues()[d + i]);
    }
    int last = half - 1;
    double scaledBase = last > 0 ? Math.pow(theta[0] / theta[last], d / (2.0 * last)) : 0;
    double base = Math.rint(scaledBase / factor);
    require(base > 0, t.cos(), "frequencies 1 / base^(2i/" + d + ") of a base > 0");
    RotaryEmbedding want = factor == 1 ? new RotaryEmbedding(d, base)
        : RotaryEmbedding.fixedNtk(d, base, factor);
    float[] inv = want.inverseFrequencies(1);
    for (int r = 0; r < t.rows(); r++) {
      for (int c = 0; c < d; c++) {
        float angle = (float) r * inv[c % half];
        checkEntry(t.cos(), t.cosValues()[r * d + c], (float) Math.cos(angle), r, c, base, factor);
        checkEntry(t.sin(), t.sinValues()[r * d + c], (float) Math.sin(angle), r, c, base, factor);
      }
    }
    return new EncoderConfig.Rotary(1, base, Integer.MAX_VALUE, base, factor);
  }

  private void checkEntry(Node table, float got, float want, int row, int col, double base,
      double factor) {
    if (!(Math.abs(got - want) <= TABLE_TOLERANCE)) {
      throw new ModelFormatException(src + ": node " + table.name() + " holds " + got + " at row "
          + row + ", column " + col + " where the rotary table of rope_theta " + base
          + (factor == 1 ? " without scaling" : " with fixed NTK factor " + factor + " (rows / "
          + "position ids)") + " has " + want + "; expected tables of plain rotary or of "
          + "NewModel's fixed NTK rope_scaling (mixed_b and other scalings are not supported)");
    }
  }
}
