package dev.squeeze.encoder.onnx;

import dev.squeeze.encoder.Activation;
import dev.squeeze.encoder.Architecture;
import dev.squeeze.encoder.EncoderConfig;
import dev.squeeze.encoder.weights.TensorSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Maps the initializers of a BERT ONNX export (as torch.onnx writes BertModel, e.g. all-MiniLM-L6-v2) to Hugging Face
 * weight names, so the pure-Java encoder runs it without ONNX Runtime. Initializers that keep their PyTorch names
 * (embeddings, biases, LayerNorms) are used by name. Linear weights are renamed by the export (e.g.
 * {@code onnx::MatMul_787}, stored transposed as (in, out)); each is found as the second input of a MatMul node and
 * named after the bias added to that MatMul's output ({@code ...query.bias} gives {@code ...query.weight}), or after the
 * MatMul node's own name ({@code /encoder/layer.0/attention/self/query/MatMul}); Gemm weights honour transB.
 * The config is read from the graph: widths from the weights, the head count from the attention Reshape's constant
 * shape {@code [.., .., heads, head_dim]}, the LayerNorm epsilon from LayerNormalization's attribute or the constant
 * added before the Sqrt of a decomposed LayerNorm, the activation from the Erf / Tanh / Relu node present. Graphs that
 * compute RoBERTa position ids (CumSum) or whose weights cannot all be named are refused, naming what is missing.
 */
