package dev.squeeze.encoder.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX ModelProto this project reads: the main graph's nodes (op_type, name, inputs, outputs, int /
 * float / tensor / ints attributes), initializers, and input and output names. Field numbers from onnx.proto:
 * ModelProto.graph = 7; GraphProto node = 1, initializer = 5, input = 11, output = 12; NodeProto input = 1, output = 2,
 * name = 3, op_type = 4, attribute = 5; AttributeProto name = 1, f = 2, i = 3, t = 5, ints = 8; TensorProto dims = 1,
 * data_type = 2, float_data = 4, int32_data = 5, int64_data = 7, name = 8, raw_data = 9, data_location = 14 (external
 * data is refused); ValueInfoProto name = 1. Subgraphs and everything else are skipped.
 */
public final class OnnxGraph {
    final String source;
    final List<OnnxNode> nodes;
    final Map<String, OnnxTensor> initializers;
    final List<String> inputs;
    final List<String> outputs;

    private OnnxGraph(
            String source,
            List<OnnxNode> nodes,
            Map<String, OnnxTensor> initializers,
            List<String> inputs,
            List<String> outputs) {
        this.source = source;
        this.nodes = Collections.unmodifiableList(nodes);
        this.initializers = Collections.unmodifiableMap(initializers);
        this.inputs = Collections.unmodifiableList(inputs);
        this.outputs = Collections.unmodifiableList(outputs);
    }

