package dev.squeeze.encoder.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A protobuf wire-format reader over a byte range: varints (wire type 0), 64-bit (1), length-delimited (2) and 32-bit
 * (5) fields; groups (3, 4) are refused. Every length is checked against the bytes left, so a truncated or corrupt file
 * fails with the offset and what was being read instead of reading past its end.
 */
final class ProtoReader {
    static final int VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;

    private final byte[] buf;
    private final String source;
    private int pos;
    private final int end;
    private int tag;

    ProtoReader(byte[] buf, int from, int to, String source) {
        this.buf = buf;
        this.pos = from;
        this.end = to;
        this.source = source;
    }

    boolean next() throws IOException {
        if (pos >= end) return false;
        long t = varint("field tag");
        if (t <= 0 || t > Integer.MAX_VALUE || (t >>> 3) == 0) throw error("invalid field tag " + t);
        tag = (int) t;
        return true;
    }

    int field() {
        return tag >>> 3;
    }

    int wire() {
        return tag & 7;
    }

    int position() {
        return pos;
    }

    byte[] buffer() {
        return buf;
    }

    String source() {
        return source;
    }

    IOException error(String message) {
        return new IOException(source + ": offset " + pos + ": " + message);
    }

    long varint(String what) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) throw error("truncated varint (" + what + ")");
            int b = buf[pos++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw error("varint longer than 10 bytes (" + what + ")");
    }

    /** The [start, end) of a length-delimited field's payload, which is skipped. */
    int[] span(String what) throws IOException {
        long n = varint(what + " length");
        if (n < 0 || n > end - pos)
            throw error(what + " of " + n + " bytes runs past the " + (end - pos) + " bytes left");
        int s = pos;
        pos += (int) n;
        return new int[] {s, pos};
    }

    ProtoReader message(String what) throws IOException {
        expect(LEN, what);
        int[] s = span(what);
        return new ProtoReader(buf, s[0], s[1], source);
    }

    String string(String what) throws IOException {
        expect(LEN, what);
        int[] s = span(what);
        return new String(buf, s[0], s[1] - s[0], StandardCharsets.UTF_8);
    }

    float fixed32Float(String what) throws IOException {
        expect(FIXED32, what);
        if (end - pos < 4) throw error("truncated float (" + what + ")");
        int v = (buf[pos] & 0xFF)
                | (buf[pos + 1] & 0xFF) << 8
                | (buf[pos + 2] & 0xFF) << 16
                | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return Float.intBitsToFloat(v);
    }

    long int64(String what) throws IOException {
        expect(VARINT, what);
        return varint(what);
    }

    void expect(int wire, String what) throws IOException {
        if (wire() != wire)
            throw error(what + " (field " + field() + ") has wire type " + wire() + ", expected " + wire);
    }

    void skip() throws IOException {
        switch (wire()) {
            case VARINT:
                varint("skipped field " + field());
                break;
            case FIXED64:
                if (end - pos < 8) throw error("truncated 64-bit field " + field());
                pos += 8;
                break;
            case LEN:
                span("skipped field " + field());
                break;
            case FIXED32:
                if (end - pos < 4) throw error("truncated 32-bit field " + field());
                pos += 4;
                break;
            default:
                throw error("field " + field() + " has unsupported wire type " + wire());
        }
    }
}
