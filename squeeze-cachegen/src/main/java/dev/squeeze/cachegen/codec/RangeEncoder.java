package dev.squeeze.cachegen.codec;

/**
 * A static-model range coder (carry-propagating, byte-wise output; the classic "low + range" scheme):
 * {@code low} is a 33-bit integer whose top bit is a pending carry, {@code range} a 32-bit width kept above
 * 2^24 by shifting bytes out. Each symbol narrows the range to its frequency interval of a
 * {@link FrequencyTable} (totals of 2^{@value FrequencyTable#TOTAL_BITS}); the cost is -log2(freq/total)
 * bits plus a few bytes of flush, i.e. within a fraction of a percent of the entropy of the table.
 */
final class RangeEncoder {
    private static final long TOP = 1L << 24;
    private final ByteSink out;
    private long low;
    private long range = 0xFFFF_FFFFL;
    private int cache;
    private long cacheSize = 1;

    public RangeEncoder(ByteSink out) {
        this.out = out;
    }

    public void encode(FrequencyTable t, int symbol) {
        int f = t.freq(symbol);
        if (f == 0) throw new IllegalArgumentException("symbol " + symbol + " has zero frequency in its table");
        long r = range >>> FrequencyTable.TOTAL_BITS;
        low += r * t.cumFreq(symbol);
        range = r * f;
        while (range < TOP) {
            range <<= 8;
            shiftLow();
        }
    }

    private void shiftLow() {
        if (low < 0xFF00_0000L || low > 0xFFFF_FFFFL) {
            int carry = (int) (low >>> 32);
            int temp = cache;
            do {
                out.u8(temp + carry);
                temp = 0xFF;
            } while (--cacheSize != 0);
            cache = (int) ((low >>> 24) & 0xFF);
        }
        cacheSize++;
        low = (low & 0x00FF_FFFFL) << 8;
    }

    /** Writes the final bytes; the encoder must not be used afterwards. */
    public void finish() {
        for (int i = 0; i < 5; i++) shiftLow();
    }
}
