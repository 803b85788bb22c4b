package dev.squeeze.encoder.runtime;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A fixed pool that runs the indices [0, n) of a task on {@code threads} threads (the caller plus threads - 1 daemon
 * workers), each thread claiming the next index from a shared counter, so uneven tasks (sequences of different
 * lengths) balance themselves. Every index runs exactly once, with a worker number in [0, threads) that no other
 * thread uses during the call (per-worker scratch). Calls are serialised.
 */
public final class WorkerPool implements AutoCloseable {
    /** Work on one index as worker {@code worker}. */
    @FunctionalInterface
    public interface Task {
        void run(int worker, int index);
    }

    private final int threads;
    private final @Nullable ExecutorService workers;

    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        AtomicInteger id = new AtomicInteger();
        this.workers = threads == 1
                ? null
                : Executors.newFixedThreadPool(threads - 1, r -> {
                    Thread t = new Thread(r, "squeeze-encoder-" + id.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    public int threads() {
        return threads;
    }

    public synchronized void forEach(int n, Task task) {
        if (n <= 0) return;
        if (workers == null || n == 1) {
            for (int i = 0; i < n; i++) task.run(0, i);
            return;
        }
        int helpers = Math.min(threads - 1, n - 1);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(helpers);
        for (int w = 1; w <= helpers; w++) {
            int worker = w;
            workers.execute(() -> {
                try {
                    drain(worker, n, next, task, failure);
                } finally {
                    done.countDown();
                }
            });
        }
        drain(0, n, next, task, failure);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for encoder workers", e);
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException) throw (RuntimeException) f;
        if (f instanceof Error) throw (Error) f;
        if (f != null) throw new IllegalStateException(f);
    }

    private static void drain(int worker, int n, AtomicInteger next, Task task, AtomicReference<Throwable> failure) {
        int i;
        while (failure.get() == null && (i = next.getAndIncrement()) < n) {
            try {
                task.run(worker, i);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }
    }

    @Override
    public void close() {
        if (workers != null) workers.shutdownNow();
    }
}
