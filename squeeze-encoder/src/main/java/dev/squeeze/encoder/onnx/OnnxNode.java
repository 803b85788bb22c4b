package dev.squeeze.encoder.onnx;

import java.util.List;
import java.util.Map;

/** An ONNX NodeProto: operator, name, inputs, outputs and the attributes this reader needs (ints, floats, tensors). */
record OnnxNode(
        String op,
        String name,
        List<String> inputs,
        List<String> outputs,
        Map<String, Long> ints,
        Map<String, Float> floats,
        Map<String, OnnxTensor> tensors,
        Map<String, long[]> intLists) {
    String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    String output(int i) {
        return i < outputs.size() ? outputs.get(i) : "";
    }
}
