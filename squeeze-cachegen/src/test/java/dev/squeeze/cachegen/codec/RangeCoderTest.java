package dev.squeeze.cachegen.codec;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RangeCoderTest {

    static byte[] encode(FrequencyTable t, int[] symbols) {
        ByteSink out = new ByteSink();
        RangeEncoder enc = new RangeEncoder(out);
        for (int s : symbols) enc.encode(t, s);
        enc.finish();
        return out.toByteArray();
    }

    static int[] decode(FrequencyTable t, byte[] b, int n) throws CorruptStreamException {
        RangeDecoder dec = new RangeDecoder(b, 0, b.length, "test");
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = dec.decode(t);
        return out;
    }

    @Test
    void handMadeStreamRoundTrips() throws Exception {
        int[] x = {0, 1, 2, 2, 2, 1, 0, 3, 2, 2};
        long[] counts = new long[4];
        for (int s : x) counts[s]++;
        FrequencyTable t = FrequencyTable.fromCounts(counts);
        assertArrayEquals(x, decode(t, encode(t, x), x.length));
    }

    @Test
    void skewedStreamsRoundTripAndCostCloseToTheirEntropy() throws Exception {
        Random r = new Random(11);
        for (int alphabet : new int[] {2, 7, 31, 255}) {
            double[] p = new double[alphabet];
            double z = 0;
            for (int s = 0; s < alphabet; s++)
                z += p[s] = Math.exp(-0.5 * Math.pow((s - alphabet / 2.0) / (alphabet / 8.0 + 0.3), 2));
            int n = 200_000;
            int[] x = new int[n];
            long[] counts = new long[alphabet];
            for (int i = 0; i < n; i++) {
                double u = r.nextDouble() * z;
                int s = 0;
                while (s < alphabet - 1 && (u -= p[s]) > 0) s++;
                x[i] = s;
                counts[s]++;
            }
            FrequencyTable t = FrequencyTable.fromCounts(counts);
            byte[] b = encode(t, x);
            assertArrayEquals(x, decode(t, b, n), "alphabet " + alphabet);
            double entropyBits = 0;
            for (long c : counts) if (c > 0) entropyBits -= c * Math.log((double) c / n) / Math.log(2);
            double ratio = 8.0 * b.length / entropyBits;
            assertTrue(ratio >= 0.999, "cannot beat the empirical entropy: " + ratio);
            assertTrue(
                    ratio < 1.01,
                    "alphabet " + alphabet + ": " + b.length + " bytes vs entropy " + entropyBits / 8 + " (ratio "
                            + ratio + ")");
        }
    }

    @Test
    void aSingleSymbolAlphabetCostsAlmostNothing() throws Exception {
        int[] x = new int[10_000];
        java.util.Arrays.fill(x, 3);
        long[] counts = new long[5];
        counts[3] = x.length;
        FrequencyTable t = FrequencyTable.fromCounts(counts);
        byte[] b = encode(t, x);
        assertTrue(b.length <= 8, "bytes: " + b.length);
        assertArrayEquals(x, decode(t, b, x.length));
    }

    @Test
    void aTruncatedStreamIsDetected() {
        Random r = new Random(3);
        long[] counts = new long[16];
        int[] x = new int[5000];
        for (int i = 0; i < x.length; i++) counts[x[i] = r.nextInt(16)]++;
        FrequencyTable t = FrequencyTable.fromCounts(counts);
        byte[] b = encode(t, x);
        byte[] cut = java.util.Arrays.copyOf(b, b.length / 2);
        assertThrows(CorruptStreamException.class, () -> decode(t, cut, x.length));
    }

    @Test
    void tablesSumToTheTotalKeepSeenSymbolsAndSerialise() throws Exception {
        long[] counts = {0, 1, 1_000_000, 3, 0, 0, 7, 0};
        FrequencyTable t = FrequencyTable.fromCounts(counts);
        int sum = 0;
        for (int s = 0; s < counts.length; s++) {
            sum += t.freq(s);
            assertEquals(counts[s] > 0, t.freq(s) > 0, "symbol " + s);
        }
        assertEquals(FrequencyTable.TOTAL, sum);
        ByteSink out = new ByteSink();
        t.write(out);
        // low = 1, n = 6 (symbols 1..6), six one-byte codes
        assertEquals(8, out.size());
        FrequencyTable back = FrequencyTable.read(ByteSource.of(out.toByteArray(), "t"), counts.length);
        assertEquals(t, back);
        int[] codes = FrequencyTable.logWeightCodes(counts);
        assertEquals(255, codes[2]);
        assertEquals(0, codes[0]);
        // 255 + round(16 log2(7 / 1e6)) = 255 - 274 -> clamped to 1
        assertEquals(1, codes[6]);
    }

    @Test
    void malformedTablesAreRejected() {
        ByteSink out = new ByteSink();
        out.varint(3).varint(5).u8(1).u8(2).u8(3).u8(4).u8(5);
        assertThrows(CorruptStreamException.class, () -> FrequencyTable.read(ByteSource.of(out.toByteArray(), "t"), 6));
        ByteSink cut = new ByteSink();
        cut.varint(0).varint(4).u8(9);
        assertThrows(CorruptStreamException.class, () -> FrequencyTable.read(ByteSource.of(cut.toByteArray(), "t"), 6));
    }
}
