package dev.squeeze.cachegen;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.cachegen.codec.ChunkCodec;
import org.junit.jupiter.api.Test;

class CodecRoundTripTest {

    /** 2 layers, 1 KV head of width 2, 3 tokens; values on the grid of bins 5 with max 2 (scale exactly 1). */
    static KvSnapshot handMade() {
        float[][] k = {{2, -1, 0, 1, -2, 2}, {1, 1, -1, 0, 2, -2}};
        float[][] v = {{0, 2, 1, -1, 2, 0}, {-2, 0, 0, 2, 1, 1}};
        return new KvSnapshot(2, 1, 2, new int[] {1, 17, 400}, new float[] {0, 1, 2}, k, v);
    }

    @Test
    void handMadeCacheHasExactCodesAndRoundTripsExactly() throws Exception {
        KvSnapshot s = handMade();
        LevelSpec lv = new LevelSpec(7, 0, new int[] {5, 5}, new int[] {5, 5});
        ChunkCodec.Quantised q = ChunkCodec.quantise(s, 0, 3, lv);
        // per token row: scale = max|row| / h (h = 2), symbol = value / scale + h
        // layer 0 keys: [2,-1] s=1 -> 4,1; [0,1] s=0.5 -> 2,4; [-2,2] s=1 -> 0,4
        assertArrayEquals(new short[] {4, 1, 2, 4, 0, 4}, q.symbols()[0]);
        // layer 0 values: [0,2] s=1 -> 2,4; [1,-1] s=0.5 -> 4,0; [2,0] s=1 -> 4,2
        assertArrayEquals(new short[] {2, 4, 4, 0, 4, 2}, q.symbols()[1]);
        // layer 1 keys: [1,1] s=0.5 -> 4,4; [-1,0] s=0.5 -> 0,2; [2,-2] s=1 -> 4,0
        assertArrayEquals(new short[] {4, 4, 0, 2, 4, 0}, q.symbols()[2]);
        assertEquals(1f, Float.float16ToFloat(q.scales()[0][0]));
        assertEquals(0.5f, Float.float16ToFloat(q.scales()[0][1]));
        ModelFingerprint fp = TestCaches.fingerprint(2, 1, 2, 1);
        byte[] bytes = CacheGenEncoder.builder()
                .spec(lv)
                .chunkTokens(2)
                .build()
                .encode(s, fp)
                .toByteArray();
        try (CacheGenReader r = CacheGenReader.of(bytes, "hand-made")) {
            assertEquals(2, r.header().chunks().size());
            assertEquals(3, r.tokens());
            KvSnapshot back = r.decode(fp);
            assertArrayEquals(s.tokens(), back.tokens());
            assertArrayEquals(s.positions(), back.positions());
            for (int l = 0; l < 2; l++) {
                assertArrayEquals(s.keys()[l], back.keys()[l]);
                assertArrayEquals(s.values()[l], back.values()[l]);
            }
        }
    }

    @Test
    void deltaCodingOfTheHandMadeCacheIsExactToo() throws Exception {
        // anchors at tokens 0 and 2; token 1 codes its difference to token 0 on token 0's step. Every value is a
        // multiple of its step with 3 bins (h = 1, anchor scale m, deltas up to 2h steps)
        float[][] k = {{2, -2, 2, 0, 1, -1}, {0, 4, 4, 4, -1, 1}};
        float[][] v = {{1, 0, 0, 0, 0, 4}, {-3, 3, -3, 0, 0, 0}};
        KvSnapshot s = new KvSnapshot(2, 1, 2, new int[] {1, 17, 400}, new float[] {0, 1, 2}, k, v);
        LevelSpec lv = new LevelSpec(1, 2, new int[] {3, 3}, new int[] {3, 3});
        ChunkCodec.Quantised q = ChunkCodec.quantise(s, 0, 3, lv);
        // layer 0 keys: anchor [2,-2] (s 2) -> 2,0; delta [0,2] on the anchor's step 2, offset 2h = 2 -> 2,3;
        // anchor [1,-1] (s 1) -> 2,0
        assertArrayEquals(new short[] {2, 0, 2, 3, 2, 0}, q.symbols()[0]);
        assertEquals(2f, Float.float16ToFloat(q.scales()[0][1]), "a delta token keeps its anchor's scale");
        ModelFingerprint fp = TestCaches.fingerprint(2, 1, 2, 1);
        byte[] bytes = CacheGenEncoder.builder().spec(lv).build().encode(s, fp).toByteArray();
        try (CacheGenReader r = CacheGenReader.of(bytes, "delta")) {
            KvSnapshot back = r.decode(fp);
            for (int l = 0; l < 2; l++) {
                assertArrayEquals(s.keys()[l], back.keys()[l]);
                assertArrayEquals(s.values()[l], back.values()[l]);
            }
        }
    }

