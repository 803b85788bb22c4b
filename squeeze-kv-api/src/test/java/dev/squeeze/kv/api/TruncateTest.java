package dev.squeeze.kv.api;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * {@link HeadKvStore#truncate} (rollback of speculative draft entries): the dense store's O(1) override and the
 * interface's default (through {@code replace}) keep the same prefix and append after it.
 */
class TruncateTest {

    static void fill(HeadKvStore s, int n) {
        float[] k = new float[s.headDim()], v = new float[s.headDim()];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < k.length; d++) {
                k[d] = i + 0.25f * d;
                v[d] = -i - 0.5f * d;
            }
            s.append(k, 0, v, 0, 10 + i);
        }
    }

    @Test
    void keepsThePrefixAndAppendsAfterIt() {
        for (HeadKvStore s :
                new HeadKvStore[] {new DenseKvStore(4, 16), DefaultPathStore.over(new DenseKvStore(4, 16))}) {
            String name = s instanceof DenseKvStore ? "dense" : "default";
            fill(s, 7);
            s.truncate(3);
            assertEquals(3, s.length(), name);
            assertArrayEquals(new float[] {10, 11, 12}, s.positions(), name);
            assertEquals(2f, s.keys().data()[2 * 4], name + ": key of slot 2 kept");
            assertEquals(-2.5f, s.values().data()[2 * 4 + 1], name + ": value of slot 2 kept");
            s.append(new float[] {9, 9, 9, 9}, 0, new float[] {8, 8, 8, 8}, 0, 42);
            assertEquals(4, s.length(), name);
            assertEquals(42f, s.position(3), name);
            assertEquals(9f, s.keys().data()[3 * 4], name);
            assertEquals(8f, s.values().data()[3 * 4 + 1], name);
            s.truncate(4); // no-op
            assertEquals(4, s.length(), name);
            var e = assertThrows(IllegalArgumentException.class, () -> s.truncate(5));
            assertTrue(e.getMessage().contains("5") && e.getMessage().contains("4"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.truncate(-1));
            s.truncate(0);
            assertEquals(0, s.length(), name);
        }
    }
}
