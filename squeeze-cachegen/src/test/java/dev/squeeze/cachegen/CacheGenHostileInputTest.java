package dev.squeeze.cachegen;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.cachegen.codec.CorruptStreamException;
import dev.squeeze.cachegen.store.DirectoryKvStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile CacheGen streams and encoder settings (issue #16, class 5): generated streams whose header CRC is
 * valid but whose contents lie. Each must fail with a {@link CorruptStreamException} (or an
 * IllegalArgumentException for a bad setting) naming the field, value and offset.
 */
class CacheGenHostileInputTest {
    static final ModelFingerprint FP = TestCaches.fingerprint(2, 2, 4, 1);

    @Test
    void theLargestChunkTokensEncodesOneChunkInsteadOfOverflowingToNone() throws Exception {
        KvSnapshot s = TestCaches.random(2, 2, 4, 150, 3);
        EncodedStream enc =
                CacheGenEncoder.builder().chunkTokens(Integer.MAX_VALUE).build().encode(s, FP);
        assertEquals(1, enc.chunks().size(), "one chunk holds all 150 tokens");
        assertEquals(150, enc.entries().getFirst().tokenCount());
        KvSnapshot back = CacheGenReader.of(enc.toByteArray(), "max-chunk").decode(FP);
        assertEquals(150, back.tokenCount());
        assertArrayEquals(s.tokens(), back.tokens());
    }

    @Test
    void aHeaderClaimingTokensWithoutChunksIsRefused() throws Exception {
        byte[] good = CacheGenEncoder.builder()
                .build()
                .encode(TestCaches.random(2, 2, 4, 20, 4), FP)
                .toByteArray();
        List<dev.squeeze.cachegen.codec.LevelTables> levels;
        try (CacheGenReader r = CacheGenReader.of(good, "good")) {
            levels = new ArrayList<>(r.header().levels().values());
        }
        byte[] lying = StreamHeader.write(FP, 470, 256, levels, List.of()); // valid CRC, 470 tokens, 0 chunks
        CorruptStreamException e =
                assertThrows(CorruptStreamException.class, () -> CacheGenReader.of(lying, "zero-chunks"));
        assertTrue(
                e.getMessage().contains("zero-chunks")
                        && e.getMessage().contains("0 tokens")
                        && e.getMessage().contains("470"),
                e.getMessage());
    }

    @Test
    void trailingBytesAfterTheLastChunkAreRefused() throws Exception {
        byte[] good = CacheGenEncoder.builder()
                .chunkTokens(64)
                .build()
                .encode(TestCaches.random(2, 2, 4, 100, 5), FP)
                .toByteArray();
        byte[] padded = Arrays.copyOf(good, good.length + 3);
        CorruptStreamException e =
                assertThrows(CorruptStreamException.class, () -> CacheGenReader.of(padded, "padded"));
        assertTrue(
                e.getMessage().contains("3 trailing byte") && e.getMessage().contains("offset " + good.length),
                e.getMessage());
    }

    @Test
    void nonFinitePositionsAreRefusedByTheReaderAndTheEncoder() throws Exception {
        KvSnapshot s = TestCaches.random(2, 2, 4, 10, 6);
        for (int t = 0; t < 10; t++) s.positions()[t] = 2 * t; // not consecutive: coded as f32 each
        byte[] b = CacheGenEncoder.builder().build().encode(s, FP).toByteArray();
        int h = readInt(b, 8);
        int at = positionMode(b, h, 10);
        assertEquals(1, b[at], "position mode f32");
        int third = at + 1 + 4 * 3;
        putInt(b, third, Float.floatToRawIntBits(Float.NaN));
        fixChunkCrc(b, h, 0);
        CorruptStreamException e = assertThrows(
                CorruptStreamException.class, () -> CacheGenReader.of(b, "nan").decode(FP));
        assertTrue(
                e.getMessage().contains("position")
                        && e.getMessage().contains("NaN")
                        && e.getMessage().contains("offset " + third),
                e.getMessage());

        s.positions()[4] = Float.POSITIVE_INFINITY;
        IllegalArgumentException ie = assertThrows(
                IllegalArgumentException.class,
                () -> CacheGenEncoder.builder().build().encode(s, FP));
        assertTrue(ie.getMessage().contains("position") && ie.getMessage().contains("Infinity"), ie.getMessage());
    }

    @Test
    void positionsPastTheModelsContextAreRefused() throws Exception {
        KvSnapshot s = TestCaches.random(2, 2, 4, 10, 7); // positions 0..9: coded as "consecutive from p0"
        byte[] b = CacheGenEncoder.builder().build().encode(s, FP).toByteArray();
        int h = readInt(b, 8);
        int at = positionMode(b, h, 10);
        assertEquals(0, b[at], "position mode consecutive");
        putInt(b, at + 1, 4090); // seq_len of the test fingerprint is 4096: tokens 4090..4099 pass it
        fixChunkCrc(b, h, 0);
        CorruptStreamException e = assertThrows(
                CorruptStreamException.class, () -> CacheGenReader.of(b, "late").decode(FP));
        assertTrue(
                e.getMessage().contains("[4090, 4100)")
                        && e.getMessage().contains("4096")
                        && e.getMessage().contains("offset " + (at + 1)),
                e.getMessage());
        for (int t = 0; t < 10; t++) s.positions()[t] = 4090 + t;
        IllegalArgumentException ie = assertThrows(
                IllegalArgumentException.class,
                () -> CacheGenEncoder.builder().build().encode(s, FP));
        assertTrue(ie.getMessage().contains("token 6 has position 4096"), ie.getMessage());
    }

    @Test
    void anArchitectureNameWithControlCharactersIsRefused() throws Exception {
        byte[] b = CacheGenEncoder.builder()
                .build()
                .encode(TestCaches.random(2, 2, 4, 5, 8), FP)
                .toByteArray();
        assertEquals('l', b[13]); // u8 length at offset 12, then "llama"
        b[16] = 0x07;
        FaultsTest.fixHeaderCrc(b, readInt(b, 8));
        CorruptStreamException e = assertThrows(CorruptStreamException.class, () -> CacheGenReader.of(b, "bell"));
        assertTrue(
                e.getMessage().contains("architecture name")
                        && e.getMessage().contains("0x07")
                        && e.getMessage().contains("offset 16"),
                e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new ModelFingerprint("lla\u0007ma", 2, 2, 4, 16, 512, 4096, 0, FP.hash()));
    }

    @Test
    void aPrefixCacheWithTheLargestChunkTokensStoresAndLoads(@TempDir Path dir) throws Exception {
        KvSnapshot s = TestCaches.random(2, 2, 4, 40, 9);
        try (DirectoryKvStore store = new DirectoryKvStore(dir)) {
            KvPrefixCache pc = new KvPrefixCache(
                    store,
                    CacheGenEncoder.builder().chunkTokens(Integer.MAX_VALUE).build());
            pc.save(FP, s);
            KvPrefixCache.Loaded l = pc.loadPrefix(FP, s.tokens(), 40);
            assertNull(l.fallback());
            assertEquals(40, l.snapshot().tokenCount());
        }
    }

    /** Offset of the position-mode byte of the chunk right after the header: it follows the token-id varints. */
    static int positionMode(byte[] b, int h, int tokens) {
        int at = h;
        for (int t = 0; t < tokens; t++) {
            while ((b[at] & 0x80) != 0) at++;
            at++;
        }
        return at;
    }

    @Test
    void anAnchorIntervalTheStreamCannotHoldIsRefusedWhenSet() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> CacheGenEncoder.builder().anchorInterval(70_000));
        assertTrue(e.getMessage().contains("70000") && e.getMessage().contains("65535"), e.getMessage());
    }

    @Test
    void moreTokensThanTheModelsContextAreRefusedBeforeDecoding() throws Exception {
        // every token costs the stream 1 + 4 x n_layers bytes but the decoder 2 x n_layers x kv_dim floats:
        // without this bound a stream of 10M tokens would ask for gigabytes
        ModelFingerprint small = new ModelFingerprint("llama", 2, 2, 4, 16, 512, 64, 0, FP.hash());
        KvSnapshot s = TestCaches.random(2, 2, 4, 100, 10);
        for (int t = 0; t < 100; t++) s.positions()[t] = t % 64;
        IllegalArgumentException ie = assertThrows(
                IllegalArgumentException.class,
                () -> CacheGenEncoder.builder().build().encode(s, small));
        assertTrue(ie.getMessage().contains("100 tokens") && ie.getMessage().contains("64"), ie.getMessage());
        ModelFingerprint roomy = new ModelFingerprint("llama", 2, 2, 4, 16, 512, 128, 0, FP.hash());
        byte[] b = CacheGenEncoder.builder().build().encode(s, roomy).toByteArray();
        int seqLenAt = 13 + 5 + 5 * 4; // u8 n, "llama", then n_layers .. vocab (5 x u32): seq_len follows
        assertEquals(128, readInt(b, seqLenAt));
        putInt(b, seqLenAt, 64);
        FaultsTest.fixHeaderCrc(b, readInt(b, 8));
        CorruptStreamException e = assertThrows(CorruptStreamException.class, () -> CacheGenReader.of(b, "long"));
        assertTrue(e.getMessage().contains("token count 100") && e.getMessage().contains("seq_len 64"), e.getMessage());
    }

    static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    static void putInt(byte[] b, int at, int v) {
        FaultsTest.putInt(b, at, v);
    }

    /** Recomputes chunk i's CRC32C in the index, then the header CRC. */
    static void fixChunkCrc(byte[] b, int h, int i) throws Exception {
        ChunkEntry e;
        int count;
        try (CacheGenReader r = CacheGenReader.of(b, "fix")) {
            e = r.header().chunks().get(i);
            count = r.header().chunks().size();
        }
        CRC32C crc = new CRC32C();
        crc.update(b, (int) e.offset(), e.length());
        int entry = h - 4 - (count - i) * ChunkEntry.BYTES;
        putInt(b, entry + ChunkEntry.BYTES - 4, (int) crc.getValue());
        FaultsTest.fixHeaderCrc(b, h);
    }
}
