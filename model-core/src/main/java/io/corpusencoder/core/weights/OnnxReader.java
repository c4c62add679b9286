package io.corpusencoder.core.weights;

import com.google.protobuf.CodedInputStream;
import io.corpusencoder.core.config.Activation;
import io.corpusencoder.core.config.EncoderConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports a BertModel, XLM-RoBERTa/RoBERTa or MPNet ONNX export (torch.onnx / Optimum) as Hugging
 * Face-named weights and an inferred config (the family read from the graph: positions computed
 * from padding_idx mean RoBERTa, a relative-position bias table MPNet), reading ONNX's protobuf wire format directly (ModelProto field numbers from
 * onnx.proto).
 *
 * <p>Exports give MatMul weights anonymous names (onnx::MatMul_787) stored [in, out]. Each is
 * named by following the graph: the Add that consumes the MatMul's output carries the named bias
 * ("encoder.layer.0.attention.self.query.bias"), and the node's own scope path
 * ("/encoder/layer.0/attention/self/query/MatMul") must agree. The weight is then transposed to
 * HF's [out, in]. Initializer order is never used. A node this importer does not understand
 * (ONNX Runtime's fused Attention, SkipLayerNormalization and the like) is refused by name. A
 * NomicBERT export (initializer emb_ln.weight) is read by {@link NomicBertOnnxGraph}; a graph
 * computing rotary positions by {@link ModernBertOnnxGraph} when it has ModernBERT's token
 * embeddings, and refused otherwise. A graph with GTE's fused qkv_proj bias (rotary tables as
 * constants, no Cos node) is read by {@link GteOnnxGraph}.
 */
public final class OnnxReader {
  private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
  static final java.util.Set<String> KNOWN_OPS = java.util.Set.of(
      "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Erf", "Tanh", "Relu", "MatMul", "Gemm",
      "Gather", "Shape", "Constant", "ConstantOfShape", "Unsqueeze", "Squeeze", "Concat",
      "Reshape", "Transpose", "Slice", "Cast", "ReduceMean", "Softmax", "LayerNormalization",
      "Equal", "Where", "Expand", "Range", "CumSum", "Not", "Identity", "Neg", "Sigmoid",
      // MPNet's relative-position buckets, computed in the graph from the sequence length
      "Abs", "Less", "Log", "Min");
  /** Ops of rotary positions computed in the graph: ModernBERT's are mapped by their own reader. */
  private static final java.util.Set<String> ROTARY_OPS = java.util.Set.of("Cos", "Sin");
  /** MPNet's max_distance, fixed in transformers' MPNetEncoder.compute_position_bias. */
  private static final int MPNET_MAX_DISTANCE = 128;

  /** The result: weights by HF name, the config they imply, and the file's model inputs. */
  public record Imported(WeightMap weights, EncoderConfig config, List<String> inputs) {}

  record RawTensor(String name, long[] dims, int dataType, ByteBuffer raw, float[] floats,
      long[] longs) {
    long count() {
      long n = 1;
      for (long d : dims) n *= d;
      return n;
    }
  }

  record Node(String name, String op, List<String> inputs, List<String> outputs,
      Map<String, Object> attrs) {}

  final String source;
  private final Path baseDir; // for external data, may be null
  final Map<String, RawTensor> initializers = new LinkedHashMap<>();
  private final Map<String, RawTensor> constants = new HashMap<>();
  final List<Node> nodes = new ArrayList<>();
  final Map<String, List<Node>> consumers = new HashMap<>();
  final Map<String, Node> producers = new HashMap<>();
  final List<String> graphInputs = new ArrayList<>();
  /** The MatMul or Gemm node that multiplies by each mapped weight, by HF weight name. */
  private final Map<String, Node> weightNodes = new HashMap<>();

  private OnnxReader(String source, Path baseDir) {
    this.source = source;
    this.baseDir = baseDir;
  }

