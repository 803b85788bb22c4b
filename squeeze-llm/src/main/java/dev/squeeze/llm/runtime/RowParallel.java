package dev.squeeze.llm.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed pool that splits a row range over {@code threads} (the caller plus threads - 1 daemon
 * workers). Dispatch allocates nothing: the task object is the caller's, reused across calls. A decode step is
 * about a hundred dispatches of 20-800 us each, so an idle worker spins for {@link #SPIN_NANOS} before it parks
 * (waking a parked thread costs tens to hundreds of microseconds on a virtual machine, as much as a whole small
 * product), and the caller wakes only workers that parked. One dispatch at a time (calls are serialised).
 */
public final class RowParallel implements AutoCloseable {

    /** Work on rows [from, to) as worker {@code worker} (0 = caller). */
    @FunctionalInterface
    public interface RowTask {
        void run(int worker, int from, int to);
    }

    /** How long an idle worker spins before parking: longer than the gaps between a decode step's products. */
    static final long SPIN_NANOS = 2_000_000;

    private final int threads;
    private final Thread[] workers;
    private final java.util.concurrent.atomic.AtomicIntegerArray parked; // 1 while worker i + 1 is parked
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private RowTask task;
    private volatile Throwable failure;
    private int rows;

    public RowParallel(int threads) {
        int cores = Runtime.getRuntime().availableProcessors();
        // workers spin while they wait: beyond the cores they only slow each product down (100,000 would never start)
        if (threads < 1 || threads > cores) {
            throw new IllegalArgumentException(
                    "threads must be in [1, " + cores + "] (the cores this JVM sees), got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.parked = new java.util.concurrent.atomic.AtomicIntegerArray(Math.max(1, threads - 1));
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

    /** Runs task over [0, n); serially when n < minRowsToSplit or when only one thread. */
    public synchronized void run(int n, int minRowsToSplit, RowTask t) {
        if (closed) throw new IllegalStateException("row pool is closed");
        if (threads == 1 || n < minRowsToSplit || n < threads) {
            t.run(0, 0, n);
            return;
        }
        this.task = t;
        this.rows = n;
        pending.set(threads - 1);
        generation = generation + 1;
        for (int i = 0; i < workers.length; i++) if (parked.get(i) == 1) LockSupport.unpark(workers[i]);
        t.run(0, start(0, n), start(1, n));
        int spins = 0;
        while (pending.get() != 0) {
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

    private int start(int worker, int n) {
        return (int) ((long) n * worker / threads);
    }

    private void loop(int id) {
        long seen = 0;
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
            RowTask t = task;
            int n = rows;
            try {
                t.run(id, start(id, n), start(id + 1, n));
            } catch (Throwable e) {
                failure = e;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
