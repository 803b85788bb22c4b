package dev.squeeze.cachegen.codec;

/**
 * Decodes what {@link RangeEncoder} wrote, from {@code buf[from, to)}. Reading past the end is allowed for the
 * few bytes of the encoder's flush only; more means the stream is shorter than its symbols need.
 */
final class RangeDecoder {
    private static final long TOP = 1L << 24;
    private static final int SLACK = 8;
    private final byte[] buf;
    private final int to;
    private final String what;
    private int pos;
    private int pastEnd;
    private long code;
    private long range = 0xFFFF_FFFFL;

    public RangeDecoder(byte[] buf, int from, int to, String what) throws CorruptStreamException {
        this.buf = buf;
        this.pos = from;
        this.to = to;
        this.what = what;
        for (int i = 0; i < 5; i++) code = ((code << 8) | next()) & 0xFFFF_FFFFL;
    }

    private int next() throws CorruptStreamException {
        if (pos < to) return buf[pos++] & 0xFF;
        if (++pastEnd > SLACK)
            throw new CorruptStreamException(what + ": the coded stream ends before all its symbols were decoded");
        return 0;
    }

    public int decode(FrequencyTable t) throws CorruptStreamException {
        long r = range >>> FrequencyTable.TOTAL_BITS;
        long target = code / r;
        if (target >= FrequencyTable.TOTAL) {
            throw new CorruptStreamException(what + ": coded value outside the table's range (damaged stream)");
        }
        int s = t.symbolFor((int) target);
        if (s < 0)
            throw new CorruptStreamException(what + ": decoded an impossible symbol (damaged stream or wrong table)");
        code -= r * t.cumFreq(s);
        range = r * t.freq(s);
        while (range < TOP) {
            code = ((code << 8) | next()) & 0xFFFF_FFFFL;
            range <<= 8;
        }
        return s;
    }
}
