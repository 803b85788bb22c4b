package dev.squeeze.llm.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks buffers whose sizes come from a model's metadata against the heap before they are allocated, so a small
 * crafted file (a 445 KB GGUF claiming 2^24 positions, 200,000-wide heads or a 200,000-wide FFN) fails with a
 * message naming the field, its value and the bytes it implies, instead of an OutOfMemoryError. The budget is
 * {@link #limit()}: 3/4 of the heap limit (-Xmx), which one session's metadata-sized buffers plus what one prefill
 * adds must fit. Sizes are multiplied in long arithmetic, saturating at Long.MAX_VALUE, so no product overflows.
 * Not a reservation: several sessions (or other heap users) in one JVM share the real heap.
 */
public final class HeapBudget {
    private record Part(String label, long bytes) {}

    private final String what;
    private final List<Part> parts = new ArrayList<>();
    private long bytes;

    private HeapBudget(String what) {
        this.what = what;
    }

    /** A budget check for {@code what} ("a session of model.gguf"). */
    public static HeapBudget of(String what) {
        return new HeapBudget(what);
    }

    /** Bytes one session's metadata-sized buffers may take: 3/4 of Runtime.maxMemory(). */
    public static long limit() {
        return Runtime.getRuntime().maxMemory() / 4 * 3;
    }

    /** The product of {@code factors}, saturating at Long.MAX_VALUE (factors are sizes, never negative). */
    public static long product(long... factors) {
        long p = 1;
        for (long f : factors) {
            if (f <= 0) return 0;
            p = p > Long.MAX_VALUE / f ? Long.MAX_VALUE : p * f;
        }
        return p;
    }

    /** Adds a buffer of product(factors) bytes (the element size is one factor), described by {@code label}. */
    public HeapBudget add(String label, long... factors) {
        long b = product(factors);
        bytes = Long.MAX_VALUE - bytes < b ? Long.MAX_VALUE : bytes + b;
        parts.add(new Part(label, b));
        return this;
    }

    public long bytes() {
        return bytes;
    }

    /** Returns the total, or throws naming every part (largest first) when it exceeds {@link #limit()}. */
    public long require() {
        long limit = limit();
        if (bytes <= limit) return bytes;
        List<Part> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparingLong(Part::bytes).reversed());
        StringBuilder sb = new StringBuilder();
        for (Part p : sorted)
            sb.append(sb.length() == 0 ? "" : "; ")
                    .append(p.label())
                    .append(" = ")
                    .append(p.bytes())
                    .append(" bytes");
        throw new IllegalArgumentException(
                what + " needs " + bytes + " bytes of buffers sized from the model's metadata, more than the " + limit
                        + " bytes allowed (3/4 of this JVM's "
                        + (Runtime.getRuntime().maxMemory() >> 20) + " MiB heap; -Xmx raises it): " + sb);
    }
}
