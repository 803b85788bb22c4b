package dev.squeeze.llm.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.llm.format.GgufWriter;
import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.quant.WeightTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The row pool's dynamic split: every row runs exactly once, chunk boundaries respect the grain, each taking part
 * thread is started once per dispatch before its chunks, failures come back to the caller, and the products of
 * {@link Projections} are bit-identical whatever the split (here: against one thread, which runs every range whole).
 */
class RowParallelTest {
    /** The split needs 2 threads; the machines the suite runs on have at least 2 cores. */
    static final int THREADS = Math.min(4, Runtime.getRuntime().availableProcessors());

    @Test
    void everyRowRunsExactlyOnceWithBoundariesOnTheGrain() {
        assertTrue(THREADS >= 2, "the split is only exercised with 2 or more cores");
        try (RowParallel pool = new RowParallel(THREADS)) {
            for (int n : new int[] {2, 3, 17, 64, 255, 1000, 5632, 32000}) {
                for (int grain : new int[] {1, 16, 32, 100}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    AtomicIntegerArray starts = new AtomicIntegerArray(THREADS);
                    int g = grain;
                    pool.run(n, 2, grain, new RowParallel.RowTask() {
                        @Override
                        public void start(int worker) {
                            starts.incrementAndGet(worker);
                        }

                        @Override
                        public void run(int worker, int from, int to) {
                            assertEquals(
                                    1, starts.get(worker), "worker " + worker + " started once, before its chunks");
                            if (from % g != 0 || (to % g != 0 && to != n))
                                hits.addAndGet(0, 1_000_000); // off-grain chunk: makes the count check fail
                            for (int r = from; r < to; r++) hits.incrementAndGet(r);
                        }
                    });
                    for (int r = 0; r < n; r++)
                        assertEquals(1, hits.get(r), "row " + r + " of " + n + " at grain " + grain);
                    for (int w = 0; w < THREADS; w++) assertTrue(starts.get(w) <= 1, "worker " + w + " started twice");
                }
            }
        }
    }

    @Test
    void theSplitIsDynamicOverSeveralChunks() {
        assertTrue(THREADS >= 2, "the split is only exercised with 2 or more cores");
        try (RowParallel pool = new RowParallel(THREADS)) {
            AtomicIntegerArray chunks = new AtomicIntegerArray(1);
            pool.run(1024, 2, 1, (worker, from, to) -> chunks.incrementAndGet(0));
            assertEquals(THREADS * RowParallel.CHUNKS_PER_THREAD, chunks.get(0), "1024 rows in chunks of 1024 / (8 T)");
            chunks.set(0, 0);
            pool.run(100, 2, 32, (worker, from, to) -> chunks.incrementAndGet(0));
            assertEquals(4, chunks.get(0), "grain 32 over 100 rows: [0,32) [32,64) [64,96) [96,100)");
        }
    }

