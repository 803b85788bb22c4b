package dev.squeeze.cachegen.codec;

import java.util.Arrays;

/** A growable little-endian byte buffer. */
public final class ByteSink {
    private byte[] buf;
    private int size;

    public ByteSink() {
        this(256);
    }

    public ByteSink(int initial) {
        buf = new byte[Math.max(16, initial)];
    }

    public int size() {
        return size;
    }

    private void room(int n) {
        if (size + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
    }

    public ByteSink u8(int v) {
        room(1);
        buf[size++] = (byte) v;
        return this;
    }

    public ByteSink u16(int v) {
        room(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        return this;
    }

    public ByteSink i32(int v) {
        room(4);
        for (int i = 0; i < 4; i++) buf[size++] = (byte) (v >>> (8 * i));
        return this;
    }

    public ByteSink i64(long v) {
        room(8);
        for (int i = 0; i < 8; i++) buf[size++] = (byte) (v >>> (8 * i));
        return this;
    }

    public ByteSink f32(float v) {
        return i32(Float.floatToRawIntBits(v));
    }

    /** Unsigned LEB128 of a non-negative int. */
    public ByteSink varint(int v) {
        if (v < 0) throw new IllegalArgumentException("varint must be >= 0, got " + v);
        while ((v & ~0x7F) != 0) {
            u8((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        return u8(v);
    }

    public ByteSink bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public ByteSink bytes(byte[] b, int off, int len) {
        room(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    /** Overwrites 4 bytes at {@code at} (for lengths known only later). */
    public void putI32(int at, int v) {
        for (int i = 0; i < 4; i++) buf[at + i] = (byte) (v >>> (8 * i));
    }

    public void putI64(int at, long v) {
        for (int i = 0; i < 8; i++) buf[at + i] = (byte) (v >>> (8 * i));
    }

    /** The bytes written so far (the internal buffer while it fits; do not keep writing after). */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