    @Test
    void errorStaysWithinHalfAStepPerToken() throws Exception {
        KvSnapshot s = TestCaches.random(3, 2, 8, 700, 5);
        ModelFingerprint fp = TestCaches.fingerprint(3, 2, 8, 2);
        for (int g : new int[] {0, 10}) {
            LevelSpec lv = CompressionLevels.preset(CompressionLevels.DEFAULT, 3, g);
            EncodedStream enc = CacheGenEncoder.builder().spec(lv).build().encode(s, fp);
            assertEquals(3, enc.chunks().size(), "700 tokens in chunks of 256");
            KvSnapshot back = CacheGenReader.of(enc.toByteArray(), "random").decode(fp);
            int kvd = s.kvDim();
            for (int l = 0; l < 3; l++) {
                for (int kind = 0; kind < 2; kind++) {
                    float[] a = kind == 0 ? s.keys()[l] : s.values()[l],
                            b = kind == 0 ? back.keys()[l] : back.values()[l];
                    int h = (lv.bins(l, kind) - 1) / 2;
                    for (int t = 0; t < s.tokenCount(); t++) {
                        // half a step: max|row| / h for anchors; a delta token uses max(anchor step, max|d| / 2h) with
                        // |d| = |x - x̂_anchor| <= max|x_t| + max|x̂_anchor|
                        float m = rowMax(a, t, kvd);
                        float step = m / h;
                        boolean anchorToken = g == 0 || (t % 256) % g == 0;
                        if (!anchorToken) {
                            float ma = rowMax(a, t - (t % 256) % g, kvd);
                            step = Math.max(ma / h, (m + 1.01f * ma) / (2 * h));
                        }
                        float bound = 0.5f * 1.001f * step; // fp16 scales are rounded up by < 2^-10
                        for (int c = 0; c < kvd; c++) {
                            float err = Math.abs(a[t * kvd + c] - b[t * kvd + c]);
                            assertTrue(
                                    err <= bound,
                                    "g " + g + " layer " + l + " kind " + kind + " token " + t + ": error " + err
                                            + " bound " + bound);
                        }
                    }
                }
            }
            assertTrue(
                    enc.bytes() * 3.0 < s.fp16Bytes(),
                    "g " + g + ": " + enc.bytes() + " bytes vs fp16 " + s.fp16Bytes());
        }
    }

    static float rowMax(float[] a, int t, int kvd) {
        float m = 0;
        for (int c = 0; c < kvd; c++) m = Math.max(m, Math.abs(a[t * kvd + c]));
        return m;
    }

