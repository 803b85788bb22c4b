package dev.squeeze.text;

import java.util.concurrent.CancellationException;

/**
 * Cooperative cancellation of a compression: methods call {@link #check} at their loop boundaries (between rate
 * control rounds, segments, JSON values, every few thousand words), and a caller that wants a compression to stop
 * (a server past its per-request deadline) interrupts the thread running it. The interrupt status is left set.
 */
public final class Cancellation {
    private Cancellation() {}

    /** Throws a {@link CancellationException} naming {@code where} when the current thread was interrupted. */
    public static void check(String where) {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("compression interrupted " + where);
        }
    }
}
