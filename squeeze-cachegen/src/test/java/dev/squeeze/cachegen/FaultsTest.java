package dev.squeeze.cachegen;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.cachegen.codec.CorruptStreamException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultsTest {
    static final ModelFingerprint FP = TestCaches.fingerprint(2, 2, 4, 1);

    static byte[] stream() {
        return CacheGenEncoder.builder()
                .chunkTokens(64)
                .build()
                .encode(TestCaches.random(2, 2, 4, 150, 2), FP)
                .toByteArray();
    }

    @Test
    void everyFlippedBitIsCaughtByAChecksum() throws Exception {
        byte[] good = stream();
        Random r = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            byte[] bad = good.clone();
            int at = r.nextInt(bad.length);
            bad[at] ^= (byte) (1 << r.nextInt(8));
            Exception e = assertThrows(
                    CorruptStreamException.class,
                    () -> {
                        try (CacheGenReader rd = CacheGenReader.of(bad, "flipped")) {
                            if (!rd.verify().isEmpty())
                                throw new CorruptStreamException(rd.verify().getFirst());
                            rd.decode(FP);
                        }
                    },
                    "flip at " + at);
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void verifyNamesTheDamagedChunk() throws Exception {
        byte[] bad = stream();
        ChunkEntry c1;
        try (CacheGenReader rd = CacheGenReader.of(bad, "s")) {
            c1 = rd.header().chunks().get(1);
        }
        bad[(int) c1.offset() + c1.length() / 2] ^= 1;
        try (CacheGenReader rd = CacheGenReader.of(bad, "s")) {
            var damage = rd.verify();
            assertEquals(1, damage.size());
            assertTrue(damage.getFirst().contains("chunk 1"), damage.getFirst());
        }
    }

    @Test
    void everyTruncationIsDetected(@TempDir Path dir) throws Exception {
        byte[] good = stream();
        for (int len = 0; len < good.length; len += Math.max(1, len / 7)) {
            Path f = dir.resolve("t.sqkv");
            Files.write(f, Arrays.copyOf(good, len));
            assertThrows(
                    CorruptStreamException.class,
                    () -> {
                        try (CacheGenReader rd = CacheGenReader.open(f)) {
                            rd.decode(FP);
                        }
                    },
                    "length " + len);
        }
    }

    @Test
    void aStreamFromAnotherModelIsRefused() throws Exception {
        byte[] good = stream();
        ModelFingerprint other = TestCaches.fingerprint(2, 2, 4, 99); // same shapes, other weights
        CorruptStreamException e = assertThrows(
                CorruptStreamException.class, () -> CacheGenReader.of(good, "s").decode(other));
        assertTrue(e.getMessage().contains("another model"), e.getMessage());
    }

    @Test
    void otherVersionsAndMagicAreRefused() {
        byte[] v2 = stream();
        v2[4] = 2;
        assertTrue(assertThrows(CorruptStreamException.class, () -> CacheGenReader.of(v2, "s"))
                .getMessage()
                .contains("version 2"));
        byte[] junk = "hello world, not a stream".getBytes();
        assertTrue(assertThrows(CorruptStreamException.class, () -> CacheGenReader.of(junk, "s"))
                .getMessage()
                .contains("magic"));
    }

    /**
     * Fuzz (fixed seed, bounded): random byte changes, truncations and field overwrites, with the header CRC
     * recomputed half of the time so the parser is exercised beyond the checksum. Only CorruptStreamException or
     * IllegalArgumentException may come out, each attempt must finish quickly, and nothing may allocate from an
     * unchecked size (an OutOfMemoryError fails the test).
     */
    @Test
    void fuzzedStreamsFailCleanly() {
        byte[] good = stream();
        int headerLength = (good[8] & 0xFF) | (good[9] & 0xFF) << 8 | (good[10] & 0xFF) << 16 | (good[11] & 0xFF) << 24;
        Random r = new Random(1234);
        int decodedOk = 0;
        long t0 = System.nanoTime();
        for (int it = 0; it < 3000; it++) {
            byte[] b = good.clone();
            int kind = r.nextInt(4);
            if (kind == 0) {
                for (int m = 1 + r.nextInt(4); m > 0; m--) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            } else if (kind == 1) {
                b = Arrays.copyOf(b, r.nextInt(b.length));
            } else {
                // overwrite 1-4 bytes of the header with extreme values, then (kind 3) fix the header CRC
                int at = r.nextInt(headerLength - 4);
                int v = switch (r.nextInt(4)) {
                    case 0 -> 0xFF;
                    case 1 -> 0;
                    case 2 -> 0x7F;
                    default -> r.nextInt(256);
                };
                for (int i = 0; i < 1 + r.nextInt(4) && at + i < headerLength - 4; i++) b[at + i] = (byte) v;
                if (kind == 3) fixHeaderCrc(b, headerLength);
            }
            byte[] input = b;
            try (CacheGenReader rd = CacheGenReader.of(input, "fuzz")) {
                rd.verify();
                rd.decode(FP);
                decodedOk++;
            } catch (CorruptStreamException | IllegalArgumentException expected) {
                assertNotNull(expected.getMessage());
            } catch (Exception e) {
                fail("iteration " + it + ": unexpected " + e, e);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 60, "fuzzing took " + seconds + " s");
        assertTrue(decodedOk < 3000, "some mutations must be caught");
    }

    @Test
    void aChunkIndexClaimingMoreTokensThanItsBytesIsRefusedBeforeAllocating() throws Exception {
        // one 3-token chunk whose index says 2^30 tokens (header total too), CRC fixed: rejected from the sizes alone
        KvSnapshot s = TestCaches.random(2, 2, 4, 3, 2);
        byte[] b = CacheGenEncoder.builder().build().encode(s, FP).toByteArray();
        int h = (b[8] & 0xFF) | (b[9] & 0xFF) << 8 | (b[10] & 0xFF) << 16 | (b[11] & 0xFF) << 24;
        int entry = h - 4 - ChunkEntry.BYTES;
        int huge = 4000; // within seq_len 4096: a larger count is refused earlier, by the header's token count check
        putInt(b, entry + 16, huge); // token count of the chunk
        int tokensField =
                h - 4 - ChunkEntry.BYTES; // locate the header's token total: search its old value 3 before the index
        for (int at = 12; at < entry; at++) {
            if (b[at] == 3 && b[at + 1] == 0 && b[at + 2] == 0 && b[at + 3] == 0 && b[at + 4] == 0 && b[at + 5] == 1) {
                tokensField = at; // u32 tokens = 3 followed by u32 chunk tokens = 256
                break;
            }
        }
        putInt(b, tokensField, huge);
        putInt(b, tokensField + 4, huge);
        fixHeaderCrc(b, h);
        CorruptStreamException e = assertThrows(
                CorruptStreamException.class,
                () -> CacheGenReader.of(b, "claims").decode(FP));
        assertTrue(e.getMessage().contains("claims " + huge + " tokens"), e.getMessage());
    }

    static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    static void fixHeaderCrc(byte[] b, int h) {
        if (b.length < h) return;
        CRC32C crc = new CRC32C();
        crc.update(b, 0, h - 4);
        int c = (int) crc.getValue();
        for (int i = 0; i < 4; i++) b[h - 4 + i] = (byte) (c >>> (8 * i));
    }
}
