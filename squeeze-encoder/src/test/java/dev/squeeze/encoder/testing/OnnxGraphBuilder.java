package dev.squeeze.encoder.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds an ONNX ModelProto (opset 17, standard ops only) node by node, for test models that ONNX Runtime runs as the
 * independent reference. Field numbers from onnx.proto.
 */
public final class OnnxGraphBuilder {
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> inits = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private int counter;

    /** A fresh value name. */
    public String fresh(String hint) {
        return hint + "_" + (counter++);
    }

    public String floats(String name, float[] v, long... dims) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) t.varint(1, d);
        t.varint(2, 1).string(8, name).bytes(9, ProtoWriter.le(v));
        inits.add(t);
        return name;
    }

    public String longs(String name, long[] v, long... dims) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) t.varint(1, d);
        t.varint(2, 7).string(8, name).bytes(9, ProtoWriter.le(v));
        inits.add(t);
        return name;
    }

    public String scalar(float v) {
        return floats(fresh("c"), new float[] {v});
    }

    public String scalarLong(long v) {
        return longs(fresh("c"), new long[] {v});
    }

    /** A node with one output; attributes as {name, value} pairs: Long, Float or long[]. */
    public String node(String op, String[] in, Object... attrs) {
        String out = fresh(op.toLowerCase());
        ProtoWriter n = new ProtoWriter();
        for (String i : in) n.string(1, i);
        n.string(2, out).string(3, out).string(4, op);
        for (int i = 0; i < attrs.length; i += 2) {
            ProtoWriter a = new ProtoWriter().string(1, (String) attrs[i]);
            Object v = attrs[i + 1];
            if (v instanceof Long) a.varint(20, 2).varint(3, (Long) v);
            else if (v instanceof Float) a.varint(20, 1).float32(2, (Float) v);
            else if (v instanceof long[]) a.varint(20, 7).packedLongs(8, (long[]) v);
            else throw new IllegalArgumentException("attribute " + attrs[i] + ": " + v);
            n.message(5, a);
        }
        nodes.add(n);
        return out;
    }

    public String node(String op, String a, String b) {
        return node(op, new String[] {a, b});
    }

    /** A graph input or output: element type (1 float, 7 int64) and dims (a String is a symbolic dim). */
    private static ProtoWriter valueInfo(String name, int elem, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = new ProtoWriter();
            if (d instanceof String) dim.string(2, (String) d);
            else dim.varint(1, ((Number) d).longValue());
            shape.message(1, dim);
        }
        ProtoWriter tensor = new ProtoWriter().varint(1, elem).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
    }

    public void input(String name, int elem, Object... dims) {
        inputs.add(valueInfo(name, elem, dims));
    }

    /** Renames the value {@code from} to the graph output {@code name} through an Identity node. */
    public void output(String from, String name, int elem, Object... dims) {
        ProtoWriter n = new ProtoWriter()
                .string(1, from)
                .string(2, name)
                .string(3, name)
                .string(4, "Identity");
        nodes.add(n);
        outputs.add(valueInfo(name, elem, dims));
    }

    public byte[] build() {
        ProtoWriter g = new ProtoWriter();
        for (ProtoWriter n : nodes) g.message(1, n);
        g.string(2, "squeeze-test-encoder");
        for (ProtoWriter t : inits) g.message(5, t);
        for (ProtoWriter i : inputs) g.message(11, i);
        for (ProtoWriter o : outputs) g.message(12, o);
        return new ProtoWriter()
                .varint(1, 8)
                .string(2, "squeeze-tests")
                .message(7, g)
                .message(8, new ProtoWriter().string(1, "").varint(2, 17))
                .toByteArray();
    }
}
