package dev.squeeze.kv.internal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** A sized store's rollback keeps the kept entries' sizes (the interface's default would reset them to 1). */
class SizedKvStoreTest {

    @Test
    void truncateKeepsSizes() {
        SizedKvStore s = new SizedKvStore(2, 8);
        for (int i = 0; i < 4; i++) s.append(new float[] {i, 1}, 0, new float[] {1, i}, 0, i);
        s.setSizes(new float[] {3, 1, 2, 5});
        s.truncate(2);
        assertArrayEquals(new float[] {3, 1}, s.sizes());
        s.append(new float[] {7, 7}, 0, new float[] {7, 7}, 0, 9);
        assertArrayEquals(new float[] {3, 1, 1}, s.sizes(), "an entry appended after the rollback is a plain token");
        // proportional attention still reads the kept sizes: q.k + sqrt(2) ln 3 for slot 0
        float[] out = new float[3];
        s.scores(new float[] {1, 0}, 0, 3, out, 0);
        assertEquals(0 + (float) (Math.sqrt(2) * Math.log(3)), out[0], 1e-6f);
        assertEquals(1f, out[1], 1e-6f);
        assertEquals(7f, out[2], 1e-6f);
    }
}
