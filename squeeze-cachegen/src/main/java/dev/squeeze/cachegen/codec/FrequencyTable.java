package dev.squeeze.cachegen.codec;

import java.util.Arrays;

/**
 * A static symbol model for {@link RangeEncoder}/{@link RangeDecoder}: frequencies of symbols
 * {@code 0..size-1} scaled to sum exactly {@link #TOTAL} = 2^{@value #TOTAL_BITS}, every symbol that was seen
 * keeping at least 1 (so it stays codable). Built once from counts, stored in the stream, never adapted.
 *
 * <p>Serialised as: varint low (first symbol with a non-zero weight), varint n (symbols in [low, low+n)),
 * then n one-byte log-scale weight codes. A table of a symbol set that was never used is n = 0 and cannot
 * code anything.
 */
public final class FrequencyTable {
    public static final int TOTAL_BITS = 14;
    public static final int TOTAL = 1 << TOTAL_BITS;
    /** Largest alphabet a table accepts (so a corrupt header cannot ask for a huge one). */
    public static final int MAX_SYMBOLS = 4096;

    private final int size;
    private final int[] freq; // (size)
    private final int[] cum; // (size + 1), cum[s] = sum of freq[0..s)

    private final int[] codes; // (size) the stored one-byte weight codes

    private FrequencyTable(int[] freq, int[] codes) {
        this.size = freq.length;
        this.freq = freq;
        this.codes = codes;
        this.cum = new int[size + 1];
        for (int s = 0; s < size; s++) cum[s + 1] = cum[s] + freq[s];
    }

    /**
     * The table for {@code counts} (one per symbol) as it will be stored: each count becomes a one-byte log-scale
     * weight (see {@link #logWeightCodes}), and the weights are scaled to sum {@link #TOTAL}. All-zero counts give
     * an empty table.
     */
    public static FrequencyTable fromCounts(long[] counts) {
        return fromCodes(logWeightCodes(counts));
    }

    /**
     * One byte per symbol: 0 for an unseen symbol, else 255 + round(16 log2(count / max count)) clamped to [1, 255],
     * i.e. weights 2^(code/16) in steps of 4.4% (a code-length loss of ~0.001 bit per symbol against exact counts),
     * so a table costs one byte per symbol in its range.
     */
    public static int[] logWeightCodes(long[] counts) {
        if (counts.length == 0 || counts.length > MAX_SYMBOLS) {
            throw new IllegalArgumentException(
                    "alphabet size must be in [1, " + MAX_SYMBOLS + "], got " + counts.length);
        }
        long max = 0;
        for (long c : counts) {
            if (c < 0) throw new IllegalArgumentException("negative symbol count " + c);
            max = Math.max(max, c);
        }
        int[] codes = new int[counts.length];
        for (int s = 0; s < counts.length; s++) {
            if (counts[s] == 0) continue;
            long q = 255 + Math.round(16 * Math.log((double) counts[s] / max) / Math.log(2));
            codes[s] = (int) Math.max(1, Math.min(255, q));
        }
        return codes;
    }

    /** The table of one-byte weight codes (deterministic integer arithmetic: encoder and decoder agree exactly). */
    static FrequencyTable fromCodes(int[] codes) {
        long[] w = new long[codes.length];
        long sum = 0;
        int present = 0;
        for (int s = 0; s < codes.length; s++) {
            if (codes[s] == 0) continue;
            w[s] = Math.round(StrictMath.pow(2, codes[s] / 16.0));
            sum += w[s];
            present++;
        }
        int[] f = new int[codes.length];
        if (sum == 0) return new FrequencyTable(f, codes);
        if (present > TOTAL)
            throw new IllegalArgumentException(present + " distinct symbols exceed the table precision " + TOTAL);
        int total = 0;
        for (int s = 0; s < f.length; s++) {
            if (w[s] == 0) continue;
            f[s] = (int) Math.max(1, (w[s] * TOTAL + sum / 2) / sum);
            total += f[s];
        }
        // fix rounding: take from or give to the largest entries, never dropping a seen symbol below 1
        while (total != TOTAL) {
            int best = -1;
            for (int s = 0; s < f.length; s++) {
                if (f[s] == 0 || (total > TOTAL && f[s] == 1)) continue;
                if (best < 0 || f[s] > f[best]) best = s;
            }
            int step = total > TOTAL ? -Math.min(total - TOTAL, f[best] - 1) : TOTAL - total;
            f[best] += step;
            total += step;
        }
        return new FrequencyTable(f, codes);
    }

    /** Alphabet size. */
    public int size() {
        return size;
    }

    /** True when no symbol can be coded (the table was built from no data). */
    public boolean isEmpty() {
        return cum[size] == 0;
    }

    public int freq(int symbol) {
        return freq[symbol];
    }

    public int cumFreq(int symbol) {
        return cum[symbol];
    }

    /** The symbol whose interval [cum, cum + freq) holds {@code target} (0 <= target < TOTAL); -1 if none. */
    public int symbolFor(int target) {
        int lo = 0, hi = size - 1;
        while (lo < hi) { // first s with cum[s + 1] > target
            int mid = (lo + hi) >>> 1;
            if (cum[mid + 1] > target) hi = mid;
            else lo = mid + 1;
        }
        return freq[lo] > 0 && cum[lo] <= target && target < cum[lo + 1] ? lo : -1;
    }

    /** Ideal code length of {@code counts} under this table, in bits (for tests and reports). */
    public double bitsFor(long[] counts) {
        double bits = 0;
        for (int s = 0; s < counts.length; s++) {
            if (counts[s] > 0) bits += counts[s] * (TOTAL_BITS - Math.log(freq[s]) / Math.log(2));
        }
        return bits;
    }

    public void write(ByteSink out) {
        int low = 0;
        while (low < size && codes[low] == 0) low++;
        int high = size;
        while (high > low && codes[high - 1] == 0) high--;
        out.varint(low == size ? 0 : low);
        out.varint(high - low);
        for (int s = low; s < high; s++) out.u8(codes[s]);
    }

    /** Reads a table for an alphabet of {@code size} symbols; throws naming the offset when it is malformed. */
    public static FrequencyTable read(ByteSource in, int size) throws CorruptStreamException {
        long at = in.position();
        int low = in.varint("frequency table start symbol");
        int n = in.varint("frequency table length");
        if ((long) low + n > size) {
            throw new CorruptStreamException("frequency table at offset " + at + " covers symbols [" + low + ", "
                    + ((long) low + n) + ") outside the alphabet [0, " + size + ")");
        }
        int[] codes = new int[size];
        for (int i = 0; i < n; i++) codes[low + i] = in.u8("frequency code");
        return fromCodes(codes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrequencyTable t && Arrays.equals(freq, t.freq);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(freq);
    }
}