public final class OnnxEncoderReader {
    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)encoder\\.layer\\.(\\d+)\\.");
    private static final String[] PREFIXES = {"bert.", "roberta.", "model."};

    private final OnnxGraph g;
    private final Map<String, OnnxTensor> constants = new HashMap<>(); // Constant node outputs
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();
    private final Map<String, OnnxNode> producer = new HashMap<>();

    private OnnxEncoderReader(OnnxGraph g) {
        this.g = g;
        for (OnnxNode n : g.nodes) {
            for (String in : n.inputs())
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            for (String out : n.outputs()) producer.put(out, n);
            if (n.op().equals("Constant") && n.tensors().containsKey("value"))
                constants.put(n.output(0), n.tensors().get("value"));
        }
    }

    /** The config and Hugging Face-named weights of a BERT ONNX graph. */
    public static Result read(OnnxGraph graph) throws IOException {
        return new OnnxEncoderReader(graph).map();
    }

    /** What the graph holds: its config and its weights by Hugging Face name. */
    public record Result(EncoderConfig config, TensorSource tensors) {}

    private IOException refuse(String what) {
        return new IOException(g.source + ": cannot run this ONNX graph as a BERT encoder: " + what);
    }

    private Result map() throws IOException {
        if (!g.inputs.contains("input_ids")) throw refuse("it has no input named input_ids (inputs: " + g.inputs + ")");
        for (OnnxNode n : g.nodes) {
            if (n.op().equals("CumSum"))
                throw refuse(
                        "it computes position ids with CumSum (RoBERTa / XLM-R): load the Hugging Face folder instead");
        }
        Map<String, float[]> data = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        // 1. initializers that keep their names
        for (OnnxTensor t : g.initializers.values()) {
            if (!t.isFloat()) continue;
            String hf = stripPrefix(t.name);
            if (hf.startsWith("embeddings.") || hf.startsWith("encoder.layer.") || hf.startsWith("classifier.")) {
                if (hf.endsWith(".weight") && isLinearWeight(t.name)) continue; // handled below with its orientation
                data.put(hf, null);
                shapes.put(hf, t.dims());
            }
        }
        // 2. linear weights through the MatMul / Gemm that reads them
        Map<String, String> linearOf = new LinkedHashMap<>(); // hf name -> initializer name
        Map<String, Boolean> transposed = new HashMap<>();
        for (OnnxNode n : g.nodes) {
            boolean matmul = n.op().equals("MatMul");
            boolean gemm = n.op().equals("Gemm");
            if (!matmul && !gemm) continue;
            OnnxTensor w = g.initializers.get(n.input(1));
            if (w == null || !w.isFloat() || w.dims.length != 2) continue;
            String hf = linearName(n);
            if (hf == null) {
                throw refuse(
                        "the weight '" + w.name + "' " + Arrays.toString(w.dims) + " of " + n.op() + " node '"
                                + n.name()
                                + "' cannot be named: no bias initializer is added to its output and its node name is not a module path");
            }
            boolean inOut = matmul || n.ints().getOrDefault("transB", 0L) == 0L; // stored (in, out)
            linearOf.put(hf, w.name);
            transposed.put(hf, inOut);
            shapes.put(hf, inOut ? new long[] {w.dims[1], w.dims[0]} : w.dims());
            data.put(hf, null);
        }
        // 3. config from the graph
        long[] word = shapes.get("embeddings.word_embeddings.weight");
        if (word == null || word.length != 2) throw refuse("no initializer embeddings.word_embeddings.weight (V, D)");
        long[] pos = shapes.get("embeddings.position_embeddings.weight");
        if (pos == null) throw refuse("no initializer embeddings.position_embeddings.weight");
        long[] type = shapes.get("embeddings.token_type_embeddings.weight");
        long[] inter = shapes.get("encoder.layer.0.intermediate.dense.weight");
        if (inter == null) throw refuse("no intermediate.dense weight for layer 0");
        int d = (int) word[1];
        int layers = countLayers(shapes.keySet());
        if (layers == 0) throw refuse("no encoder.layer.N weights");
        int heads = heads(d);
        float eps = epsilon();
        Activation act = activation();
        int labels = shapes.containsKey("classifier.weight") ? (int) shapes.get("classifier.weight")[0] : 0;
        EncoderConfig config;
        try {
            config = new EncoderConfig(
                    Architecture.BERT,
                    (int) word[0],
                    d,
                    layers,
                    heads,
                    (int) inter[0],
                    (int) pos[0],
                    type == null ? 0 : (int) type[0],
                    eps,
                    act,
                    0,
                    labels);
        } catch (IllegalArgumentException e) {
            throw refuse(e.getMessage());
        }
        Map<String, String> initOf = new HashMap<>();
        for (OnnxTensor t : g.initializers.values()) {
            String hf = stripPrefix(t.name);
            if (data.containsKey(hf) && !linearOf.containsKey(hf)) initOf.put(hf, t.name);
        }
        initOf.putAll(linearOf);
        return new Result(config, new TensorSource() {
            @Override
            public Set<String> names() {
                return shapes.keySet();
            }

            @Override
            public long @Nullable [] shape(String name) {
                long[] s = shapes.get(name);
                return s == null ? null : s.clone();
            }

            @Override
            public float[] read(String name) throws IOException {
                OnnxTensor t = g.initializers.get(initOf.get(name));
                if (t == null) throw new IOException(g.source + ": no tensor '" + name + "'");
                float[] v = t.floats();
                return Boolean.TRUE.equals(transposed.get(name)) ? transpose(v, (int) t.dims[0], (int) t.dims[1]) : v;
            }

            @Override
            public String describe() {
                return g.source;
            }
        });
    }

    private boolean isLinearWeight(String init) {
        for (OnnxNode n : consumers.getOrDefault(init, List.of())) {
            if ((n.op().equals("MatMul") || n.op().equals("Gemm")) && n.input(1).equals(init)) return true;
        }
        return false;
    }

    /** "...query.weight" from the bias added to the product, else from the node's name. */
    private @Nullable String linearName(OnnxNode n) {
        if (n.op().equals("Gemm") && g.initializers.containsKey(n.input(2))) {
            String b = stripPrefix(n.input(2));
            if (b.endsWith(".bias")) return b.substring(0, b.length() - 5) + ".weight";
        }
        for (OnnxNode add : consumers.getOrDefault(n.output(0), List.of())) {
            if (!add.op().equals("Add")) continue;
            for (String in : add.inputs()) {
                String b = stripPrefix(in);
                if (g.initializers.containsKey(in) && b.endsWith(".bias"))
                    return b.substring(0, b.length() - 5) + ".weight";
            }
        }
        String path = n.name().replace('/', '.');
        while (path.startsWith(".")) path = path.substring(1);
        int cut = path.lastIndexOf('.');
        if (cut > 0 && (path.startsWith("encoder.") || path.startsWith("classifier") || path.contains(".encoder."))) {
            return stripPrefix(path.substring(0, cut)) + ".weight";
        }
        return null;
    }

    private static String stripPrefix(String name) {
        for (String p : PREFIXES) if (name.startsWith(p)) return name.substring(p.length());
        return name;
    }

    private static int countLayers(Set<String> names) {
        Set<Integer> layers = new TreeSet<>();
        for (String n : names) {
            Matcher m = LAYER.matcher(n);
            if (m.find()) layers.add(Integer.parseInt(m.group(1)));
        }
        int expect = 0;
        for (int l : layers) if (l == expect) expect++;
        return expect == layers.size() ? expect : -1;
    }

    /** The last two entries of the constant shape of a Reshape to (batch, seq, heads, head_dim). */
    private int heads(int d) throws IOException {
        for (OnnxNode n : g.nodes) {
            if (!n.op().equals("Reshape")) continue;
            long[] shape = trailingConstants(n.input(1));
            if (shape != null && shape.length >= 2) {
                long h = shape[shape.length - 2], hd = shape[shape.length - 1];
                if (h > 0 && hd > 0 && h * hd == d) return (int) h;
            }
        }
        throw refuse(
                "the number of attention heads: no Reshape to a constant [.., .., heads, head_dim] with heads x head_dim = "
                        + d);
    }

    /** A shape input's constant tail: an initializer or Constant, or a Concat whose last inputs are constants. */
    private long @Nullable [] trailingConstants(String name) throws IOException {
        OnnxTensor t = constantTensor(name);
        if (t != null) return t.longs();
        OnnxNode p = producer.get(name);
        if (p == null || !p.op().equals("Concat")) return null;
        List<Long> tail = new ArrayList<>();
        for (int i = p.inputs().size() - 1; i >= 0; i--) {
            OnnxTensor c = constantTensor(p.input(i));
            if (c == null) break;
            long[] v = c.longs();
            for (int j = v.length - 1; j >= 0; j--) tail.add(0, v[j]);
        }
        return tail.stream().mapToLong(Long::longValue).toArray();
    }

    private @Nullable OnnxTensor constantTensor(String name) {
        OnnxTensor t = g.initializers.get(name);
        return t != null ? t : constants.get(name);
    }

    private float epsilon() throws IOException {
        for (OnnxNode n : g.nodes) {
            if (n.op().equals("LayerNormalization")) return n.floats().getOrDefault("epsilon", 1e-5f);
        }
        for (OnnxNode n : g.nodes) {
            if (!n.op().equals("Sqrt")) continue;
            OnnxNode add = producer.get(n.input(0));
            if (add == null || !add.op().equals("Add")) continue;
            for (String in : add.inputs()) {
                OnnxTensor c = constantTensor(in);
                if (c != null && c.isFloat() && c.elements() == 1) return c.floats()[0];
            }
        }
        throw refuse("the LayerNorm epsilon: no LayerNormalization node and no constant added before a Sqrt");
    }

    private Activation activation() throws IOException {
        Set<String> ops = new TreeSet<>();
        for (OnnxNode n : g.nodes) ops.add(n.op());
        if (ops.contains("Erf") || ops.contains("Gelu")) return Activation.GELU;
        if (ops.contains("Tanh") || ops.contains("FastGelu")) return Activation.GELU_TANH;
        if (ops.contains("Relu")) return Activation.RELU;
        throw refuse("the activation: no Erf, Gelu, Tanh or Relu node");
    }

    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
        }
        return t;
    }
}
