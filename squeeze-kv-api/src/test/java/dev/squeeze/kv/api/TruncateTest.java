package dev.squeeze.kv.api;

import dev.squeeze.core.tensor.FloatMatrix;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link HeadKvStore#truncate} (rollback of speculative draft entries): the dense store's O(1) override and the
 * interface's default (through {@code replace}) keep the same prefix and append after it.
 */
class TruncateTest {

    static void fill(HeadKvStore s, int n) {
        float[] k = new float[s.headDim()], v = new float[s.headDim()];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < k.length; d++) { k[d] = i + 0.25f * d; v[d] = -i - 0.5f * d; }
            s.append(k, 0, v, 0, 10 + i);
        }
    }

    /** A store that keeps the interface's default truncate (a dense store underneath, every other call delegated). */
    static HeadKvStore general(DenseKvStore s) {
        return new HeadKvStore() {
            @Override public int headDim() { return s.headDim(); }
            @Override public int length() { return s.length(); }
            @Override public int capacity() { return s.capacity(); }
            @Override public void append(float[] key, int keyOff, float[] value, int valueOff, float position) { s.append(key, keyOff, value, valueOff, position); }
            @Override public float position(int slot) { return s.position(slot); }
            @Override public void scores(float[] q, int qOff, int count, float[] out, int outOff) { s.scores(q, qOff, count, out, outOff); }
            @Override public void weightedValues(float[] w, int wOff, int count, float[] out, int outOff) { s.weightedValues(w, wOff, count, out, outOff); }
            @Override public long bytes() { return s.bytes(); }
            @Override public FloatMatrix keys() { return s.keys(); }
            @Override public FloatMatrix values() { return s.values(); }
            @Override public float[] positions() { return s.positions(); }
            @Override public void replace(FloatMatrix k, FloatMatrix v, float[] p) { s.replace(k, v, p); }
            @Override public void clear() { s.clear(); }
        };
    }

    @Test
    void keepsThePrefixAndAppendsAfterIt() {
        for (HeadKvStore s : new HeadKvStore[] {new DenseKvStore(4, 16), general(new DenseKvStore(4, 16))}) {
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