    @Test
    void aPrefixDecodesFromItsChunksAlone() throws Exception {
        KvSnapshot s = TestCaches.random(2, 1, 8, 600, 9);
        ModelFingerprint fp = TestCaches.fingerprint(2, 1, 8, 3);
        byte[] bytes = CacheGenEncoder.builder().build().encode(s, fp).toByteArray();
        KvSnapshot full = CacheGenReader.of(bytes, "s").decode(fp);
        CacheGenReader r = CacheGenReader.of(bytes, "s");
        // damage the last chunk: a 300-token prefix (chunks 0 and 1) must still decode, identically
        ChunkEntry last = r.header().chunks().get(2);
        bytes[(int) last.offset() + 5] ^= 0x10;
        KvSnapshot pre = CacheGenReader.of(bytes, "s").decodePrefix(fp, 300);
        assertEquals(300, pre.tokenCount());
        assertArrayEquals(java.util.Arrays.copyOf(full.keys()[1], 300 * 8), pre.keys()[1]);
        assertThrows(
                dev.squeeze.cachegen.codec.CorruptStreamException.class,
                () -> CacheGenReader.of(bytes, "s").decode(fp));
    }

    @Test
    void perChunkLevelsAreRecordedAndUsed() throws Exception {
        KvSnapshot s = TestCaches.random(3, 1, 8, 600, 4);
        ModelFingerprint fp = TestCaches.fingerprint(3, 1, 8, 3);
        EncodedStream enc = CacheGenEncoder.builder()
                .levelPerChunk(i -> i == 0 ? 1 : 5)
                .build()
                .encode(s, fp);
        try (CacheGenReader r = CacheGenReader.of(enc.toByteArray(), "levels")) {
            assertEquals(
                    java.util.List.of(1, 5, 5),
                    r.header().chunks().stream().map(ChunkEntry::level).toList());
            assertEquals(2, r.header().levels().size());
            assertTrue(enc.chunks().get(0).length > enc.chunks().get(1).length, "finer level -> more bytes");
            assertEquals(600, r.decode(fp).tokenCount());
        }
    }

    @Test
    void aByteBudgetPicksTheFinestLevelThatFitsPerChunk() throws Exception {
        KvSnapshot s = TestCaches.random(3, 1, 16, 600, 8);
        ModelFingerprint fp = TestCaches.fingerprint(3, 1, 16, 3);
        long fine = CacheGenEncoder.builder()
                .level(1)
                .build()
                .encode(s, fp)
                .chunks()
                .get(0)
                .length;
        long coarse = CacheGenEncoder.builder()
                .level(5)
                .build()
                .encode(s, fp)
                .chunks()
                .get(0)
                .length;
        double budget = (fine + coarse) / 2.0 / 256;
        EncodedStream enc =
                CacheGenEncoder.builder().maxBytesPerToken(budget).build().encode(s, fp);
        for (int i = 0; i < enc.entries().size(); i++) {
            ChunkEntry e = enc.entries().get(i);
            assertTrue(e.level() > 1 && e.level() <= 5, "chunk " + i + " level " + e.level());
            // the final tables differ a little from the ones the choice was measured with: allow 3%
            assertTrue(
                    e.length() <= 1.03 * budget * e.tokenCount(),
                    "chunk " + i + ": " + e.length() + " bytes, budget " + budget * e.tokenCount());
        }
        assertEquals(
                600, CacheGenReader.of(enc.toByteArray(), "budget").decode(fp).tokenCount());
        // a budget nothing meets falls back to the coarsest level
        EncodedStream tiny =
                CacheGenEncoder.builder().maxBytesPerToken(0.01).build().encode(s, fp);
        assertTrue(tiny.entries().stream().allMatch(e -> e.level() == CompressionLevels.MAX));
    }

    @Test
    void pressedCachesWithPerHeadLengthsAreRefused() {
        var cache = new dev.squeeze.kv.api.KvCache(1, 2, 2, 8, dev.squeeze.kv.api.HeadKvStore.Factory.dense());
        float[] x = {1, 2};
        cache.store(0, 0).append(x, 0, x, 0, 0);
        cache.store(0, 0).append(x, 0, x, 0, 1);
        cache.store(0, 1).append(x, 0, x, 0, 0);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> KvSnapshot.of(cache, new int[] {1, 2}));
        assertTrue(e.getMessage().contains("head 1"), e.getMessage());
    }
}
