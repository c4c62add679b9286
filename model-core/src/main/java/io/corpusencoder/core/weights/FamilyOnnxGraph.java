package io.corpusencoder.core.weights;

import io.corpusencoder.core.weights.OnnxReader.Node;
import io.corpusencoder.core.weights.OnnxReader.RawTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The small steps every family's ONNX graph reader takes when it follows an export from its
 * inputs (ModernBertOnnxGraph, NomicBertOnnxGraph, GteOnnxGraph): the one consumer of a value, the value behind
 * value-preserving nodes, an initializer reached directly or through the Identity the exporter
 * gives merged copies, scalar constants, and a refusal naming the node, its op, the family and
 * what was expected. Initializers reached here are remembered, so a reader can refuse a weight it
 * never used.
 */
abstract class FamilyOnnxGraph {
  final OnnxReader g;
  final String src;
  /** The family's name in refusals ("ModernBERT", "NomicBERT"). */
  private final String family;
  final Set<String> usedInitializers = new HashSet<>();

  /** A rotate-half rotation {@code x·cos + rotate_half(x)·sin}: its output and its factors. */
  record RotateHalf(String value, String cos, Node mulCos, String sin, Node mulSin) {}

  FamilyOnnxGraph(OnnxReader graph, String family) {
    this.g = graph;
    this.src = graph.source;
    this.family = family;
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
    for (Node c : g.consumers.getOrDefault(x, List.of())) {
      if (!c.op().equals("Slice") || !c.inputs().get(0).equals(x)) continue;
      long[] starts = g.constantLongs(c.inputs().get(1));
      if (starts != null && Arrays.equals(starts, new long[] {0})) {
        first = c;
      } else {
        second = c;
      }
    }
    require(first != null && second != null, from, "its output sliced into halves [0, d/2) and "
        + "[d/2, d) for rotate_half");
    requireLastAxisSlice(first, 3);
    requireLastAxisSlice(second, 3);
    Node half = half(first.inputs().get(2), first, x);
    require(half == half(second.inputs().get(1), second, x), second,
        "to start where " + first.name() + " ends (d/2)");
    long[] end = g.constantLongs(second.inputs().get(2));
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

  /** The Div node computing d/2 from x's last dimension, reached through Unsqueeze and Cast. */
  private Node half(String value, Node slice, String x) {
    Node div = g.producers.get(through(value, "Unsqueeze", "Cast"));
    boolean ok = div != null && div.op().equals("Div")
        && Long.valueOf(2).equals(scalarLong(div.inputs().get(1)));
    if (ok) {
      Node gather = g.producers.get(div.inputs().get(0));
      Long index = gather == null ? null : scalarLong(gather.inputs().get(1));
      Node shape = gather == null ? null : g.producers.get(gather.inputs().get(0));
      ok = gather != null && gather.op().equals("Gather") && index != null
          && (index == 3 || index == -1) && shape != null && shape.op().equals("Shape")
          && shape.inputs().get(0).equals(x);
    }
    require(ok, slice, "a bound of d/2: the last dimension of " + x + " divided by 2");
    return div;
  }
}
