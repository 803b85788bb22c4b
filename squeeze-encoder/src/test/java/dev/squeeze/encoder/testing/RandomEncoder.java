package dev.squeeze.encoder.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.squeeze.encoder.Architecture;
import dev.squeeze.encoder.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A random-weight BERT-family model (fixed seed) written twice from the same tensors: as a Hugging Face folder
 * (config.json, model.safetensors with the architecture's own weight names, tokenizer.json) and as an ONNX graph of
 * standard ops (model.onnx beside them) that ONNX Runtime runs as the independent reference. The graph follows
 * Hugging Face's modelling code: BERT / DistilBERT positions 0..T-1 (Range), RoBERTa / XLM-R positions
 * {@code cumsum(ids != pad) * (ids != pad) + pad} (CumSum), the additive mask (1 - mask) x float minimum, post-LN
 * layers with erf GELU, and a token-classification head whose logits are the output [batch, seq, labels].
 */
public final class RandomEncoder {
    public final Architecture arch;
    public final int vocab, d, layers, heads, f, maxPos, labels, pad;
    private final Map<String, float[]> tensors = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Random rnd;

    public RandomEncoder(
            Architecture arch, int vocab, int d, int layers, int heads, int f, int maxPos, int labels, long seed) {
        this.arch = arch;
        this.vocab = vocab;
        this.d = d;
        this.layers = layers;
        this.heads = heads;
        this.f = f;
        this.maxPos = maxPos;
        this.labels = labels;
        this.pad = arch.robertaPositions() ? 1 : 0;
        this.rnd = new Random(seed);
        String p = prefix();
        put(p + "embeddings.word_embeddings.weight", 0.5, vocab, d);
        put(p + "embeddings.position_embeddings.weight", 0.5, maxPos, d);
        if (arch != Architecture.DISTILBERT) put(p + "embeddings.token_type_embeddings.weight", 0.5, types(), d);
        norm(p + "embeddings.LayerNorm");
        for (int l = 0; l < layers; l++) {
            for (String role : new String[] {"q", "k", "v", "o"}) linear(name(l, role), d, d);
            norm(name(l, "ln1"));
            linear(name(l, "up"), f, d);
            linear(name(l, "down"), d, f);
            norm(name(l, "ln2"));
        }
        if (labels > 0) {
            put("classifier.weight", 1.5, labels, d);
            put("classifier.bias", 0.5, labels);
        }
    }

    private int types() {
        return arch == Architecture.BERT ? 2 : 1;
    }

    private String prefix() {
        switch (arch) {
            case BERT:
                return "bert.";
            case DISTILBERT:
                return "distilbert.";
            default:
                return "roberta.";
        }
    }

    /** The Hugging Face module name of a role in layer l. */
    private String name(int l, String role) {
        String p = prefix();
        if (arch == Architecture.DISTILBERT) {
            String b = p + "transformer.layer." + l + ".";
            switch (role) {
                case "q":
                    return b + "attention.q_lin";
                case "k":
                    return b + "attention.k_lin";
                case "v":
                    return b + "attention.v_lin";
                case "o":
                    return b + "attention.out_lin";
                case "ln1":
                    return b + "sa_layer_norm";
                case "up":
                    return b + "ffn.lin1";
                case "down":
                    return b + "ffn.lin2";
                default:
                    return b + "output_layer_norm";
            }
        }
        String b = p + "encoder.layer." + l + ".";
        switch (role) {
            case "q":
                return b + "attention.self.query";
            case "k":
                return b + "attention.self.key";
            case "v":
                return b + "attention.self.value";
            case "o":
                return b + "attention.output.dense";
            case "ln1":
                return b + "attention.output.LayerNorm";
            case "up":
                return b + "intermediate.dense";
            case "down":
                return b + "output.dense";
            default:
                return b + "output.LayerNorm";
        }
    }

    private void put(String name, double scale, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * scale);
        tensors.put(name, v);
        shapes.put(name, shape);
    }

    private void linear(String base, int out, int in) {
        put(base + ".weight", 1.0 / Math.sqrt(in), out, in);
        put(base + ".bias", 0.1, out);
    }

    private void norm(String base) {
        put(base + ".weight", 0.1, d);
        float[] g = tensors.get(base + ".weight");
        for (int i = 0; i < g.length; i++) g[i] += 1f;
        put(base + ".bias", 0.1, d);
    }

    public float[] tensor(String name) {
        return tensors.get(name);
    }

    /** config.json, model.safetensors (F32, or F16 with {@code f16}), tokenizer.json and model.onnx into {@code dir}. */
    public void write(Path dir, byte[] tokenizerJson, boolean f16) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper om = new ObjectMapper();
        ObjectNode c = om.createObjectNode();
        c.put("model_type", arch.modelType());
        String head =
                arch == Architecture.DISTILBERT ? "DistilBert" : arch == Architecture.BERT ? "Bert" : "XLMRoberta";
        c.putArray("architectures").add(head + "ForTokenClassification");
        if (arch == Architecture.DISTILBERT) {
            c.put("dim", d)
                    .put("n_layers", layers)
                    .put("n_heads", heads)
                    .put("hidden_dim", f)
                    .put("activation", "gelu");
        } else {
            c.put("hidden_size", d)
                    .put("num_hidden_layers", layers)
                    .put("num_attention_heads", heads)
                    .put("intermediate_size", f)
                    .put("hidden_act", "gelu")
                    .put("type_vocab_size", types())
                    .put("layer_norm_eps", 1e-5);
        }
        c.put("vocab_size", vocab).put("max_position_embeddings", maxPos).put("pad_token_id", pad);
        if (labels > 0) {
            ObjectNode id2label = c.putObject("id2label");
            for (int i = 0; i < labels; i++) id2label.put(String.valueOf(i), "LABEL_" + i);
        }
        om.writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve("config.json").toFile(), c);
        SafetensorsWriter w = new SafetensorsWriter();
        for (Map.Entry<String, float[]> e : tensors.entrySet()) w.put(e.getKey(), e.getValue(), shapes.get(e.getKey()));
        w.write(dir.resolve("model.safetensors"), f16);
        Files.write(dir.resolve("tokenizer.json"), tokenizerJson);
        Files.write(dir.resolve("model.onnx"), onnx(f16));
    }

    /** The same model as an ONNX graph; with {@code f16} the weights are rounded to half as the safetensors holds them. */
    public byte[] onnx(boolean f16) {
        OnnxGraphBuilder g = new OnnxGraphBuilder();
        boolean bert = arch == Architecture.BERT;
        g.input("input_ids", 7, "batch", "seq");
        g.input("attention_mask", 7, "batch", "seq");
        if (bert) g.input("token_type_ids", 7, "batch", "seq");
        String p = prefix();
        String x = g.node("Gather", w(g, p + "embeddings.word_embeddings.weight", f16), "input_ids");
        String positions;
        if (arch.robertaPositions()) {
            String notPad = g.node(
                    "Cast",
                    new String[] {g.node("Not", new String[] {g.node("Equal", "input_ids", g.scalarLong(pad))})},
                    "to",
                    7L);
            String cum = g.node("CumSum", notPad, g.scalarLong(1));
            positions = g.node("Add", g.node("Mul", cum, notPad), g.scalarLong(pad));
        } else {
            String t = g.node(
                    "Gather", new String[] {g.node("Shape", new String[] {"input_ids"}), g.scalarLong(1)}, "axis", 0L);
            positions = g.node("Range", new String[] {g.scalarLong(0), t, g.scalarLong(1)});
        }
        x = g.node("Add", x, g.node("Gather", w(g, p + "embeddings.position_embeddings.weight", f16), positions));
        if (bert) {
            x = g.node(
                    "Add",
                    x,
                    g.node("Gather", w(g, p + "embeddings.token_type_embeddings.weight", f16), "token_type_ids"));
        } else if (arch.robertaPositions()) {
            float[] row = new float[d];
            System.arraycopy(tensors.get(p + "embeddings.token_type_embeddings.weight"), 0, row, 0, d);
            x = g.node("Add", x, g.floats("type_row_0", round(row, f16), d));
        }
        x = layerNorm(g, x, p + "embeddings.LayerNorm", f16);
        String maskF = g.node("Cast", new String[] {"attention_mask"}, "to", 1L);
        String ext = g.node("Mul", g.node("Sub", g.scalar(1f), maskF), g.scalar(-Float.MAX_VALUE));
        ext = g.node("Unsqueeze", ext, g.longs(g.fresh("axes"), new long[] {1, 2}, 2)); // (B, 1, 1, T)
        int hd = d / heads;
        String split = g.longs("split_heads", new long[] {0, 0, heads, hd}, 4);
        String merge = g.longs("merge_heads", new long[] {0, 0, d}, 3);
        for (int l = 0; l < layers; l++) {
            String q = g.node(
                    "Transpose",
                    new String[] {g.node("Reshape", linear(g, x, name(l, "q"), f16), split)},
                    "perm",
                    new long[] {0, 2, 1, 3});
            String k = g.node(
                    "Transpose",
                    new String[] {g.node("Reshape", linear(g, x, name(l, "k"), f16), split)},
                    "perm",
                    new long[] {0, 2, 3, 1});
            String v = g.node(
                    "Transpose",
                    new String[] {g.node("Reshape", linear(g, x, name(l, "v"), f16), split)},
                    "perm",
                    new long[] {0, 2, 1, 3});
            String s = g.node("Add", g.node("Div", g.node("MatMul", q, k), g.scalar((float) Math.sqrt(hd))), ext);
            String pr = g.node("Softmax", new String[] {s}, "axis", -1L);
            String ctx = g.node("Transpose", new String[] {g.node("MatMul", pr, v)}, "perm", new long[] {0, 2, 1, 3});
            ctx = g.node("Reshape", ctx, merge);
            x = layerNorm(g, g.node("Add", x, linear(g, ctx, name(l, "o"), f16)), name(l, "ln1"), f16);
            String h = linear(g, x, name(l, "up"), f16);
            String gelu = g.node(
                    "Mul", g.node("Mul", h, g.scalar(0.5f)), g.node("Add", g.scalar(1f), g.node("Erf", new String[] {
                        g.node("Div", h, g.scalar((float) Math.sqrt(2)))
                    })));
            x = layerNorm(g, g.node("Add", x, linear(g, gelu, name(l, "down"), f16)), name(l, "ln2"), f16);
        }
        if (labels > 0) g.output(linear(g, x, "classifier", f16), "logits", 1, "batch", "seq", labels);
        else g.output(x, "last_hidden_state", 1, "batch", "seq", d);
        return g.build();
    }

    private String w(OnnxGraphBuilder g, String name, boolean f16) {
        return g.floats(name, round(tensors.get(name), f16), shapes.get(name));
    }

    /** x W^T + b, W stored transposed (in, out) as torch.onnx writes it. */
    private String linear(OnnxGraphBuilder g, String x, String base, boolean f16) {
        long[] s = shapes.get(base + ".weight");
        int out = (int) s[0], in = (int) s[1];
        float[] wt = new float[out * in];
        float[] src = round(tensors.get(base + ".weight"), f16);
        for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) wt[i * out + o] = src[o * in + i];
        String mm = g.node("MatMul", x, g.floats(base + ".weight.T", wt, in, out));
        return g.node("Add", mm, w(g, base + ".bias", f16));
    }

    private String layerNorm(OnnxGraphBuilder g, String x, String base, boolean f16) {
        float eps = arch == Architecture.DISTILBERT ? 1e-12f : 1e-5f;
        return g.node(
                "LayerNormalization",
                new String[] {x, w(g, base + ".weight", f16), w(g, base + ".bias", f16)},
                "axis",
                -1L,
                "epsilon",
                eps);
    }

    private static float[] round(float[] v, boolean f16) {
        if (!f16) return v;
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++)
            r[i] = dev.squeeze.encoder.io.Float16.toFloat(dev.squeeze.encoder.io.Float16.fromFloat(v[i]));
        return r;
    }
}