    public static OnnxGraph read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": ONNX model not found");
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8)
            throw new IOException(file + ": " + size + " bytes; models over 2 GiB (external data) are not read");
        return parse(Files.readAllBytes(file), file.toString());
    }

    public static OnnxGraph parse(byte[] bytes, String source) throws IOException {
        ProtoReader model = new ProtoReader(bytes, 0, bytes.length, source);
        OnnxGraph g = null;
        while (model.next()) {
            if (model.field() == 7) g = graph(model.message("ModelProto.graph"), source);
            else model.skip();
        }
        if (g == null) throw new IOException(source + ": no graph (ModelProto field 7): not an ONNX model");
        return g;
    }

    private static OnnxGraph graph(ProtoReader r, String source) throws IOException {
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, OnnxTensor> inits = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1:
                    nodes.add(node(r.message("GraphProto.node")));
                    break;
                case 5: {
                    OnnxTensor t = tensor(r.message("GraphProto.initializer"));
                    inits.put(t.name, t);
                    break;
                }
                case 11:
                    inputs.add(valueName(r.message("GraphProto.input")));
                    break;
                case 12:
                    outputs.add(valueName(r.message("GraphProto.output")));
                    break;
                default:
                    r.skip();
            }
        }
        return new OnnxGraph(source, nodes, inits, inputs, outputs);
    }

    private static String valueName(ProtoReader r) throws IOException {
        String name = "";
        while (r.next()) {
            if (r.field() == 1) name = r.string("ValueInfoProto.name");
            else r.skip();
        }
        return name;
    }

    private static OnnxNode node(ProtoReader r) throws IOException {
        List<String> in = new ArrayList<>(), out = new ArrayList<>();
        String op = "", name = "";
        Map<String, Long> ints = new HashMap<>();
        Map<String, Float> floats = new HashMap<>();
        Map<String, OnnxTensor> tensors = new HashMap<>();
        Map<String, long[]> lists = new HashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1:
                    in.add(r.string("NodeProto.input"));
                    break;
                case 2:
                    out.add(r.string("NodeProto.output"));
                    break;
                case 3:
                    name = r.string("NodeProto.name");
                    break;
                case 4:
                    op = r.string("NodeProto.op_type");
                    break;
                case 5:
                    attribute(r.message("NodeProto.attribute"), ints, floats, tensors, lists);
                    break;
                default:
                    r.skip();
            }
        }
        return new OnnxNode(op, name, in, out, ints, floats, tensors, lists);
    }

    private static void attribute(
            ProtoReader r,
            Map<String, Long> ints,
            Map<String, Float> floats,
            Map<String, OnnxTensor> tensors,
            Map<String, long[]> lists)
            throws IOException {
        String name = null;
        Long i = null;
        Float f = null;
        OnnxTensor t = null;
        List<Long> list = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1:
                    name = r.string("AttributeProto.name");
                    break;
                case 2:
                    f = r.fixed32Float("AttributeProto.f");
                    break;
                case 3:
                    i = r.int64("AttributeProto.i");
                    break;
                case 5:
                    t = tensor(r.message("AttributeProto.t"));
                    break;
                case 8:
                    readLongs(r, list, "AttributeProto.ints");
                    break;
                default:
                    r.skip();
            }
        }
        if (name == null) return;
        if (i != null) ints.put(name, i);
        if (f != null) floats.put(name, f);
        if (t != null) tensors.put(name, t);
        if (!list.isEmpty())
            lists.put(name, list.stream().mapToLong(Long::longValue).toArray());
    }

    /** A repeated int64 field, packed (wire type 2) or one varint per occurrence. */
    private static void readLongs(ProtoReader r, List<Long> out, String what) throws IOException {
        if (r.wire() == ProtoReader.LEN) {
            int[] s = r.span(what);
            ProtoReader p = new ProtoReader(r.buffer(), s[0], s[1], r.source());
            while (p.position() < s[1]) out.add(p.varint(what));
        } else {
            out.add(r.int64(what));
        }
    }

    private static OnnxTensor tensor(ProtoReader r) throws IOException {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        int rawFrom = -1, rawTo = -1;
        List<Float> floatData = null;
        List<Long> longData = null;
        while (r.next()) {
            switch (r.field()) {
                case 1:
                    readLongs(r, dims, "TensorProto.dims");
                    break;
                case 2:
                    type = (int) r.int64("TensorProto.data_type");
                    break;
                case 4: {
                    if (floatData == null) floatData = new ArrayList<>();
                    if (r.wire() == ProtoReader.LEN) {
                        int[] s = r.span("TensorProto.float_data");
                        if ((s[1] - s[0]) % 4 != 0)
                            throw r.error("packed float_data of " + (s[1] - s[0]) + " bytes is not a multiple of 4");
                        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(r.buffer(), s[0], s[1] - s[0])
                                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                        while (bb.remaining() >= 4) floatData.add(bb.getFloat());
                    } else {
                        floatData.add(r.fixed32Float("TensorProto.float_data"));
                    }
                    break;
                }
                case 5:
                case 7:
                    if (longData == null) longData = new ArrayList<>();
                    readLongs(r, longData, r.field() == 5 ? "TensorProto.int32_data" : "TensorProto.int64_data");
                    break;
                case 8:
                    name = r.string("TensorProto.name");
                    break;
                case 9: {
                    r.expect(ProtoReader.LEN, "TensorProto.raw_data");
                    int[] s = r.span("TensorProto.raw_data");
                    rawFrom = s[0];
                    rawTo = s[1];
                    break;
                }
                case 14:
                    if (r.int64("TensorProto.data_location") == 1) {
                        throw r.error("tensor '" + name + "' keeps its data in an external file, which is not read");
                    }
                    break;
                default:
                    r.skip();
            }
        }
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i);
            if (d[i] < 0)
                throw new IOException(r.source() + ": tensor '" + name + "' has a negative dimension " + d[i]);
        }
        float[] fd = null;
        if (floatData != null) {
            fd = new float[floatData.size()];
            for (int i = 0; i < fd.length; i++) fd[i] = floatData.get(i);
        }
        long[] ld = longData == null
                ? null
                : longData.stream().mapToLong(Long::longValue).toArray();
        return new OnnxTensor(name, type, d, r.buffer(), rawFrom, rawTo, fd, ld, r.source());
    }

    public List<String> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    public Map<String, OnnxTensor> initializers() {
        return initializers;
    }
}
