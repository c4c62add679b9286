package io.corpusencoder.core.weights;

import io.corpusencoder.core.config.Activation;
import io.corpusencoder.core.config.EncoderConfig;
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
 * Reads a ModernBERT ONNX export (transformers' ModernBertModel, eager attention, traced by
 * torch.onnx's TorchScript exporter as make_family_onnx_fixtures.py and optimum do) by following
 * its graph from input_ids to the last node, checking at each step that it computes what
 * model-core's ModernBERT recipe computes:
 *
 * <ul>
 *   <li>embeddings: the token table gathered at input_ids, then a bias-free LayerNorm;
 *   <li>per layer l: x → [attn_norm unless l = 0] → fused Wqkv → [.., 3, heads, head size] → q,
 *       k, v; q and k rotated as {@code x·cos + rotate_half(x)·sin} (rotate_half = [−x₂, x₁] on
 *       the head's halves), cos/sin = cos/sin([θ·p, θ·p]) for positions p = 0..n−1 and the
 *       constant frequencies θ, scaled by 1 (no rope scaling); scores · 1/√head size plus a mask;
 *       softmax; · v; Wo; residual; mlp_norm; Wi split in halves (chunk(2)) as act(first) · second;
 *       Wo; residual;
 *   <li>the mask: global layers add the padding mask only; local layers a Where that sets
 *       {@code |i − j| > w} to −∞ over it, w the window's half width (local_attention / 2);
 *   <li>the final bias-free LayerNorm, whose output is the graph's.
 * </ul>
 *
 * Each layer's rotary base is read back from its frequency constant (1 / base^(2i/d): the integer
 * base that reproduces every entry to 1e-6), global layers must be every n-th from 0, and every
 * named initializer must be one the walk used. Anything else is refused naming the node and what
 * was expected. Names may all carry ModernBertForMaskedLM's "model." prefix (scopes under /model),
 * as a wrapper module's export has them; the weights are returned without it.
 */
final class ModernBertOnnxGraph extends FamilyOnnxGraph {
  static final String TOKEN_EMBEDDINGS = "embeddings.tok_embeddings.weight";
  /** Ops ModernBERT's graph adds to the BERT family's: rotary cos/sin, the QKV split, the window. */
  private static final Set<String> OPS = Set.of("Cos", "Sin", "Split", "LessOrEqual");
  /** The prefix of ModernBertForMaskedLM's (and wrapped models') names: "model.", scope /model. */
  private static final String PREFIX = "model.";
  /**
   * max_position_embeddings of every published ModernBERT (base and large): the graph has no
   * position table and computes any length, so nothing in it gives this limit; a config.json
   * next to the file wins.
   */
  static final int MAX_POSITIONS = 8192;
  /** ModernBertConfig's local_attention and local_rope_theta, used only when no layer is local. */
  private static final int DEFAULT_LOCAL_ATTENTION = 128;
  private static final double DEFAULT_LOCAL_BASE = 10000.0;

  /** A layer's attention as the graph computes it: its mask and its rotary frequencies. */
  private record LayerAttention(boolean global, int halfWindow, Node cos, float[] invFreq) {}

  /** A rotated query or key: the value and the Cos node (with its frequencies) it used. */
  private record Rotated(String value, Node cos, float[] invFreq) {}

  /** "" for a ModernBertModel export, "model." when every name carries that prefix. */
  private final String prefix;
  private final Pattern weightScope;

  ModernBertOnnxGraph(OnnxReader graph) {
    super(graph, "ModernBERT");
    this.prefix = graph.initializers.containsKey(TOKEN_EMBEDDINGS) ? "" : PREFIX;
    this.weightScope = Pattern.compile("^" + (prefix.isEmpty() ? "" : "/model")
        + "/layers\\.(\\d+)/(attn/Wqkv|attn/Wo|mlp/Wi|mlp/Wo)/MatMul$");
  }

  /** Whether the graph has ModernBERT's token embeddings, bare or "model."-prefixed. */
  static boolean isModernBert(Map<String, RawTensor> initializers) {
    return initializers.containsKey(TOKEN_EMBEDDINGS)
        || initializers.containsKey(PREFIX + TOKEN_EMBEDDINGS);
  }

  Imported read() {
    for (Node n : g.nodes) {
      if (!OnnxReader.KNOWN_OPS.contains(n.op()) && !OPS.contains(n.op())) {
        throw new ModelFormatException(src + ": node " + n.name() + " has op " + n.op()
            + ", which is not part of ModernBERT's export (fused ONNX Runtime operators come "
            + "from optimized exports: export the plain model)");
      }
    }
    for (RawTensor t : g.initializers.values()) {
      if (OnnxReader.isHfName(t.name()) && OnnxReader.isFloat(t)
          && t.name().startsWith(prefix)) {
        weights.put(new Tensor(t.name().substring(prefix.length()), g.intDims(t), g.toFloats(t)));
      }
    }
    int numLayers = weightProducts(weightScope, "layers.",
        List.of("attn/Wqkv", "attn/Wo", "mlp/Wi", "mlp/Wo"));
    Tensor tok = weights.get(TOKEN_EMBEDDINGS);
    int vocab = tok.shape()[0];
    hidden = tok.shape()[1];
    usedInitializers.add(prefix + TOKEN_EMBEDDINGS);
    int ff = weights.get(weightName(0, "mlp.Wo")).shape()[1];

    Node gather = null;
    for (Node n : g.nodes) {
      if (n.op().equals("Gather")
          && n.inputs().equals(List.of(prefix + TOKEN_EMBEDDINGS, "input_ids"))) {
        gather = n;
      }
    }
    if (gather == null) {
      throw new ModelFormatException(src + ": no Gather node reads " + prefix + TOKEN_EMBEDDINGS
          + " at input_ids; expected ModernBERT's token embeddings");
    }
    String x = norm(gather.outputs().get(0), "embeddings.norm.weight");
    Activation activation = null;
    LayerAttention[] attention = new LayerAttention[numLayers];
    for (int l = 0; l < numLayers; l++) {
      Node wqkv = weightNodes.get(weightName(l, "attn.Wqkv"));
      String attnIn = l == 0 ? x : norm(x, "layers." + l + ".attn_norm.weight");
      require(wqkv.inputs().get(0).equals(attnIn), wqkv, l == 0
          ? "its input to be the embeddings' output itself (layer 0's attn_norm is the identity)"
          : "its input to be layers." + l + ".attn_norm's output");
      attention[l] = attention(l, wqkv, weightNodes.get(weightName(l, "attn.Wo")));
      String y = residual(x, weightNodes.get(weightName(l, "attn.Wo")));
      Node wi = weightNodes.get(weightName(l, "mlp.Wi"));
      require(wi.inputs().get(0).equals(norm(y, "layers." + l + ".mlp_norm.weight")), wi,
          "its input to be layers." + l + ".mlp_norm's output");
      Node wo = weightNodes.get(weightName(l, "mlp.Wo"));
      Activation act = geglu(l, wi, wo);
      if (activation != null && act != activation) {
        throw new ModelFormatException(src + ": layer " + l + "'s GeGLU activation is " + act
            + " but layer 0's is " + activation + "; expected one activation for all layers");
      }
      activation = act;
      x = residual(y, wo);
    }
    String out = norm(x, "final_norm.weight");
    requireEndsAt(out, "the final norm's output", "ModernBertModel's last_hidden_state",
        "the token embeddings, the norms' weights and the layers' four products");
    EncoderConfig.Rotary rotary = rotary(attention);
    try {
      return new Imported(weights, new EncoderConfig(vocab, hidden, numLayers, heads, ff,
          MAX_POSITIONS, 0, eps, activation, EncoderConfig.Positions.ROTARY, true, "modernbert",
          -1, 0, rotary), List.copyOf(g.graphInputs));
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(src + ": inferred config is invalid: " + e.getMessage(), e);
    }
  }

  private static String weightName(int layer, String product) {
    return "layers." + layer + "." + product + ".weight";
  }

  /**
   * The output of the bias-free LayerNormalization over {@code input} whose scale is the named
   * initializer {@code weight}; its bias must be a constant of zeros and its epsilon the graph's
   * one epsilon.
   */
  private String norm(String input, String bareWeight) {
    String weight = prefix + bareWeight;
    Node ln = null;
    for (Node c : g.consumers.getOrDefault(input, List.of())) {
      if (c.op().equals("LayerNormalization") && c.inputs().get(1).equals(weight)) ln = c;
    }
    if (ln == null) {
      Node p = g.producers.get(input);
      throw new ModelFormatException(src + ": no LayerNormalization with scale " + weight
          + " reads " + input + (p == null ? "" : " (from node " + p.name() + ")")
          + "; expected ModernBERT's " + weight.replace(".weight", "") + " there");
    }
    long axis = ln.attrs().get("axis") instanceof Long a ? a : -1L;
    require(axis == -1 || axis == 2, ln, "axis -1 (normalizing the hidden size)");
    String bias = ln.inputs().size() > 2 ? ln.inputs().get(2) : "";
    RawTensor b = bias.isEmpty() ? null : g.constant(bias);
    if (!bias.isEmpty()) {
      require(b != null, ln, "a bias-free norm (norm_bias false: a constant zero bias)");
      for (float v : g.toFloats(b)) {
        require(v == 0f, ln, "a bias-free norm (norm_bias false): a bias of zeros, not " + bias);
      }
      usedInitializers.add(bias);
    }
    RawTensor scale = initializer(weight);
    require(scale != null && OnnxReader.isFloat(scale), ln, "its scale " + weight
        + " an initializer (or an Identity of one)");
    weights.put(new Tensor(bareWeight, g.intDims(scale), g.toFloats(scale)));
    sameEpsilon(ln, "the first norm", "norm_eps");
    return ln.outputs().get(0);
  }

  /** The Add of {@code stream} and the product's output: the residual connection. */
  private String residual(String stream, Node product) {
    String out = product.outputs().get(0);
    Node add = onlyConsumer(out, "Add", product);
    require(add.inputs().size() == 2 && add.inputs().contains(stream), add,
        "the residual Add of " + stream + " and " + out);
    return add.outputs().get(0);
  }

  private LayerAttention attention(int l, Node wqkv, Node wo) {
    Node reshape = onlyConsumer(wqkv.outputs().get(0), "Reshape", wqkv);
    long[] shape = g.constantLongs(reshape.inputs().get(1));
    require(shape != null && shape.length == 5 && shape[2] == 3 && shape[3] > 0
        && shape[3] * shape[4] == hidden, reshape, "a reshape to [batch, -1, 3, heads, head size]"
        + " with heads × head size = " + hidden + ", got " + Arrays.toString(shape));
    if (heads == 0) {
      heads = (int) shape[3];
      headSize = (int) shape[4];
    }
    require(shape[3] == heads, reshape, heads + " heads as in layer 0");
    Node perm = onlyConsumer(reshape.outputs().get(0), "Transpose", reshape);
    requirePerm(perm, 0, 3, 2, 1, 4);
    Node split = onlyConsumer(perm.outputs().get(0), "Split", perm);
    require(split.outputs().size() == 3 && attrLong(split, "axis", 0) == 2, split,
        "a split of axis 2 into q, k and v");
    if (split.inputs().size() > 1) {
      require(Arrays.equals(g.constantLongs(split.inputs().get(1)), new long[] {1, 1, 1}), split,
          "split sizes [1, 1, 1]");
    }
    String q = squeezed(split.outputs().get(0));
    String k = squeezed(split.outputs().get(1));
    String v = squeezed(split.outputs().get(2));
    Rotated rq = rotated(q);
    Rotated rk = rotated(k);
    require(rq.cos() == rk.cos(), rk.cos(), "queries and keys of layer " + l
        + " rotated by one cos/sin (the query's is " + rq.cos().name() + ")");

    Node kt = null;
    for (Node c : g.consumers.getOrDefault(rk.value(), List.of())) {
      if (c.op().equals("Transpose")) kt = c;
    }
    require(kt != null, g.producers.get(rk.value()), "the rotated keys transposed for QKᵀ");
    requirePerm(kt, 0, 1, 3, 2);
    String scores = scaledScores(rq.value(), kt);
    Node addMask = onlyConsumer(scores, "Add", g.producers.get(scores));
    String mask = other(addMask, scores);
    Node context = probabilitiesTimes(addMask, v);
    Node back = onlyConsumer(context.outputs().get(0), "Transpose", context);
    requirePerm(back, 0, 2, 1, 3);
    Node merge = onlyConsumer(back.outputs().get(0), "Reshape", back);
    require(wo.inputs().get(0).equals(merge.outputs().get(0)), wo,
        "its input to be the heads' context merged back (" + merge.name() + ")");
    int halfWindow = halfWindow(mask, addMask);
    return new LayerAttention(halfWindow < 0, halfWindow, rq.cos(), rq.invFreq());
  }

  /**
   * The scores q·kᵀ/√d over rotated queries {@code q} and transposed rotated keys {@code kt}, as
   * eager attention computes them, (q·kᵀ)·s with s the constant 1/√d, or as torch.onnx decomposes
   * scaled_dot_product_attention (transformers' default "sdpa"), (q·√s)·(kᵀ·√s) with s =
   * 1/√(q's last dimension) computed in the graph (or a constant 1/√d). Returns the scores' value.
   */
  private String scaledScores(String q, Node kt) {
    String k = kt.outputs().get(0);
    Node from = g.producers.get(q);
    Node eager = null;
    Node sdpa = null;
    for (Node c : g.consumers.getOrDefault(q, List.of())) {
      if (c.op().equals("MatMul")) eager = c;
      if (c.op().equals("Mul")) sdpa = c;
    }
    require((eager == null) != (sdpa == null), from, "the rotated queries multiplied by the keys "
        + "(eager attention) or by √(1/√d) first (scaled_dot_product_attention)");
    if (eager != null) {
      require(eager.inputs().equals(List.of(q, k)), eager,
          "rotated queries times transposed rotated keys");
      Node scale = onlyConsumer(eager.outputs().get(0), "Mul", eager);
      requireScale(scalarFloat(scale, other(scale, eager.outputs().get(0))), 1, scale, headSize);
      return scale.outputs().get(0);
    }
    Node ks = onlyConsumer(k, "Mul", kt);
    Node mm = onlyConsumer(sdpa.outputs().get(0), "MatMul", sdpa);
    require(mm.inputs().equals(List.of(sdpa.outputs().get(0), ks.outputs().get(0))), mm,
        "scaled rotated queries times scaled transposed rotated keys");
    requireRootOfScale(other(sdpa, q), q, sdpa, headSize);
    requireRootOfScale(other(ks, k), q, ks, headSize);
    return mm.outputs().get(0);
  }

  private String squeezed(String value) {
    Node sq = onlyConsumer(value, "Squeeze", g.producers.get(value));
    if (sq.inputs().size() > 1) {
      require(Arrays.equals(g.constantLongs(sq.inputs().get(1)), new long[] {2}), sq,
          "squeezing axis 2");
    }
    return sq.outputs().get(0);
  }

  /**
   * {@code x·cos + rotate_half(x)·sin} over {@code x} (a query or key, [batch, heads, n, d]),
   * rotate_half(x) = concat(−x[d/2:], x[:d/2]) on the last axis: the rotation RotaryEmbedding
   * applies.
   */
  private Rotated rotated(String x) {
    RotateHalf r = rotateHalf(x, headSize);
    Node cos = trig(r.cos(), "Cos", r.mulCos());
    Node sin = trig(r.sin(), "Sin", r.mulSin());
    require(cos.inputs().equals(sin.inputs()), sin, "the angles of " + cos.name());
    return new Rotated(r.value(), cos, frequencies(cos));
  }

  /**
   * The Cos or Sin node behind a rotation's factor (through Unsqueeze, Cast and a Mul by
   * attention_scaling, which must be 1: no rope scaling).
   */
  private Node trig(String value, String op, Node user) {
    Node p = g.producers.get(through(value, "Unsqueeze", "Cast"));
    if (p != null && p.op().equals("Mul")) {
      RawTensor c = null;
      String other = null;
      for (String i : p.inputs()) {
        if (g.constant(i) != null) c = g.constant(i);
        else other = i;
      }
      require(c != null && c.count() == 1 && g.toFloats(c)[0] == 1f, p,
          "the " + op.toLowerCase() + " scaled by 1 (attention_scaling of the default rotary, no "
          + "rope_scaling)");
      p = g.producers.get(through(other, "Cast"));
    }
    require(p != null && p.op().equals(op), user, "a factor computed by " + op + " of the rotary"
        + " angles");
    return p;
  }

  /**
   * The frequencies θ behind a Cos node: angles = concat(f, f) on the last axis, f = (θ[:, None]
   * × positions[None, :])ᵀ with θ a constant [1, d/2, 1] and positions 0..n−1 (a Range from 0 by 1
   * to input_ids' length).
   */
  private float[] frequencies(Node cos) {
    Node cat = g.producers.get(cos.inputs().get(0));
    long axis = cat == null ? 0 : attrLong(cat, "axis", 0);
    require(cat != null && cat.op().equals("Concat") && cat.inputs().size() == 2
        && cat.inputs().get(0).equals(cat.inputs().get(1)) && (axis == -1 || axis == 2), cos,
        "angles concat(freqs, freqs) on the last axis (the rotate-half layout)");
    Node t = g.producers.get(cat.inputs().get(0));
    require(t != null && t.op().equals("Transpose"), cat, "transposed angles");
    requirePerm(t, 0, 2, 1);
    Node mm = g.producers.get(t.inputs().get(0));
    require(mm != null && mm.op().equals("MatMul"), t, "angles as frequencies × positions");
    Node expand = g.producers.get(through(mm.inputs().get(0), "Cast"));
    RawTensor f = expand != null && expand.op().equals("Expand")
        ? g.constant(expand.inputs().get(0)) : null;
    require(f != null && f.dims().length == 3 && f.dims()[0] == 1 && f.dims()[2] == 1
        && f.dims()[1] == headSize / 2, mm, "a constant of frequencies [1, " + headSize / 2
        + ", 1] as its first factor");
    Node range = g.producers.get(through(mm.inputs().get(1), "Cast", "Unsqueeze"));
    requirePositions(range, mm);
    return g.toFloats(f);
  }

  /** A Range from 0 by 1 up to input_ids' sequence length: positions 0..n−1. */
  private void requirePositions(Node range, Node user) {
    boolean ok = range != null && range.op().equals("Range")
        && Long.valueOf(0).equals(scalarLong(range.inputs().get(0)))
        && Long.valueOf(1).equals(scalarLong(range.inputs().get(2)));
    if (ok) {
      Node gather = g.producers.get(through(range.inputs().get(1), "Cast"));
      Node shape = gather == null ? null : g.producers.get(gather.inputs().get(0));
      ok = gather != null && gather.op().equals("Gather")
          && Long.valueOf(1).equals(scalarLong(gather.inputs().get(1)))
          && shape != null && shape.op().equals("Shape")
          && shape.inputs().get(0).equals("input_ids");
    }
    require(ok, user, "positions 0..n-1: a Range from 0 by 1 to input_ids' length (dimension 1)");
  }

  /**
   * The half width w of a local layer's window, or −1 for a global layer: a global layer adds
   * the padding mask (built from attention_mask, no window test in it); a local one adds
   * Where(Not(|i − j| ≤ w), −∞, that same padding mask), i and j from one Range by 1.
   */
  private int halfWindow(String mask, Node add) {
    Node where = g.producers.get(mask);
    Node not = where != null && where.op().equals("Where")
        ? g.producers.get(through(where.inputs().get(0), "Cast")) : null;
    if (not != null && not.op().equals("Not")) {
      Node le = g.producers.get(through(not.inputs().get(0), "Cast", "Unsqueeze"));
      require(le != null && le.op().equals("LessOrEqual"), not, "the window test |i - j| <= w");
      Long w = scalarLong(le.inputs().get(1));
      Node abs = g.producers.get(le.inputs().get(0));
      Node sub = abs == null || !abs.op().equals("Abs") ? null : g.producers.get(abs.inputs().get(0));
      require(w != null && w >= 0 && sub != null && sub.op().equals("Sub"), le,
          "|i - j| <= w with w a constant and i - j a Sub");
      Node a = g.producers.get(sub.inputs().get(0));
      Node b = g.producers.get(sub.inputs().get(1));
      Node tr = a != null && a.op().equals("Transpose") ? a : b;
      String other = tr == a ? sub.inputs().get(1) : sub.inputs().get(0);
      require(tr != null && tr.op().equals("Transpose") && tr.inputs().get(0).equals(other), sub,
          "i - j of one position row and its transpose");
      Node range = g.producers.get(through(other, "Unsqueeze"));
      require(range != null && range.op().equals("Range")
          && Long.valueOf(1).equals(scalarLong(range.inputs().get(2))), sub,
          "positions from a Range by 1");
      RawTensor neg = g.constant(where.inputs().get(1));
      require(neg != null && neg.count() == 1 && g.toFloats(neg)[0] <= -1e30f, where,
          "keys outside the window set to the most negative float");
      requirePaddingMask(where.inputs().get(2), where);
      return Math.toIntExact(w);
    }
    requirePaddingMask(mask, add);
    return -1;
  }

  /** The one padding mask of the graph: built from attention_mask, no window test in it. */
  private void requirePaddingMask(String mask, Node user) {
    if (paddingMask == null) {
      boolean fromInput = false;
      for (Node a : g.ancestors(mask, 64)) {
        require(!a.op().equals("LessOrEqual"), user, "a padding mask with no window test (found "
            + a.name() + ")");
        if (a.inputs().contains("attention_mask")) fromInput = true;
      }
      require(fromInput, user, "a mask built from attention_mask");
      paddingMask = mask;
    }
    require(mask.equals(paddingMask), user, "the padding mask " + paddingMask + " (or a window "
        + "over it), got " + mask);
  }

  /**
   * GeGLU: Wi's output cut by chunk(2) into [0, m) and [m, 2m) on the last axis, the first
   * through the activation times the second, into Wo. Returns the activation.
   */
  private Activation geglu(int l, Node wi, Node wo) {
    Node act = null;
    Node gate = null;
    for (Node c : g.consumers.getOrDefault(wi.outputs().get(0), List.of())) {
      if (!c.op().equals("Slice")) continue;
      long[] starts = g.constantLongs(c.inputs().get(1));
      if (starts != null && Arrays.equals(starts, new long[] {0})) act = c;
      else gate = c;
    }
    require(act != null && gate != null && act.inputs().get(2).equals(gate.inputs().get(1)), wi,
        "its output cut in two at one point (Wi(x).chunk(2): input, gate)");
    requireLastAxisSlice(act, 2);
    requireLastAxisSlice(gate, 2);
    Node mid = g.producers.get(act.inputs().get(2));
    Node end = g.producers.get(gate.inputs().get(2));
    require(mid != null && end != null && mid.op().equals("Mul") && end.op().equals("Mul")
        && mid.inputs().get(0).equals(end.inputs().get(0))
        && Long.valueOf(1).equals(scalarLong(mid.inputs().get(1)))
        && Long.valueOf(2).equals(scalarLong(end.inputs().get(1))), gate,
        "chunk(2)'s bounds: one chunk size × 1 and × 2");
    Node chunk = g.producers.get(mid.inputs().get(0));
    require(chunk != null && chunk.op().equals("Div")
        && Long.valueOf(2).equals(scalarLong(chunk.inputs().get(1))), mid,
        "chunk(2)'s size: the last dimension divided by 2");
    Node product = g.producers.get(wo.inputs().get(0));
    require(product != null && product.op().equals("Mul")
        && product.inputs().get(1).equals(gate.outputs().get(0)), wo,
        "its input to be act(input) × gate, the gate " + gate.outputs().get(0));
    TreeSet<String> ops = g.opsBetween(act, product);
    ops.retainAll(OnnxReader.ACTIVATION_OPS.keySet());
    if (ops.size() != 1) {
      throw new ModelFormatException(src + ": layer " + l + "'s GeGLU between " + act.name()
          + " and " + product.name() + " has activation ops " + ops + "; expected exactly one "
          + "of Erf (gelu), Tanh (gelu_new) or Relu (relu)");
    }
    return OnnxReader.ACTIVATION_OPS.get(ops.first());
  }

  /**
   * Rotary settings from the layers: global layers (padding mask only) must be 0, n, 2n, ...,
   * share one frequency constant, and so must the local ones, with one window.
   */
  private EncoderConfig.Rotary rotary(LayerAttention[] layers) {
    int every = layers.length;
    for (int l = 1; l < layers.length; l++) {
      if (layers[l].global()) {
        every = l;
        break;
      }
    }
    LayerAttention firstLocal = null;
    for (int l = 0; l < layers.length; l++) {
      LayerAttention a = layers[l];
      if (l == 0 && !a.global()) {
        throw new ModelFormatException(src + ": layer 0 adds a windowed mask; expected layer 0 "
            + "global (ModernBERT's global layers are 0, n, 2n, ...)");
      }
      if (a.global() != (l % every == 0)) {
        throw new ModelFormatException(src + ": layer " + l + " is " + (a.global() ? "global"
            : "local") + " but layers 0 to " + (l - 1) + " make global every " + every
            + "-th layer from 0; expected global_attn_every_n_layers' pattern");
      }
      LayerAttention like = a.global() ? layers[0] : firstLocal;
      if (!a.global() && firstLocal == null) firstLocal = like = a;
      if (!Arrays.equals(a.invFreq(), like.invFreq())) {
        throw new ModelFormatException(src + ": node " + a.cos().name() + " (layer " + l
            + ") rotates with other frequencies than " + like.cos().name() + "; expected one "
            + "rotary base for all " + (a.global() ? "global" : "local") + " layers");
      }
      if (a.halfWindow() != like.halfWindow()) {
        throw new ModelFormatException(src + ": layer " + l + "'s window is |i - j| <= "
            + a.halfWindow() + " but the first local layer's is " + like.halfWindow()
            + "; expected one local_attention");
      }
    }
    double global = base(layers[0]);
    if (firstLocal == null) {
      // No local layer: the window and the local base are never used.
      return new EncoderConfig.Rotary(every, global, DEFAULT_LOCAL_ATTENTION, DEFAULT_LOCAL_BASE);
    }
    return new EncoderConfig.Rotary(every, global, 2 * firstLocal.halfWindow(), base(firstLocal));
  }

  /** The integer rotary base of a layer's frequency constant, else the constant is refused. */
  private double base(LayerAttention a) {
    return integerBase(a.invFreq(), a.cos(), "the default rotary of ModernBERT (rope_theta, no "
        + "scaling)");
  }
}
