package dev.squeeze.kv.api;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenTransform;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DenseKvStoreTest {
    private static DenseKvStore filled(int n, int hd, long seed) {
        DenseKvStore s = new DenseKvStore(hd, 4096);
        SplittableRandom r = new SplittableRandom(seed);
        float[] k = new float[hd], v = new float[hd];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < hd; c++) {
                k[c] = (float) r.nextGaussian();
                v[c] = (float) r.nextGaussian();
            }
            s.append(k, 0, v, 0, 3 * i + 0.5f);
        }
        return s;
    }

    /** The reference: the interface's general path (copy out, apply, replace), on an identical store. */
    private static void reference(HeadKvStore s, TokenTransform t) {
        DefaultPathStore.over(s).transform(t, PositionMode.REPRESENTATIVE);
    }

    private static void assertSameStore(HeadKvStore a, HeadKvStore b) {
        assertEquals(a.length(), b.length());
        assertArrayEquals(a.keys().data(), b.keys().data(), 0f);
        assertArrayEquals(a.values().data(), b.values().data(), 0f);
        assertArrayEquals(a.positions(), b.positions(), 0f);
    }

    @Test
    void evictionCompactsInPlaceExactlyAsTheGeneralPath() {
        int[][] selections = {{0, 1, 2, 5, 9, 10}, {3, 4, 5, 6, 7, 8, 9, 10, 11}, {11}, {0, 2, 4, 6, 8, 10}, {7, 1, 4}};
        for (int[] kept : selections) {
            TokenTransform t = TokenTransform.select(12, kept);
            DenseKvStore fast = filled(12, 8, 7), slow = filled(12, 8, 7);
            fast.transform(t, PositionMode.REPRESENTATIVE);
            reference(slow, t);
            assertSameStore(slow, fast);
            // later appends land after the kept entries
            fast.append(new float[8], 0, new float[8], 0, 99f);
            assertEquals(kept.length + 1, fast.length());
            assertEquals(99f, fast.position(kept.length));
        }
        // a merge takes the general path: size-weighted mean rows
        DenseKvStore m = filled(4, 2, 3), ref = filled(4, 2, 3);
        TokenTransform merge = TokenTransform.merge(4, new int[][] {{0, 1}, {2, 3}}, null);
        m.transform(merge, PositionMode.WEIGHTED);
        ref.transform(merge, PositionMode.WEIGHTED);
        assertSameStore(ref, m);
        assertEquals(2, m.length());
        assertEquals((0.5f + 3.5f) / 2, m.position(0), 1e-6f);
    }

    @Test
    void evictingAtEveryStepCopiesAndAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        DenseKvStore s = filled(4000, 64, 11);
        int[] kept = new int[3000];
        for (int i = 0; i < kept.length; i++) kept[i] = i < 4 ? i : i + 1000; // sinks + a recent window
        TokenTransform t = TokenTransform.select(4000, kept);
        float[] k = new float[64], v = new float[64];
        for (int rep = 0; rep < 200; rep++) { // warm up: evict back to 3000, refill to 4000
            s.transform(t, PositionMode.REPRESENTATIVE);
            for (int i = 0; i < 1000; i++) s.append(k, 0, v, 0, i);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        s.transform(t, PositionMode.REPRESENTATIVE); // copying out would allocate 2 x 3000 x 64 floats (1.5 MB)
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(3000, s.length());
        assertTrue(allocated <= 256, "allocated " + allocated + " bytes to evict 1000 of 4000 entries");
    }
}
