"""Writes tiny-classifier.onnx: a 2-label "token classifier" whose keep logit is input_id * 1.0 - 6.5 and whose
drop logit is 0, so P(keep | id) = sigmoid(id - 6.5). Hand-written protobuf (no onnx package needed).
Inputs input_ids, attention_mask (int64 [batch, seq]); output logits (float [batch, seq, 2]); opset 13."""
import struct

def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])

def key(field, wire): return varint((field << 3) | wire)
def vint(field, n): return key(field, 0) + varint(n)
def ld(field, payload): return key(field, 2) + varint(len(payload)) + payload
def s(field, text): return ld(field, text.encode())

def tensor_float(name, values, dims):
    return b"".join(vint(1, d) for d in dims) + vint(2, 1) + ld(4, struct.pack("<%df" % len(values), *values)) + s(8, name)

def tensor_int64(name, values, dims):
    return b"".join(vint(1, d) for d in dims) + vint(2, 7) + ld(7, b"".join(varint(v & 0xFFFFFFFFFFFFFFFF) for v in values)) + s(8, name)

def attr_int(name, v): return s(1, name) + vint(3, v) + vint(20, 2)        # AttributeProto INT
def node(op, inputs, outputs, attrs=()):
    return b"".join(s(1, i) for i in inputs) + b"".join(s(2, o) for o in outputs) + s(4, op) + b"".join(ld(5, a) for a in attrs)

def dim_param(p): return ld(1, s(2, p))
def dim_value(v): return ld(1, vint(1, v))
def value_info(name, elem, dims):
    shape = b"".join(dims)
    return s(1, name) + ld(2, ld(1, vint(1, elem) + ld(2, shape)))

graph = b"".join([
    ld(1, node("Cast", ["input_ids"], ["x"], [attr_int("to", 1)])),
    ld(1, node("Mul", ["x", "scale"], ["y"])),
    ld(1, node("Add", ["y", "bias"], ["keep"])),
    ld(1, node("Unsqueeze", ["keep", "axes"], ["keep3"])),
    ld(1, node("Mul", ["keep3", "zero"], ["drop3"])),
    ld(1, node("Concat", ["drop3", "keep3"], ["logits"], [attr_int("axis", -1 & 0xFFFFFFFFFFFFFFFF)])),
    s(2, "tiny-token-classifier"),
    ld(5, tensor_float("scale", [1.0], [])),
    ld(5, tensor_float("bias", [-6.5], [])),
    ld(5, tensor_float("zero", [0.0], [])),
    ld(5, tensor_int64("axes", [-1], [1])),
    ld(11, value_info("input_ids", 7, [dim_param("batch"), dim_param("seq")])),
    ld(11, value_info("attention_mask", 7, [dim_param("batch"), dim_param("seq")])),
    ld(12, value_info("logits", 1, [dim_param("batch"), dim_param("seq"), dim_value(2)])),
])
model = vint(1, 8) + s(2, "squeeze-test") + ld(7, graph) + ld(8, s(1, "") + vint(2, 13))
open("tiny-classifier.onnx", "wb").write(model)