    /**
     * Many short dispatches back to back, so that workers often arrive late for one while the caller already starts
     * the next: a late claim must never count against the next dispatch (that hung the caller once). A hang fails
     * the test after a minute.
     */
    @Test
    void backToBackDispatchesNeverMixUp() {
        assertTrue(THREADS >= 2, "the split is only exercised with 2 or more cores");
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            try (RowParallel pool = new RowParallel(THREADS)) {
                long[] sum = new long[1];
                for (int d = 0; d < 1_000_000; d++) {
                    // few chunks, then many: a late claim on the few would pass the check against the many
                    int n = d % 2 == 0 ? 2 : 200 + d % 61;
                    java.util.concurrent.atomic.AtomicLong s = new java.util.concurrent.atomic.AtomicLong();
                    pool.run(n, 2, 1, (worker, from, to) -> {
                        for (int r = from; r < to; r++) s.addAndGet(r);
                    });
                    assertEquals((long) n * (n - 1) / 2, s.get(), "dispatch " + d + " over " + n + " rows");
                    sum[0] += s.get();
                }
                assertTrue(sum[0] > 0);
            }
        });
    }

    @Test
    void aFailureInAnyChunkReachesTheCallerAndThePoolStaysUsable() {
        try (RowParallel pool = new RowParallel(THREADS)) {
            for (int bad : new int[] {0, 500, 999}) {
                IllegalStateException e = assertThrows(
                        IllegalStateException.class,
                        () -> pool.run(1000, 2, 1, (worker, from, to) -> {
                            if (from <= bad && bad < to) throw new IllegalStateException("row " + bad);
                        }));
                assertEquals("row " + bad, e.getMessage());
                AtomicIntegerArray hits = new AtomicIntegerArray(1000);
                pool.run(1000, 2, 1, (worker, from, to) -> {
                    for (int r = from; r < to; r++) hits.incrementAndGet(r);
                });
                for (int r = 0; r < 1000; r++) assertEquals(1, hits.get(r), "row " + r + " after the failure");
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        try (RowParallel pool = new RowParallel(1)) {
            assertThrows(IllegalArgumentException.class, () -> pool.run(10, 2, 0, (w, f, t) -> {}));
        }
        assertThrows(IllegalArgumentException.class, () -> new RowParallel(0));
    }

    /**
     * Integer weights that every format here stores exactly (block scales 1): [-8, 7], each 32-block holding -8 (Q4_0's
     * scale) or 127 (Q8_0's). With integer activations every sum below is an integer under 2^24, exact in floats in any
     * order, so the comparison does not depend on how the Vector API's lane reductions were compiled at the time (their
     * order is unspecified, and interpreted and compiled code differ).
     */
    static WeightTensor tensor(GgmlType t, SplittableRandom r, int rows, int cols) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextInt(-8, 8);
            if (i % 32 == 5) w[i] = t == GgmlType.Q8_0 ? 127 : -8;
        }
        if (t == GgmlType.F32) return WeightTensor.ofFloats(rows, cols, w);
        byte[] bytes = GgufWriter.encode(t, w, 0, w.length);
        MemorySegment seg = Arena.ofAuto().allocate(bytes.length + 64);
        MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return WeightTensor.of(t, seg, 0, rows, cols, "w");
    }

    /**
     * Decode (single, fused of two formats, SwiGLU) and prompt products (T = 3: row dots; T = 40: panels), 1 thread
     * against several.
     */
    @Test
    void productsAreBitIdenticalWhateverTheSplit() {
        assertTrue(THREADS >= 2, "the split is only exercised with 2 or more cores");
        SplittableRandom r = new SplittableRandom(3);
        // Q8_0 at two widths: rows that take x in f32, and rows wide enough (4160) for 8-bit x
        for (int cols : new int[] {512, 4160}) {
            GgmlType[] types = cols > 512
                    ? new GgmlType[] {GgmlType.Q8_0}
                    : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.F32};
            for (GgmlType t : types) {
                WeightTensor a = tensor(t, r, 300, cols), b = tensor(t, r, 64, cols);
                WeightTensor c = tensor(t == GgmlType.Q4_0 ? GgmlType.Q8_0 : GgmlType.Q4_0, r, 96, cols);
                WeightTensor up = tensor(t, r, 300, cols);
                for (int T : new int[] {1, 3, 40}) {
                    float[] x = new float[T * cols]; // 127 once per 32-block: 8-bit quantisation is exact
                    for (int i = 0; i < x.length; i++) x[i] = i % 32 == 9 ? 127 : r.nextInt(-8, 8);
                    float[][] one = products(1, a, b, c, up, x, T), many = products(THREADS, a, b, c, up, x, T);
                    for (int o = 0; o < one.length; o++) {
                        for (int i = 0; i < one[o].length; i++) {
                            assertEquals(
                                    Float.floatToRawIntBits(one[o][i]),
                                    Float.floatToRawIntBits(many[o][i]),
                                    t + " cols " + cols + " T=" + T + " output " + o + " element " + i);
                        }
                    }
                }
            }
        }
    }

    private static float[][] products(
            int threads, WeightTensor a, WeightTensor b, WeightTensor c, WeightTensor up, float[] x, int T) {
        try (RowParallel pool = new RowParallel(threads)) {
            Projections p = new Projections(pool, a.cols());
            float[] oa = new float[T * a.rows()], ob = new float[T * b.rows()], oc = new float[T * c.rows()];
            float[] other = new float[x.length]; // a product with another x first: no worker may reuse its preparation
            for (int i = 0; i < x.length; i++) other[i] = i % 32 == 9 ? -127 : x[(i + 7) % x.length] % 5;
            p.products(a, oa, b, ob, c, oc, other, T);
            p.products(a, oa, b, ob, c, oc, x, T);
            float[] single = new float[T * a.rows()];
            p.product(a, x, T, single);
            if (T > 1) return new float[][] {oa, ob, oc, single};
            float[] h = new float[a.rows()], h2 = new float[a.rows()];
            p.swiGlu(a, up, x, 1, h, h2);
            return new float[][] {oa, ob, oc, single, h};
        }
    }
}
