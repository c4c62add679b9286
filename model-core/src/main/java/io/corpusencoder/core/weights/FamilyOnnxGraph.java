package io.corpusencoder.core.weights;

import io.corpusencoder.core.weights.OnnxReader.Node;
import io.corpusencoder.core.weights.OnnxReader.RawTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The small steps every family's ONNX graph reader takes when it follows an export from its
 * inputs (ModernBertOnnxGraph, NomicBertOnnxGraph, GteOnnxGraph): the one consumer of a value, the value behind
 * value-preserving nodes, an initializer reached directly or through the Identity the exporter
 * gives merged copies, scalar constants, and a refusal naming the node, its op, the family and
 * what was expected; the pieces of attention and rotary that several families' exports share
 * (torch.onnx's decomposed score scale, a rotary base read back from its frequencies) and a small
 * evaluator of the integer shape arithmetic exporters trace. Initializers reached here are
 * remembered, so a reader can refuse a weight it never used.
 */
abstract class FamilyOnnxGraph {
  /** An element of an integer value {@link #ints} cannot know before run time. */
  static final long UNKNOWN = Long.MIN_VALUE;
  /** How close frequencies must be to 1 / base^(2i/d) (float32 pow differs by ulps). */
  static final double FREQUENCY_TOLERANCE = 1e-6;

  final OnnxReader g;
  final String src;
  /** The family's name in refusals ("ModernBERT", "NomicBERT"). */
  private final String family;
  final Set<String> usedInitializers = new HashSet<>();
  /** The weights read, under their Hugging Face names. */
  final WeightMap weights;
  /** The MatMul node multiplying by each layer weight product, by Hugging Face name. */
  final Map<String, Node> weightNodes = new HashMap<>();

  // What the walk has read so far, one value per graph: each reader checks every later
  // occurrence against the first.
  Float eps;
  int hidden;
  int heads;
  int headSize;
  /** The value holding the additive padding mask the scores take. */
  String paddingMask;

  /** A rotate-half rotation {@code x·cos + rotate_half(x)·sin}: its output and its factors. */
  record RotateHalf(String value, String cos, Node mulCos, String sin, Node mulSin) {}

  FamilyOnnxGraph(OnnxReader graph, String family) {
    this.g = graph;
    this.src = graph.source;
    this.family = family;
    this.weights = new WeightMap(graph.source);
  }

  /**
   * Attention's context product: the Softmax over the keys of {@code addMask}'s output (through
   * any Casts the exporter adds) multiplied by {@code v}. Returns that MatMul.
   */
  Node probabilitiesTimes(Node addMask, String v) {
    Node softmax = onlyConsumer(addMask.outputs().get(0), "Softmax", addMask);
    long axis = attrLong(softmax, "axis", -1);
    require(axis == -1 || axis == 3, softmax, "softmax over the keys (axis -1)");
    String probs = softmax.outputs().get(0);
    for (Node c = onlyConsumer(probs, null, softmax); c.op().equals("Cast");
        c = onlyConsumer(probs, null, c)) {
      probs = c.outputs().get(0);
    }
    Node context = onlyConsumer(probs, "MatMul", softmax);
    require(context.inputs().equals(List.of(probs, v)), context, "probabilities times v");
    return context;
  }

  /**
   * Records the LayerNormalization {@code ln}'s epsilon (ONNX's default 1e-5 when absent), refusing
   * one that differs from the first norm's ({@code first}): the config has one {@code field}.
   */
  void sameEpsilon(Node ln, String first, String field) {
    float e = ln.attrs().get("epsilon") instanceof Float f ? f : 1e-5f;
    if (eps != null && e != eps) {
      throw new ModelFormatException(src + ": node " + ln.name() + " has epsilon " + e
          + " but " + first + " has " + eps + "; expected one " + field);
    }
    eps = e;
  }

  /**
   * Refuses a graph in which a node reads {@code last} (the final hidden state, described as
   * {@code what}) or a Hugging Face-named initializer was never read: a pooler, a head or a weight
   * this reader does not map would otherwise be dropped without a word. {@code output} names the
   * model's output, {@code expectedWeights} the weights the family's reader does read.
   */
  void requireEndsAt(String last, String what, String output, String expectedWeights) {
    List<Node> readers = g.consumers.getOrDefault(last, List.of());
    if (!readers.isEmpty()) {
      Node next = readers.get(0);
      throw new ModelFormatException(src + ": node " + next.name() + " (" + next.op()
          + ") reads " + what + "; expected it to be the graph's output (" + output
          + ", no pooler or head)");
    }
    for (RawTensor t : g.initializers.values()) {
      if (OnnxReader.isHfName(t.name()) && !usedInitializers.contains(t.name())) {
        throw new ModelFormatException(src + ": initializer " + t.name() + " is not read where "
            + family + "'s graph reads its weights; expected only " + expectedWeights);
      }
    }
  }

  /**
   * The layers' weight products: every MatMul by an initializer (or an Identity of one) must be
   * one {@code scope} names (group 1 the layer, group 2 the product's scope path, one of
   * {@code products}); it is stored [in, out] and taken as HF's [out, in] under
   * {@code layerPrefix} + layer + "." + the product with '/' as '.' + ".weight" (its node in
   * {@link #weightNodes}). Layers must be 0..n−1, each with every product once. Returns n.
   */
  int weightProducts(Pattern scope, String layerPrefix, List<String> products) {
    TreeMap<Integer, Set<String>> layers = new TreeMap<>();
    for (Node n : g.nodes) {
      RawTensor t = n.op().equals("MatMul") ? initializer(n.inputs().get(1)) : null;
      if (t == null) continue;
      Matcher m = scope.matcher(n.name());
      if (!m.matches() || !products.contains(m.group(2))) {
        throw new ModelFormatException(src + ": node " + n.name() + " multiplies by initializer "
            + t.name() + "; expected only the MatMul nodes of " + family + "'s weight products "
            + products + " (scope " + scope.pattern() + ")");
      }
      if (t.dims().length != 2 || !OnnxReader.isFloat(t)) {
        throw new ModelFormatException(src + ": node " + n.name() + " multiplies by " + t.name()
            + " of rank " + t.dims().length + "; expected a 2-D float weight");
      }
      int layer = Integer.parseInt(m.group(1));
      String name = layerPrefix + layer + "." + m.group(2).replace('/', '.') + ".weight";
      if (weightNodes.put(name, n) != null) {
        throw new ModelFormatException(src + ": node " + n.name() + " is a second product for "
            + name + "; expected one");
      }
      layers.computeIfAbsent(layer, k -> new TreeSet<>()).add(m.group(2));
      int in = (int) t.dims()[0];
      int out = (int) t.dims()[1];
      weights.put(new Tensor(name, new int[] {out, in},
          OnnxReader.transpose(g.toFloats(t), in, out)));
    }
    int numLayers = layers.size();
    if (numLayers == 0 || layers.firstKey() != 0 || layers.lastKey() != numLayers - 1) {
      throw new ModelFormatException(src + ": " + family + " layers found " + layers.keySet()
          + "; expected 0..n-1");
    }
    for (var e : layers.entrySet()) {
      if (e.getValue().size() != products.size()) {
        throw new ModelFormatException(src + ": layer " + e.getKey() + " has weight products "
            + e.getValue() + "; expected " + products);
      }
    }
    return numLayers;
  }

  /** Refuses, naming {@code n} and its op, unless {@code ok}. */
  void require(boolean ok, Node n, String expected) {
    if (!ok) {
      throw new ModelFormatException(src + ": node " + (n == null ? "(graph input)"
          : n.name() + " (" + n.op() + ")") + " does not match " + family + "'s export: "
          + "expected " + expected);
    }
  }

  /** A Slice of the last axis (-1 or {@code lastAxis}) with step 1 if a step is given. */
  void requireLastAxisSlice(Node slice, long lastAxis) {
    long[] axes = slice.inputs().size() > 3 ? g.constantLongs(slice.inputs().get(3)) : null;
    require(axes != null && axes.length == 1 && (axes[0] == lastAxis || axes[0] == -1), slice,
        "a slice of the last axis");
    if (slice.inputs().size() > 4) {
      require(Arrays.equals(g.constantLongs(slice.inputs().get(4)), new long[] {1}), slice,
          "step 1");
    }
  }

  void requirePerm(Node transpose, long... perm) {
    Object p = transpose.attrs().get("perm");
    long[] got = p instanceof List<?> list
        ? list.stream().mapToLong(o -> ((Number) o).longValue()).toArray() : null;
    require(Arrays.equals(got, perm), transpose, "perm " + Arrays.toString(perm));
  }

  /** The one consumer of {@code value} (of op {@code op} unless null). */
  Node onlyConsumer(String value, String op, Node from) {
    List<Node> cs = new ArrayList<>();
    for (Node c : g.consumers.getOrDefault(value, List.of())) {
      if (op == null || c.op().equals(op)) cs.add(c);
    }
    require(cs.size() == 1, from, "one " + (op == null ? "node" : op) + " reading " + value
        + ", found " + cs.stream().map(Node::name).toList());
    return cs.get(0);
  }

  /** The node producing {@code value} if it has op {@code op}, else null. */
  Node producer(String value, String op) {
    Node p = g.producers.get(value);
    return p != null && p.op().equals(op) ? p : null;
  }

  /** The value behind {@code value} once nodes of the given value-preserving ops are skipped. */
  String through(String value, String... ops) {
    List<String> skip = List.of(ops);
    for (Node p = g.producers.get(value); p != null && skip.contains(p.op());
        p = g.producers.get(value)) {
      value = p.inputs().get(0);
    }
    return value;
  }

  /**
   * The initializer {@code value} names, directly or through an Identity: torch.onnx keeps one
   * copy of equal initializers (e.g. norms still at their initial ones) and gives the others as
   * Identity nodes of it. Marks it used; null if {@code value} is neither.
   */
  RawTensor initializer(String value) {
    Node p = g.producers.get(value);
    String name = p != null && p.op().equals("Identity") ? p.inputs().get(0) : value;
    RawTensor t = g.initializers.get(name);
    if (t != null) usedInitializers.add(name);
    return t;
  }

  static String other(Node binary, String one) {
    return binary.inputs().get(0).equals(one) ? binary.inputs().get(1) : binary.inputs().get(0);
  }

  static long attrLong(Node n, String name, long dflt) {
    return n.attrs().get(name) instanceof Long v ? v : dflt;
  }

  /** A one-element constant as a long, else null. */
  Long scalarLong(String value) {
    RawTensor c = g.constant(value);
    return c != null && c.count() == 1 ? g.toLongs(c)[0] : null;
  }

  /** A one-element constant as a float, refused naming {@code user} if it is not one. */
  float scalarFloat(Node user, String value) {
    RawTensor c = g.constant(value);
    require(c != null && c.count() == 1, user, "a scalar constant " + value);
    return g.toFloats(c)[0];
  }

  /**
   * {@code x·cos + rotate_half(x)·sin} over {@code x} (a query or key of rank 4, heads' values
   * last), rotate_half(x) = concat(−x[d/2:], x[:d/2]) on the last axis: the rotation
   * RotaryEmbedding applies. The factors are returned unresolved (each family computes or stores
   * its cos and sin differently).
   */
  RotateHalf rotateHalf(String x, int headSize) {
    Node from = g.producers.get(x);
    Node first = null;
    Node second = null;
    // The halves' bounds are traced from x's shape (x.shape[-1] // 2, or chunk(2)'s (d + 1) // 2):
    // evaluated with x's last dimension known.
    Map<String, long[]> shapes = Map.of(x, new long[] {UNKNOWN, UNKNOWN, UNKNOWN, headSize});
    for (Node c : g.consumers.getOrDefault(x, List.of())) {
      if (!c.op().equals("Slice") || !c.inputs().get(0).equals(x)) continue;
      if (Arrays.equals(ints(c.inputs().get(1), shapes), new long[] {0})) {
        first = c;
      } else {
        second = c;
      }
    }
    require(first != null && second != null, from, "its output sliced into halves [0, d/2) and "
        + "[d/2, d) for rotate_half");
    requireLastAxisSlice(first, 3);
    requireLastAxisSlice(second, 3);
    long half = headSize / 2;
    require(Arrays.equals(ints(first.inputs().get(2), shapes), new long[] {half}), first,
        "the first half [0, " + half + "): a bound of d/2 from the last dimension of " + x);
    require(Arrays.equals(ints(second.inputs().get(1), shapes), new long[] {half}), second,
        "to start where " + first.name() + " ends (d/2 = " + half + ")");
    long[] end = ints(second.inputs().get(2), shapes);
    require(end != null && end.length == 1 && end[0] >= headSize, second,
        "to run to the end of the head");
    Node neg = onlyConsumer(second.outputs().get(0), "Neg", second);
    Node cat = onlyConsumer(neg.outputs().get(0), "Concat", neg);
    long catAxis = attrLong(cat, "axis", 0);
    require(cat.inputs().equals(List.of(neg.outputs().get(0), first.outputs().get(0)))
        && (catAxis == -1 || catAxis == 3), cat, "rotate_half: concat(-x[d/2:], x[:d/2]) on the "
        + "last axis");
    Node mulSin = onlyConsumer(cat.outputs().get(0), "Mul", cat);
    Node add = onlyConsumer(mulSin.outputs().get(0), "Add", mulSin);
    Node mulCos = g.producers.get(other(add, mulSin.outputs().get(0)));
    require(mulCos != null && mulCos.op().equals("Mul") && mulCos.inputs().contains(x), add,
        "x·cos + rotate_half(x)·sin (the other term a Mul of " + x + ")");
    return new RotateHalf(add.outputs().get(0), other(mulCos, x), mulCos,
        other(mulSin, cat.outputs().get(0)), mulSin);
  }

  /** √s with s = 1/√d: a Sqrt of 1 / Sqrt(q's last dimension) or of a constant 1/√d. */
  void requireRootOfScale(String value, String q, Node user, int headSize) {
    Node sqrt = g.producers.get(value);
    require(sqrt != null && sqrt.op().equals("Sqrt"), user, "a factor √(1/√d) (a Sqrt)");
    String s = through(sqrt.inputs().get(0), "Cast");
    RawTensor c = g.constant(s);
    if (c != null) {
      require(c.count() == 1, sqrt, "a scalar scale");
      requireScale(g.toFloats(c)[0], 2, sqrt, headSize);
      return;
    }
    Node div = g.producers.get(s);
    RawTensor one = div != null && div.op().equals("Div") ? g.constant(div.inputs().get(0)) : null;
    Node root = div == null ? null : g.producers.get(div.inputs().get(1));
    Node slice = root != null && root.op().equals("Sqrt")
        ? g.producers.get(through(root.inputs().get(0), "Cast")) : null;
    Node shape = slice != null && slice.op().equals("Slice")
        ? g.producers.get(slice.inputs().get(0)) : null;
    require(one != null && one.count() == 1 && g.toFloats(one)[0] == 1f && shape != null
        && shape.op().equals("Shape") && shape.inputs().get(0).equals(q)
        && Arrays.equals(g.constantLongs(slice.inputs().get(1)), new long[] {-1}), sqrt,
        "the scale 1/√d computed as 1 / Sqrt(the last dimension of " + q + ")");
  }

  /** A constant score scale: 1/√d, or its square root when {@code root} is 2. */
  void requireScale(float got, int root, Node n, int headSize) {
    float want = (float) Math.pow(headSize, -0.5 / root);
    require(Math.abs(got - want) <= 1e-6f * want, n, "the score scale " + (root == 1
        ? "1/√" + headSize : "√(1/√" + headSize + ")") + " = " + want + ", got " + got);
  }

  /**
   * The rotary base of frequencies θ_i = 1 / base^(2i/d) (d = 2 · their count): base =
   * θ_last^(−d / (2·last)); the integer nearest that must reproduce every θ_i as RotaryEmbedding
   * computes it, else refused naming {@code at} and what was {@code expected}.
   */
  double integerBase(float[] f, Node at, String expected) {
    int d = 2 * f.length;
    int last = f.length - 1;
    double base = last > 0 ? Math.rint(Math.pow(f[last], -(double) d / (2.0 * last))) : 0;
    for (int i = 0; i < f.length; i++) {
      float want = base > 0 ? 1f / (float) Math.pow(base, (float) (2 * i) / d) : Float.NaN;
      if (!(Math.abs(want - f[i]) <= FREQUENCY_TOLERANCE * f[i])) {
        throw new ModelFormatException(src + ": node " + at.name() + " rotates with "
            + "frequencies " + Arrays.toString(f) + ", which are not 1 / base^(2i/" + d + ") for "
            + "an integer base (the nearest, " + base + ", gives " + want + " at i = " + i
            + "); expected " + expected);
      }
    }
    return base;
  }

  /**
   * The elements of an integer value the exporter computes from constants and shapes (a Reshape's
   * target, a Slice's bound), {@link #UNKNOWN} where they depend on run time: constants,
   * Shape of a value whose dimensions {@code shapes} knows (others unknown), Gather of axis 0,
   * Unsqueeze, Squeeze, Cast, Concat, Add/Sub/Mul/Div (integer division), ConstantOfShape, Equal
   * and Where. Null if some node is none of these.
   */
  long[] ints(String value, Map<String, long[]> shapes) {
    RawTensor c = g.constant(value);
    if (c != null) return g.toLongs(c);
    Node p = g.producers.get(value);
    if (p == null) return null;
    List<String> in = p.inputs();
    switch (p.op()) {
      case "Shape" -> {
        long[] s = shapes.get(in.get(0));
        return s == null ? null : s.clone();
      }
      case "Cast", "Unsqueeze", "Squeeze", "Identity" -> {
        return ints(in.get(0), shapes);
      }
      case "Gather" -> {
        long[] data = ints(in.get(0), shapes);
        long[] idx = ints(in.get(1), shapes);
        if (data == null || idx == null || attrLong(p, "axis", 0) != 0) return null;
        long[] out = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
          long k = idx[i] < 0 ? idx[i] + data.length : idx[i];
          if (idx[i] == UNKNOWN || k < 0 || k >= data.length) return null;
          out[i] = data[(int) k];
        }
        return out;
      }
      case "Concat" -> {
        List<Long> out = new ArrayList<>();
        for (String i : in) {
          long[] part = ints(i, shapes);
          if (part == null) return null;
          for (long v : part) out.add(v);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
      }
      case "ConstantOfShape" -> {
        long[] shape = ints(in.get(0), shapes);
        Object v = p.attrs().get("value");
        if (shape == null || shape.length != 1 || shape[0] == UNKNOWN
            || !(v instanceof RawTensor t) || t.count() != 1) {
          return null;
        }
        long[] out = new long[Math.toIntExact(shape[0])];
        Arrays.fill(out, g.toLongs(t)[0]);
        return out;
      }
      case "Add", "Sub", "Mul", "Div", "Equal" -> {
        long[] a = ints(in.get(0), shapes);
        long[] b = ints(in.get(1), shapes);
        if (a == null || b == null || (a.length != b.length && a.length != 1 && b.length != 1)) {
          return null;
        }
        long[] out = new long[Math.max(a.length, b.length)];
        for (int i = 0; i < out.length; i++) {
          long x = a[a.length == 1 ? 0 : i];
          long y = b[b.length == 1 ? 0 : i];
          out[i] = x == UNKNOWN || y == UNKNOWN ? UNKNOWN : switch (p.op()) {
            case "Add" -> x + y;
            case "Sub" -> x - y;
            case "Mul" -> x * y;
            case "Div" -> y == 0 ? UNKNOWN : x / y;
            default -> x == y ? 1 : 0;
          };
        }
        return out;
      }
      case "Where" -> {
        long[] cond = ints(in.get(0), shapes);
        long[] a = ints(in.get(1), shapes);
        long[] b = ints(in.get(2), shapes);
        if (cond == null || a == null || b == null) return null;
        int n = Math.max(cond.length, Math.max(a.length, b.length));
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
          long k = cond[cond.length == 1 ? 0 : i];
          out[i] = k == UNKNOWN ? UNKNOWN
              : k != 0 ? a[a.length == 1 ? 0 : i] : b[b.length == 1 ? 0 : i];
        }
        return out;
      }
      default -> {
        return null;
      }
    }
  }
}
