package dev.squeeze.cachegen.codec;

/**
 * Reads little-endian values from {@code buf[from, to)}, failing with a {@link CorruptStreamException} that
 * names the offset (relative to {@code base}) as soon as a read would pass the end.
 */
public final class ByteSource {
    private final byte[] buf;
    private final int to;
    private final long base;
    private final String what;
    private int pos;

    public ByteSource(byte[] buf, int from, int to, long base, String what) {
        if (from < 0 || to > buf.length || from > to)
            throw new IllegalArgumentException("bad range [" + from + ", " + to + ") of " + buf.length);
        this.buf = buf;
        this.pos = from;
        this.to = to;
        this.base = base - from;
        this.what = what;
    }

    public static ByteSource of(byte[] b, String what) {
        return new ByteSource(b, 0, b.length, 0, what);
    }

    /** Offset of the next byte, in the numbering the caller gave (e.g. file offset). */
    public long position() {
        return base + pos;
    }

    public int remaining() {
        return to - pos;
    }

    public int index() {
        return pos;
    }

    private void need(int n, String field) throws CorruptStreamException {
        if (to - pos < n) {
            throw new CorruptStreamException(what + " is truncated: " + field + " needs " + n + " byte(s) at offset "
                    + position() + " but only " + (to - pos) + " remain");
        }
    }

    public int u8(String field) throws CorruptStreamException {
        need(1, field);
        return buf[pos++] & 0xFF;
    }

    public int u16(String field) throws CorruptStreamException {
        need(2, field);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    public int i32(String field) throws CorruptStreamException {
        need(4, field);
        int v = 0;
        for (int i = 0; i < 4; i++) v |= (buf[pos + i] & 0xFF) << (8 * i);
        pos += 4;
        return v;
    }

    /** A u32 that must fit a non-negative int. */
    public int u31(String field) throws CorruptStreamException {
        long at = position();
        int v = i32(field);
        if (v < 0)
            throw new CorruptStreamException(
                    what + ": " + field + " at offset " + at + " is " + Integer.toUnsignedString(v) + ", too large");
        return v;
    }

    public long i64(String field) throws CorruptStreamException {
        need(8, field);
        long v = 0;
        for (int i = 0; i < 8; i++) v |= (long) (buf[pos + i] & 0xFF) << (8 * i);
        pos += 8;
        return v;
    }

    public float f32(String field) throws CorruptStreamException {
        return Float.intBitsToFloat(i32(field));
    }

    public int varint(String field) throws CorruptStreamException {
        long at = position();
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = u8(field);
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0 || (shift == 28 && (b & 0x70) != 0)) break;
                return v;
            }
        }
        throw new CorruptStreamException(what + ": " + field + " at offset " + at + " is not a valid varint");
    }

    public byte[] bytes(int n, String field) throws CorruptStreamException {
        if (n < 0)
            throw new CorruptStreamException(
                    what + ": negative length " + n + " for " + field + " at offset " + position());
        need(n, field);
        byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    /** Skips n bytes (checked). */
    public void skip(int n, String field) throws CorruptStreamException {
        need(n, field);
        pos += n;
    }

    public byte[] buffer() {
        return buf;
    }
}
