package dev.squeeze.encoder.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A protobuf wire-format writer for test ONNX models: varint, length-delimited and 32-bit fields. */
public final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private void raw(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    public ProtoWriter varint(int field, long v) {
        raw((long) field << 3);
        raw(v);
        return this;
    }

    public ProtoWriter bytes(int field, byte[] b) {
        raw(((long) field << 3) | 2);
        raw(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    public ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    public ProtoWriter message(int field, ProtoWriter m) {
        return bytes(field, m.toByteArray());
    }

    public ProtoWriter float32(int field, float f) {
        raw(((long) field << 3) | 5);
        int b = Float.floatToRawIntBits(f);
        for (int i = 0; i < 4; i++) out.write((b >>> (8 * i)) & 0xFF);
        return this;
    }

    public ProtoWriter packedLongs(int field, long... v) {
        ProtoWriter p = new ProtoWriter();
        for (long x : v) p.raw(x);
        return bytes(field, p.toByteArray());
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    static byte[] le(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    static byte[] le(long[] v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) b.putLong(x);
        return b.array();
    }
}
