package dev.squeeze.encoder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How {@link Encoder#blockRows} splits a batch's rows into GEMM blocks. */
class EncoderBlockRowsTest {
    private static int blocks(int n, int block) {
        return (n + block - 1) / block;
    }

    @Test
    void batchOf32SentencesSplitsEvenlyOverTwoThreads() {
        // 950 rows (32 sentences of ~30 tokens): 15 blocks of 64 would give one thread 8 and the other 7
        assertEquals(60, Encoder.blockRows(950, 2));
        assertEquals(16, blocks(950, 60));
        assertEquals(64, Encoder.blockRows(950, 1)); // one thread: the largest blocks
        assertEquals(15, blocks(950, 64));
    }

    @Test
    void blocksAreTileMultiplesWithinTheirBounds() {
        for (int threads = 1; threads <= 4; threads++) {
            for (int n = 1; n <= 3000; n += 7) {
                int b = Encoder.blockRows(n, threads);
                assertEquals(0, b % 4, "n=" + n);
                assertTrue(b >= Encoder.MIN_BLOCK && b <= Encoder.BLOCK, "n=" + n + " block=" + b);
            }
        }
    }
}
