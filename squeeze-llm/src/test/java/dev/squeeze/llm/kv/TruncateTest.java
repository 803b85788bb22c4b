package dev.squeeze.llm.kv;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** {@link HeadKvStore#truncate}: the dense store's O(1) rollback and the default through replace agree. */
class TruncateTest {

    static void fill(HeadKvStore s, int n) {
        float[] k = new float[s.headDim()], v = new float[s.headDim()];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < k.length; d++) { k[d] = i + 0.25f * d; v[d] = -i - 0.5f * d; }
            s.append(k, 0, v, 0, 10 + i);
        }
    }

    @Test
    void keepsThePrefixAndAppendsAfterIt() {
        for (HeadKvStore s : new HeadKvStore[] {new DenseKvStore(4, 16), new HalfStoreTest.HalfKvStore(4, 16)}) {
            fill(s, 7);
            s.truncate(3);
            assertEquals(3, s.length(), s.getClass().getSimpleName());
            assertArrayEquals(new float[] {10, 11, 12}, s.positions());
            assertEquals(2f, s.keys().data()[2 * 4], "key of slot 2 kept");
            s.append(new float[] {9, 9, 9, 9}, 0, new float[] {8, 8, 8, 8}, 0, 42);
            assertEquals(4, s.length());
            assertEquals(42f, s.position(3));
            assertEquals(9f, s.keys().data()[3 * 4]);
            assertEquals(8f, s.values().data()[3 * 4 + 1]);
            s.truncate(4); // no-op
            assertEquals(4, s.length());
            var e = assertThrows(IllegalArgumentException.class, () -> s.truncate(5));
            assertTrue(e.getMessage().contains("5") && e.getMessage().contains("4"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.truncate(-1));
        }
    }
}
