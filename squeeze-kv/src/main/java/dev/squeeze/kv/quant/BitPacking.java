package dev.squeeze.kv.quant;

/** Codes of 2, 4 or 8 bits packed little-end-first into bytes (code i sits at bit (i * bits) % 8 of byte i * bits / 8). */
final class BitPacking {
    private BitPacking() {}

    public static void checkBits(int bits) {
        if (bits != 2 && bits != 4 && bits != 8)
            throw new IllegalArgumentException("bits must be 2, 4 or 8, got " + bits);
    }

    /** Bytes that hold n codes of {@code bits}. */
    public static int packedBytes(int n, int bits) {
        return (n * bits + 7) / 8;
    }

    public static void set(byte[] packed, int i, int bits, int code) {
        int bit = i * bits;
        int shift = bit & 7;
        int mask = ((1 << bits) - 1) << shift;
        packed[bit >> 3] = (byte) ((packed[bit >> 3] & ~mask) | ((code << shift) & mask));
    }

    public static int get(byte[] packed, int i, int bits) {
        int bit = i * bits;
        return (packed[bit >> 3] >> (bit & 7)) & ((1 << bits) - 1);
    }
}
