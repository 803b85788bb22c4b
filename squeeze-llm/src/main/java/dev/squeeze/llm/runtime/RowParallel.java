package dev.squeeze.llm.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed pool that runs a row range on {@code threads} threads (the caller plus threads - 1 daemon workers).
 * The range is cut into chunks that the threads claim one at a time from a shared counter (dynamic split, as
 * llama.cpp hands out its chunks): a thread that is slowed down (a core shared with another process, a JIT compiler
 * thread) takes fewer chunks instead of holding the others at the end of each product. Each row's result must not
 * depend on the chunk it runs in; the outputs are then identical for every split.
 *
 * <p>Dispatch allocates nothing: the task object is the caller's, reused across calls. A decode step is about a
 * hundred dispatches of 20-800 us each, so an idle worker spins for {@link #SPIN_NANOS} before it parks (waking a
 * parked thread costs tens to hundreds of microseconds on a virtual machine, as much as a whole small product), and
 * the caller wakes only workers that parked. One dispatch at a time (calls are serialised).
 */
public final class RowParallel implements AutoCloseable {

    /** Work on rows [from, to) as worker {@code worker} (0 = caller); called once per chunk the worker claims. */
    @FunctionalInterface
    public interface RowTask {
        void run(int worker, int from, int to);

        /**
         * Called once per dispatch by each thread that takes part, before its first chunk: per-worker preparation
         * of shared inputs (e.g. an activation reordered for the row dots) belongs here or is keyed on it, not on
         * the chunks.
         */
        default void start(int worker) {}
    }

    /** How long an idle worker spins before parking: longer than the gaps between a decode step's products. */
    static final long SPIN_NANOS = 2_000_000;
    /** Chunks per thread a range is cut into (fewer when the grain is coarse): enough to even out a slow thread. */
    static final int CHUNKS_PER_THREAD = 8;

    private final int threads;
    private final Thread[] workers;
    private final AtomicIntegerArray parked; // 1 while worker i + 1 is parked
    /** (dispatch generation << 32) | next chunk to claim: a worker late for one dispatch cannot claim the next's. */
    private final AtomicLong claims = new AtomicLong();
    /** Chunks of the current dispatch finished (failed ones included). */
    private final AtomicInteger done = new AtomicInteger();

    private volatile int generation;
    private volatile boolean closed;
    private RowTask task;
    private volatile Throwable failure;
    private int rows;
    private int chunk;
    private int chunks;

    public RowParallel(int threads) {
        int cores = Runtime.getRuntime().availableProcessors();
        // workers spin while they wait: beyond the cores they only slow each product down (100,000 would never start)
        if (threads < 1 || threads > cores) {
            throw new IllegalArgumentException(
                    "threads must be in [1, " + cores + "] (the cores this JVM sees), got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.parked = new AtomicIntegerArray(Math.max(1, threads - 1));
        for (int i = 0; i < workers.length; i++) {
            int id = i + 1;
            Thread t = new Thread(() -> loop(id), "squeeze-llm-row-" + id);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs task over [0, n) in chunks of any size; serially when n < minRowsToSplit or when only one thread. */
    public void run(int n, int minRowsToSplit, RowTask t) {
        run(n, minRowsToSplit, 1, t);
    }

    /**
     * Runs task over [0, n), every chunk boundary a multiple of {@code grain} (e.g. the weight rows of one prompt
     * panel); serially, as one call {@code start(0)}, {@code run(0, 0, n)}, when n < minRowsToSplit or when only one
     * thread. A failure in any chunk is rethrown here after every chunk has finished (the first one seen).
     */
    public synchronized void run(int n, int minRowsToSplit, int grain, RowTask t) {
        if (closed) throw new IllegalStateException("row pool is closed");
        if (grain < 1) throw new IllegalArgumentException("grain must be >= 1, got " + grain);
        if (threads == 1 || n < minRowsToSplit || n < threads) {
            t.start(0);
            t.run(0, 0, n);
            return;
        }
        int gen = generation + 1;
        // first end the previous dispatch for good: a worker late for it may still be about to claim (it read the
        // counter before the last chunk was taken), and must not pair that claim with this dispatch's chunk count
        claims.set(((long) gen << 32) | Integer.MAX_VALUE);
        int target = (n + threads * CHUNKS_PER_THREAD - 1) / (threads * CHUNKS_PER_THREAD);
        this.chunk = (Math.max(target, 1) + grain - 1) / grain * grain;
        this.chunks = (n + chunk - 1) / chunk;
        this.task = t;
        this.rows = n;
        done.set(0);
        claims.set((long) gen << 32); // publishes task, rows, chunk and chunks to every claim of this dispatch
        generation = gen;
        for (int i = 0; i < workers.length; i++) if (parked.get(i) == 1) LockSupport.unpark(workers[i]);
        work(0, gen);
        int spins = 0;
        while (done.get() != chunks) {
            if (++spins < 20_000) Thread.onSpinWait();
            else Thread.yield();
        }
        this.task = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error e) throw e;
            throw new IllegalStateException(f);
        }
    }

    /** Claims and runs chunks of dispatch {@code gen} until none is left. */
    private void work(int worker, int gen) {
        boolean started = false;
        while (true) {
            long c = claims.get();
            if ((int) (c >>> 32) != gen) return; // that dispatch is over (a worker that woke late)
            int i = (int) c;
            if (i >= chunks) return;
            if (!claims.compareAndSet(c, c + 1)) continue;
            // the claim of a chunk of dispatch gen orders the reads below after the caller's writes of that dispatch,
            // and the caller does not start another before this chunk is counted done
            RowTask t = task;
            int from = i * chunk, to = Math.min(rows, from + chunk);
            try {
                if (!started) {
                    started = true;
                    t.start(worker);
                }
                t.run(worker, from, to);
            } catch (Throwable e) {
                if (failure == null) failure = e;
            } finally {
                done.incrementAndGet();
            }
        }
    }

    private void loop(int id) {
        int seen = 0;
        while (!closed) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (generation == seen && !closed) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    parked.set(id - 1, 1);
                    if (generation == seen && !closed) LockSupport.parkNanos(1_000_000);
                    parked.set(id - 1, 0);
                }
            }
            if (closed) return;
            seen = generation;
            work(id, seen);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
