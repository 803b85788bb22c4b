package dev.squeeze.eval.llm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's read bandwidth from memory, the bound of batch-1 decoding: {@code threads} threads sum disjoint
 * parts of a buffer far larger than the last-level cache with vector loads; the best of {@code rounds} passes
 * (the least disturbed) in GB/s (10^9 bytes).
 */
public final class StreamBandwidth {
    private StreamBandwidth() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    public static double readGBps(long bytes, int threads, int rounds) throws InterruptedException {
        long step = 4L * F.vectorByteSize();
        long n = bytes / (step * threads) * step * threads;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(n, 64);
            seg.fill((byte) 1); // touch every page before timing
            double best = 0;
            float[] sink = new float[threads];
            for (int r = 0; r < rounds; r++) {
                Thread[] ts = new Thread[threads - 1];
                long part = n / threads;
                long t0 = System.nanoTime();
                for (int i = 1; i < threads; i++) {
                    int id = i;
                    MemorySegment shared = seg;
                    ts[i - 1] = Thread.ofPlatform().start(() -> sink[id] = sum(shared, id * part, (id + 1) * part));
                }
                sink[0] = sum(seg, 0, part);
                for (Thread t : ts) t.join();
                long ns = System.nanoTime() - t0;
                best = Math.max(best, n / (double) ns);
            }
            if (Float.isNaN(sink[0])) throw new IllegalStateException("unreachable: keeps the sums alive");
            return best;
        }
    }

    private static float sum(MemorySegment s, long from, long to) {
        int vb = F.vectorByteSize();
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (long o = from; o < to; o += 4L * vb) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, s, o, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(F, s, o + vb, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(F, s, o + 2L * vb, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(F, s, o + 3L * vb, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
}
