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
 * inputs (ModernBertOnnxGraph, NomicBertOnnxGraph): the one consumer of a value, the value behind
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
}
