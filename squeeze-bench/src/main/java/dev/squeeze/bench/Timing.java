package dev.squeeze.bench;

import java.util.Arrays;
import java.util.function.Supplier;

/** Median-of-repetitions timing for benchmark rows (never for unit tests). */
final class Timing {
    private Timing() {}

    /** Sink that keeps results alive so the JIT cannot drop the timed work. */
    private static volatile Object sink;

    /** Runs {@code warmup} untimed then {@code reps} timed calls; returns the median in nanoseconds. */
    public static long medianNanos(Supplier<?> work, int warmup, int reps) {
        if (reps <= 0) throw new IllegalArgumentException("reps must be > 0, got " + reps);
        for (int i = 0; i < warmup; i++) sink = work.get();
        long[] t = new long[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            sink = work.get();
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    public static double millis(long nanos) {
        return nanos / 1e6;
    }
}
