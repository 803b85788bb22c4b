package dev.squeeze.server;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The heap that compressions in flight may hold together. Each request leases an estimate made from its body
 * before it is queued: {@value #BYTES_PER_BODY_BYTE} bytes per body byte. Measured for the default method
 * (lexical) as the smallest -Xmx (SerialGC) that compresses prose of 2 MB (64 MB) and 8 MB (256 MB; 192 MB fails):
 * 21 to 35 bytes of heap per input byte at the margin (docs/RELIABILITY.md); 40 leaves room for text stored two
 * bytes per character and the request's JSON tree. Methods backed by a model hold their model once, outside this
 * budget.
 */
final class MemoryBudget {
    static final int BYTES_PER_BODY_BYTE = 40;
    private final long bytes;
    private final Semaphore kib; // permits in KiB, so budgets up to 2 TiB fit an int

    MemoryBudget(long bytes) {
        this.bytes = bytes;
        this.kib = new Semaphore((int) Math.min(Integer.MAX_VALUE, bytes >> 10));
    }

    /** Bytes a request with a body of {@code bodyBytes} is expected to hold while it is compressed. */
    static long estimate(long bodyBytes) {
        return Math.max(1, bodyBytes) * BYTES_PER_BODY_BYTE;
    }

    /**
     * A lease for a request of {@code bodyBytes}, or null while the compressions in flight hold too much of the
     * budget (the caller answers 429); a 413 when the estimate alone exceeds the whole budget.
     */
    Lease lease(long bodyBytes) {
        long need = estimate(bodyBytes);
        if (need > bytes) {
            throw new ApiException(
                    413,
                    "insufficient_memory",
                    "compressing a body of " + bodyBytes + " bytes needs about "
                            + mib(need) + " MiB of heap (" + BYTES_PER_BODY_BYTE
                            + " bytes per body byte); this server's budget for "
                            + "compressions in flight is " + mib(bytes) + " MiB (--memory-budget-mb): send less text");
        }
        int permits = (int) Math.max(1, Math.min(Integer.MAX_VALUE, need >> 10));
        return kib.tryAcquire(permits) ? new Lease(permits) : null;
    }

    private static long mib(long b) {
        return Math.max(1, (b + (1 << 20) - 1) >> 20);
    }

    /** Held while a request is queued or compressed; returning it twice is harmless. */
    final class Lease implements AutoCloseable {
        private final int permits;
        private final AtomicBoolean returned = new AtomicBoolean();

        private Lease(int permits) {
            this.permits = permits;
        }

        @Override
        public void close() {
            if (returned.compareAndSet(false, true)) kib.release(permits);
        }
    }
}