  /** Imports an ONNX file (external data, if any, is resolved next to it). */
  public static Imported read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException(file + ": ONNX file does not exist");
    return read(Files.readAllBytes(file), file.toString(), file.toAbsolutePath().getParent());
  }

  /** Imports an ONNX model held in memory; {@code source} names it in errors. */
  public static Imported read(byte[] bytes, String source, Path baseDir) throws IOException {
    OnnxReader r = new OnnxReader(source, baseDir);
    r.parseModel(bytes);
    return r.build();
  }

  // ---- wire format ----

  private void parseModel(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    in.setSizeLimit(Integer.MAX_VALUE);
    boolean sawGraph = false;
    try {
      while (true) {
        int tag = in.readTag();
        if (tag == 0) break;
        if (tag >>> 3 == 7 && (tag & 7) == 2) {
          int limit = in.pushLimit(in.readRawVarint32());
          parseGraph(in);
          in.popLimit(limit);
          sawGraph = true;
        } else {
          in.skipField(tag);
        }
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new ModelFormatException(source + ": not a valid ONNX protobuf (truncated or "
          + "corrupt): " + e.getMessage(), e);
    }
    if (!sawGraph) throw new ModelFormatException(source + ": ONNX model has no graph");
  }

  private void parseGraph(CodedInputStream in) throws IOException {
    while (true) {
      int tag = in.readTag();
      if (tag == 0) return;
      int field = tag >>> 3;
      if ((tag & 7) != 2) {
        in.skipField(tag);
        continue;
      }
      int limit = in.pushLimit(in.readRawVarint32());
      switch (field) {
        case 1 -> addNode(parseNode(in));
        case 5 -> {
          RawTensor t = parseTensor(in);
          initializers.put(t.name(), t);
        }
        case 11 -> graphInputs.add(parseValueInfoName(in));
        default -> in.skipRawBytes(in.getBytesUntilLimit());
      }
      in.popLimit(limit);
    }
  }

  private String parseValueInfoName(CodedInputStream in) throws IOException {
    String name = "";
    while (true) {
      int tag = in.readTag();
      if (tag == 0) return name;
      if (tag >>> 3 == 1 && (tag & 7) == 2) name = in.readStringRequireUtf8();
      else in.skipField(tag);
    }
  }

  private Node parseNode(CodedInputStream in) throws IOException {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String name = "";
    String op = "";
    Map<String, Object> attrs = new HashMap<>();
    while (true) {
      int tag = in.readTag();
      if (tag == 0) break;
      switch (tag >>> 3) {
        case 1 -> inputs.add(in.readStringRequireUtf8());
        case 2 -> outputs.add(in.readStringRequireUtf8());
        case 3 -> name = in.readStringRequireUtf8();
        case 4 -> op = in.readStringRequireUtf8();
        case 5 -> {
          int limit = in.pushLimit(in.readRawVarint32());
          parseAttribute(in, attrs);
          in.popLimit(limit);
        }
        default -> in.skipField(tag);
      }
    }
    return new Node(name, op, inputs, outputs, attrs);
  }

  private void parseAttribute(CodedInputStream in, Map<String, Object> attrs) throws IOException {
    String name = "";
    Object value = null;
    List<Long> ints = new ArrayList<>();
    while (true) {
      int tag = in.readTag();
      if (tag == 0) break;
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == 1) {
        name = in.readStringRequireUtf8();
      } else if (field == 2 && wire == 5) {
        value = in.readFloat();
      } else if (field == 3 && wire == 0) {
        value = in.readInt64();
      } else if (field == 4 && wire == 2) {
        value = in.readBytes().toStringUtf8(); // s: a string attribute (Einsum's equation)
      } else if (field == 5 && wire == 2) {
        int limit = in.pushLimit(in.readRawVarint32());
        value = parseTensor(in);
        in.popLimit(limit);
      } else if (field == 8) {
        readRepeated(in, wire, () -> ints.add(in.readInt64()));
      } else {
        in.skipField(tag);
      }
    }
    attrs.put(name, value != null ? value : ints);
  }

  private RawTensor parseTensor(CodedInputStream in) throws IOException {
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = "";
    ByteBuffer raw = null;
    List<Float> floats = new ArrayList<>();
    List<Long> longs = new ArrayList<>();
    Map<String, String> external = new HashMap<>();
    while (true) {
      int tag = in.readTag();
      if (tag == 0) break;
      int field = tag >>> 3;
      int wire = tag & 7;
      switch (field) {
        case 1 -> readRepeated(in, wire, () -> dims.add(in.readInt64()));
        case 2 -> dataType = in.readInt32();
        case 4 -> readRepeated(in, wire, () -> floats.add(in.readFloat()));
        case 5, 7 -> readRepeated(in, wire, () -> longs.add(in.readInt64()));
        case 8 -> name = in.readStringRequireUtf8();
        case 9 -> raw = in.readByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        case 13 -> {
          int limit = in.pushLimit(in.readRawVarint32());
          String k = "", v = "";
          while (true) {
            int t2 = in.readTag();
            if (t2 == 0) break;
            if (t2 >>> 3 == 1) k = in.readStringRequireUtf8();
            else if (t2 >>> 3 == 2) v = in.readStringRequireUtf8();
            else in.skipField(t2);
          }
          external.put(k, v);
          in.popLimit(limit);
        }
        default -> in.skipField(tag);
      }
    }
    long[] d = dims.stream().mapToLong(Long::longValue).toArray();
    if (!external.isEmpty()) raw = readExternal(name, external);
    float[] f = null;
    if (!floats.isEmpty()) {
      f = new float[floats.size()];
      for (int i = 0; i < f.length; i++) f[i] = floats.get(i);
    }
    long[] l = longs.isEmpty() ? null : longs.stream().mapToLong(Long::longValue).toArray();
    return new RawTensor(name, d, dataType, raw, f, l);
  }

  /** One element reader, called once per value of a repeated field. */
  private interface ElementReader {
    void read() throws IOException;
  }

  /** A repeated scalar field: packed (length-delimited, wire type 2) or one value per tag. */
  private static void readRepeated(CodedInputStream in, int wire, ElementReader element)
      throws IOException {
    if (wire != 2) {
      element.read();
      return;
    }
    int limit = in.pushLimit(in.readRawVarint32());
    while (in.getBytesUntilLimit() > 0) element.read();
    in.popLimit(limit);
  }

  private ByteBuffer readExternal(String name, Map<String, String> ext) throws IOException {
    String location = ext.get("location");
    if (location == null || baseDir == null) {
      throw new ModelFormatException(source + ": tensor " + name
          + " keeps its data in an external file that cannot be located");
    }
    Path file = baseDir.resolve(location).normalize();
    if (!file.startsWith(baseDir)) {
      throw new ModelFormatException(source + ": tensor " + name + " external data location "
          + location + " points outside the model's directory");
    }
    long offset = Long.parseLong(ext.getOrDefault("offset", "0"));
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = ext.containsKey("length") ? Long.parseLong(ext.get("length"))
          : f.length() - offset;
      if (offset < 0 || length < 0 || offset + length > f.length()) {
        throw new ModelFormatException(source + ": tensor " + name + " external range ["
            + offset + ", " + (offset + length) + ") exceeds " + file + " (" + f.length()
            + " bytes)");
      }
      byte[] b = new byte[Math.toIntExact(length)];
      f.seek(offset);
      f.readFully(b);
      return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  // ---- graph to weights ----

  private void addNode(Node n) {
    nodes.add(n);
    for (String i : n.inputs()) consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
    for (String o : n.outputs()) producers.put(o, n);
    if (n.op().equals("Constant") && n.attrs().get("value") instanceof RawTensor t) {
      constants.put(n.outputs().get(0), t);
    }
  }

  private Imported build() {
    if (NomicBertOnnxGraph.isNomicBert(this)) return new NomicBertOnnxGraph(this).read();
    for (Node n : nodes) {
      if (!ROTARY_OPS.contains(n.op())) continue;
      if (ModernBertOnnxGraph.isModernBert(initializers)) {
        return new ModernBertOnnxGraph(this).read();
      }
      throw new ModelFormatException(source + ": node " + n.name() + " has op " + n.op()
          + ": the graph computes rotary position embeddings but has no initializer "
          + ModernBertOnnxGraph.TOKEN_EMBEDDINGS + " nor " + NomicBertOnnxGraph.EMBEDDINGS_NORM
          + "weight, so it is neither a ModernBERT nor a NomicBERT export (the rotary families "
          + "with Cos nodes this importer maps); load the model's Hugging Face directory "
          + "(config.json + model.safetensors) instead");
    }
    if (GteOnnxGraph.isGte(initializers)) return new GteOnnxGraph(this).read();
    for (Node n : nodes) {
      if (!KNOWN_OPS.contains(n.op())) {
        throw new ModelFormatException(source + ": node " + n.name() + " has op " + n.op()
            + ", which this importer does not map (fused ONNX Runtime operators come from "
            + "optimized exports: export the plain model)");
      }
    }
    WeightMap weights = new WeightMap(source);
    // Named initializers (embeddings, biases, LayerNorm) keep their HF names.
    for (RawTensor t : initializers.values()) {
      if (isHfName(t.name()) && isFloat(t)) {
        weights.put(new Tensor(BertNames.stripPrefix(t.name()), intDims(t), toFloats(t)));
      }
    }
    for (Node n : nodes) {
      if (n.op().equals("MatMul")) mapMatMul(n, weights);
      if (n.op().equals("Gemm")) mapGemm(n, weights);
    }
    // How positions are numbered is read before the rest of the config: it decides the family.
    EncoderConfig config = inferConfig(weights, positionPaddingIdx());
    return new Imported(weights, config, List.copyOf(graphInputs));
  }

  static boolean isHfName(String name) {
    return !name.startsWith("onnx::") && !name.startsWith("/") && name.contains(".")
        && (name.endsWith(".weight") || name.endsWith(".bias"));
  }

  static boolean isFloat(RawTensor t) {
    return t.dataType() == 1 || t.dataType() == 10 || t.dataType() == 16 || t.dataType() == 11;
  }

  private void mapMatMul(Node n, WeightMap weights) {
    String w = n.inputs().get(1);
    RawTensor t = initializers.get(w);
    if (t == null) {
      Node p = producers.get(w);
      if (p != null && p.op().equals("Transpose") && initializers.containsKey(p.inputs().get(0))
          && isHfName(p.inputs().get(0))) {
        return; // a named [out, in] weight transposed in-graph: already taken as it is
      }
      return; // activation x activation (attention scores, context): no weight
    }
    if (t.dims().length != 2 || !isFloat(t)) {
      throw new ModelFormatException(source + ": node " + n.name() + " multiplies by "
          + w + " of rank " + t.dims().length + "; expected a 2-D float weight");
    }
    String name = weightNameFor(n, n.outputs().get(0));
    int in = (int) t.dims()[0];
    int out = (int) t.dims()[1];
    weights.put(new Tensor(name, new int[] {out, in}, transpose(toFloats(t), in, out)));
    weightNodes.put(name, n);
  }

  private void mapGemm(Node n, WeightMap weights) {
    RawTensor t = initializers.get(n.inputs().get(1));
    if (t == null || t.dims().length != 2) {
      throw new ModelFormatException(source + ": node " + n.name() + " (Gemm) has no 2-D "
          + "initializer as its B input");
    }
    long transB = n.attrs().get("transB") instanceof Long v ? v : 0L;
    String name = isHfName(t.name()) ? BertNames.stripPrefix(t.name())
        : weightNameFor(n, n.outputs().get(0));
    int r = (int) t.dims()[0];
    int c = (int) t.dims()[1];
    float[] data = toFloats(t);
    weightNodes.put(name, n);
    weights.put(transB == 1 ? new Tensor(name, new int[] {r, c}, data)
        : new Tensor(name, new int[] {c, r}, transpose(data, r, c)));
    if (n.inputs().size() > 2 && initializers.containsKey(n.inputs().get(2))) {
      RawTensor b = initializers.get(n.inputs().get(2));
      String bias = name.substring(0, name.length() - "weight".length()) + "bias";
      weights.put(new Tensor(bias, intDims(b), toFloats(b)));
    }
  }

  /** The HF name of the weight multiplied in by node n: from its bias Add and its scope path. */
  private String weightNameFor(Node n, String output) {
    String fromBias = null;
    for (Node c : consumers.getOrDefault(output, List.of())) {
      if (!c.op().equals("Add")) continue;
      for (String i : c.inputs()) {
        if (!i.equals(output) && initializers.containsKey(i) && isHfName(i)
            && i.endsWith(".bias")) {
          fromBias = BertNames.stripPrefix(i.substring(0, i.length() - "bias".length()) + "weight");
        }
      }
    }
    String scope = BertNames.fromOnnxNodePath(n.name());
    String fromScope = scope == null ? null : scope + "weight";
    if (fromBias != null && fromScope != null && !fromBias.equals(fromScope)) {
      throw new ModelFormatException(source + ": node " + n.name() + " adds bias of " + fromBias
          + " but its scope says " + fromScope + "; refusing an ambiguous mapping");
    }
    String name = fromBias != null ? fromBias : fromScope;
    if (name == null || !LAYER.matcher(name).find()) {
      throw new ModelFormatException(source + ": cannot tell which weight node " + n.name()
          + " (" + n.op() + " with " + n.inputs().get(1) + ") is: no named bias follows it "
          + "and its name is not an encoder scope path");
    }
    return name;
  }

  private EncoderConfig inferConfig(WeightMap w, int paddingIdx) {
    Tensor word = w.get(BertNames.WORD_EMBEDDINGS);
    int vocab = word.shape()[0];
    int hidden = word.shape()[1];
    int maxPos = w.get(BertNames.POSITION_EMBEDDINGS).shape()[0];
    int typeVocab = w.contains(BertNames.TOKEN_TYPE_EMBEDDINGS)
        ? w.get(BertNames.TOKEN_TYPE_EMBEDDINGS).shape()[0] : 0;
    TreeSet<Integer> layers = new TreeSet<>();
    for (String name : w.names()) {
      Matcher m = LAYER.matcher(name);
      if (m.find()) layers.add(Integer.parseInt(m.group(1)));
    }
    if (layers.isEmpty() || layers.first() != 0 || layers.last() != layers.size() - 1) {
      throw new ModelFormatException(source + ": encoder layers found " + layers
          + "; expected 0..n-1");
    }
    int intermediate = w.get(BertNames.intermediate(0, "weight")).shape()[0];
    int heads = inferHeads(hidden);
    float eps = inferLayerNormEps();
    Activation act = feedForwardActivation(layers.size());
    int buckets = relativeAttentionBuckets(w);
    if (buckets > 0 && paddingIdx < 0) {
      throw new ModelFormatException(source + ": the graph has MPNet's relative attention bias "
          + "but its position ids do not count from padding_idx + 1 (no CumSum over input_ids "
          + "!= padding_idx before " + BertNames.POSITION_EMBEDDINGS + "); expected an MPNet "
          + "export");
    }
    String modelType = buckets > 0 ? "mpnet" : paddingIdx >= 0 ? "xlm-roberta" : "bert";
    try {
      return new EncoderConfig(vocab, hidden, layers.size(), heads, intermediate, maxPos,
          typeVocab, eps, act, EncoderConfig.Positions.LEARNED, false, modelType, paddingIdx,
          buckets, null);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source + ": inferred config is invalid: " + e.getMessage(), e);
    }
  }

  /**
   * Where position ids start, read from the graph that computes them. BERT's come from a
   * position_ids buffer (0, 1, 2, ...): -1. RoBERTa's, XLM-R's and MPNet's are computed from the
   * input ids as transformers' create_position_ids_from_input_ids does,
   * {@code cumsum(ids != p) * (ids != p) + p}: the Gather of the position table is indexed by an
   * Add of the constant p to a CumSum over Not(Equal(input_ids, p)); both p must agree, and p is
   * returned (so a padding token keeps position p and the positions after it do not count it).
   */
  private int positionPaddingIdx() {
    Node gather = null;
    for (Node n : nodes) {
      if (n.op().equals("Gather") && !n.inputs().isEmpty()
          && BertNames.stripPrefix(n.inputs().get(0)).equals(BertNames.POSITION_EMBEDDINGS)) {
        gather = n;
      }
    }
    if (gather == null) {
      throw new ModelFormatException(source + ": no Gather node reads "
          + BertNames.POSITION_EMBEDDINGS + ": cannot tell how positions are numbered");
    }
    List<Node> ancestors = ancestors(gather.inputs().get(1), 32);
    if (ancestors.stream().noneMatch(a -> a.op().equals("CumSum"))) return -1;
    Node add = producers.get(gather.inputs().get(1));
    Long offset = add != null && add.op().equals("Add") ? scalarInput(add) : null;
    Long compared = null;
    for (Node a : ancestors) {
      if (a.op().equals("Equal") && a.inputs().contains("input_ids")) compared = scalarInput(a);
    }
    if (offset == null || compared == null || !offset.equals(compared)) {
      throw new ModelFormatException(source + ": node " + gather.name() + " reads "
          + BertNames.POSITION_EMBEDDINGS + " at positions computed with a CumSum, but not as "
          + "cumsum(input_ids != p) * (input_ids != p) + p (the Add before it adds " + offset
          + ", the Equal on input_ids compares with " + compared + "); expected RoBERTa's "
          + "positions from padding_idx + 1");
    }
    return Math.toIntExact(offset);
  }

  /**
   * MPNet's relative-position buckets: the rows of encoder.relative_attention_bias, gathered at
   * buckets the graph computes. The bucket function is transformers' (bidirectional, exact below
   * buckets/4, logarithmic up to max_distance 128), which the encoder reimplements; its log
   * divisor ln(128 / (buckets / 4)) is checked, so an export with another max_distance is refused.
   * 0 when the graph has no relative bias.
   */
  private int relativeAttentionBuckets(WeightMap w) {
    String table = "encoder.relative_attention_bias.weight";
    if (!w.contains(table)) return 0;
    int buckets = w.get(table).shape()[0];
    Node gather = null;
    for (Node n : nodes) {
      if (n.op().equals("Gather") && BertNames.stripPrefix(n.inputs().get(0)).equals(table)) {
        gather = n;
      }
    }
    if (gather == null) {
      throw new ModelFormatException(source + ": initializer " + table + " is read by no Gather "
          + "node; expected MPNet's relative position bias");
    }
    double expected = Math.log(MPNET_MAX_DISTANCE / (buckets / 4.0));
    for (Node a : ancestors(gather.inputs().get(1), 64)) {
      if (!a.op().equals("Log")) continue;
      for (Node div : consumers.getOrDefault(a.outputs().get(0), List.of())) {
        RawTensor c = div.op().equals("Div") ? constant(div.inputs().get(1)) : null;
        if (c != null && c.count() == 1) {
          double got = toFloats(c)[0];
          if (Math.abs(got - expected) > 1e-5) {
            throw new ModelFormatException(source + ": node " + div.name() + " divides the "
                + "relative-position log by " + got + "; expected ln(" + MPNET_MAX_DISTANCE
                + " / (" + buckets + " / 4)) = " + expected + " (MPNet's max_distance "
                + MPNET_MAX_DISTANCE + " with " + buckets + " buckets)");
          }
          return buckets;
        }
      }
    }
    throw new ModelFormatException(source + ": node " + gather.name() + " reads " + table
        + " at indices not computed by MPNet's logarithmic bucket function (no Log followed by "
        + "a constant Div within 64 nodes before it)");
  }

  /** The value of a node's one scalar constant input (an Equal's or Add's literal), else null. */
  private Long scalarInput(Node n) {
    for (String i : n.inputs()) {
      RawTensor c = constant(i);
      if (c != null && c.count() == 1) return toLongs(c)[0];
    }
    return null;
  }

  /** Nodes producing {@code value}, breadth first backwards, at most {@code limit} of them. */
  List<Node> ancestors(String value, int limit) {
    List<Node> out = new ArrayList<>();
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(value));
    java.util.Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    while (!todo.isEmpty() && out.size() < limit) {
      Node p = producers.get(todo.poll());
      if (p == null || !seen.add(p)) continue;
      out.add(p);
      todo.addAll(p.inputs());
    }
    return out;
  }

  /** Activation ops of an export, as they decompose HF's hidden_act (Erf: exact GELU). */
  static final Map<String, Activation> ACTIVATION_OPS =
      Map.of("Erf", Activation.GELU, "Tanh", Activation.GELU_TANH, "Relu", Activation.RELU);

  /**
   * The feed-forward activation, read from each layer's own nodes between its intermediate dense
   * product and its output dense product. Ops elsewhere (a pooler's Tanh, a head) do not count.
   */
  private Activation feedForwardActivation(int numLayers) {
    Activation found = null;
    for (int l = 0; l < numLayers; l++) {
      Node from = weightNodes.get(BertNames.intermediate(l, "weight"));
      Node to = weightNodes.get(BertNames.output(l, "weight"));
      if (from == null || to == null) {
        throw new ModelFormatException(source + ": layer " + l + " has no "
            + (from == null ? BertNames.intermediate(l, "weight") : BertNames.output(l, "weight"))
            + " product: cannot tell the feed-forward activation");
      }
      TreeSet<String> ops = opsBetween(from, to);
      ops.retainAll(ACTIVATION_OPS.keySet());
      if (ops.size() != 1) {
        throw new ModelFormatException(source + ": layer " + l + "'s feed-forward between "
            + from.name() + " and " + to.name() + " has activation ops " + ops
            + "; expected exactly one of Erf (gelu), Tanh (gelu_new) or Relu (relu)");
      }
      Activation act = ACTIVATION_OPS.get(ops.first());
      if (found != null && act != found) {
        throw new ModelFormatException(source + ": layer " + l + "'s feed-forward activation is "
            + act + " but layer 0's is " + found + "; expected one activation for all layers");
      }
      found = act;
    }
    return found;
  }

  /** Ops of the nodes on paths from {@code from}'s output forward to {@code to} (exclusive). */
  TreeSet<String> opsBetween(Node from, Node to) {
    TreeSet<String> ops = new TreeSet<>();
    java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
    java.util.Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    todo.add(from);
    boolean reached = false;
    // The feed-forward is a short chain (bias Add, then the activation's few elementwise ops);
    // a bound keeps a walk that missed `to` from roaming the rest of the graph.
    while (!todo.isEmpty() && seen.size() < 64) {
      Node n = todo.poll();
      if (!seen.add(n)) continue;
      for (String out : n.outputs()) {
        for (Node c : consumers.getOrDefault(out, List.of())) {
          if (c == to) {
            reached = true;
          } else if (c.op().equals("MatMul") || c.op().equals("Gemm")) {
            continue; // another product: the path left the feed-forward
          } else {
            ops.add(c.op());
            todo.add(c);
          }
        }
      }
    }
    if (!reached) {
      throw new ModelFormatException(source + ": no path from " + from.name() + " to "
          + to.name() + " within 64 nodes: cannot tell the feed-forward activation");
    }
    return ops;
  }

  /** Heads from the [batch, seq, heads, headSize] Reshape in the first attention block. */
  private int inferHeads(int hidden) {
    for (Node n : nodes) {
      if (!n.op().equals("Reshape") || !n.name().contains("attention")) continue;
      long[] shape = constantLongs(n.inputs().get(1));
      if (shape != null && shape.length == 4 && shape[2] > 0 && shape[2] * shape[3] == hidden) {
        return (int) shape[2];
      }
    }
    // Fallback: the score scale 1/√headSize (Div by √headSize).
    for (Node n : nodes) {
      if (n.op().equals("Div") && n.name().contains("attention/self")) {
        RawTensor c = constant(n.inputs().get(1));
        if (c != null) {
          double s = toFloats(c)[0];
          int headSize = (int) Math.round(s * s);
          if (headSize > 0 && hidden % headSize == 0) return hidden / headSize;
        }
      }
    }
    throw new ModelFormatException(source + ": cannot determine num_attention_heads from the "
        + "attention Reshape nodes; put a config.json next to the ONNX file");
  }

  /** Values of a shape tensor: a constant, or a Concat of constants (unknown parts as -1). */
  long[] constantLongs(String name) {
    RawTensor c = constant(name);
    if (c != null) return toLongs(c);
    Node p = producers.get(name);
    if (p == null || !p.op().equals("Concat")) return null;
    List<Long> out = new ArrayList<>();
    for (String i : p.inputs()) {
      RawTensor part = constant(i);
      if (part != null) {
        for (long v : toLongs(part)) out.add(v);
      } else {
        out.add(-1L); // a dynamic dimension (batch or sequence) computed at run time
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private float inferLayerNormEps() {
    for (Node n : nodes) {
      if (n.op().equals("LayerNormalization")) {
        return n.attrs().get("epsilon") instanceof Float f ? f : 1e-5f;
      }
      // Decomposed LayerNorm: Sqrt(Add(ReduceMean(...), eps)).
      if (n.op().equals("Sqrt")) {
        Node add = producers.get(n.inputs().get(0));
        if (add != null && add.op().equals("Add")) {
          for (String i : add.inputs()) {
            RawTensor c = constant(i);
            if (c != null && c.count() == 1) return toFloats(c)[0];
          }
        }
      }
    }
    throw new ModelFormatException(source + ": cannot find the LayerNorm epsilon");
  }

  RawTensor constant(String name) {
    RawTensor t = constants.get(name);
    return t != null ? t : initializers.get(name);
  }

  int[] intDims(RawTensor t) {
    int[] d = new int[t.dims().length];
    for (int i = 0; i < d.length; i++) d[i] = Math.toIntExact(t.dims()[i]);
    return d;
  }

  float[] toFloats(RawTensor t) {
    int n = Math.toIntExact(t.count());
    if (t.floats() != null) {
      if (t.floats().length != n) throw sizeError(t, t.floats().length);
      return t.floats().clone();
    }
    float[] out = new float[n];
    ByteBuffer raw = t.raw();
    if (raw == null) {
      if (n == 0) return out;
      throw new ModelFormatException(source + ": tensor " + t.name() + " has no data");
    }
    raw = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    switch (t.dataType()) {
      case 1 -> {
        if (raw.remaining() != 4L * n) throw sizeError(t, raw.remaining() / 4);
        DType.F32.decode(raw, out, n);
      }
      case 10 -> {
        if (raw.remaining() != 2L * n) throw sizeError(t, raw.remaining() / 2);
        DType.F16.decode(raw, out, n);
      }
      case 16 -> {
        if (raw.remaining() != 2L * n) throw sizeError(t, raw.remaining() / 2);
        DType.BF16.decode(raw, out, n);
      }
      case 11 -> {
        if (raw.remaining() != 8L * n) throw sizeError(t, raw.remaining() / 8);
        for (int i = 0; i < n; i++) out[i] = (float) raw.getDouble(8 * i);
      }
      default -> throw new ModelFormatException(source + ": tensor " + t.name()
          + " has ONNX data_type " + t.dataType() + ", expected a float type (1, 10, 11, 16)");
    }
    return out;
  }

  long[] toLongs(RawTensor t) {
    if (t.longs() != null) return t.longs();
    int n = Math.toIntExact(t.count());
    long[] out = new long[n];
    if (t.raw() == null) return out;
    ByteBuffer raw = t.raw().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (t.dataType() == 7) {
      for (int i = 0; i < n; i++) out[i] = raw.getLong(8 * i);
    } else if (t.dataType() == 6) {
      for (int i = 0; i < n; i++) out[i] = raw.getInt(4 * i);
    } else {
      float[] f = toFloats(t);
      for (int i = 0; i < n; i++) out[i] = (long) f[i];
    }
    return out;
  }

  private ModelFormatException sizeError(RawTensor t, long got) {
    return new ModelFormatException(source + ": tensor " + t.name() + " has " + got
        + " values, but its shape " + java.util.Arrays.toString(t.dims()) + " needs " + t.count());
  }

  static float[] transpose(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
    }
    return t;
  }
}
