package dev.squeeze.core;

import org.jspecify.annotations.Nullable;

/**
 * Argument checks that fail with a message naming the argument and the offending value.
 * Nothing in Squeeze clamps a bad argument silently; it comes through here instead.
 */
public final class Args {
    private Args() {}

    public static int positive(String name, int value) {
        if (value <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + value);
        return value;
    }

    public static int nonNegative(String name, int value) {
        if (value < 0) throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        return value;
    }

    public static int inRange(String name, int value, int minInclusive, int maxInclusive) {
        if (value < minInclusive || value > maxInclusive) {
            throw new IllegalArgumentException(
                    name + " must be in [" + minInclusive + ", " + maxInclusive + "], got " + value);
        }
        return value;
    }

    public static double finite(String name, double value) {
        if (!Double.isFinite(value)) throw new IllegalArgumentException(name + " must be finite, got " + value);
        return value;
    }

    /** Checks every entry of {@code values[off, off+n)} is finite; names the first bad index. */
    public static void allFinite(String name, float[] values, int off, int n) {
        for (int i = 0; i < n; i++) {
            float v = values[off + i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(name + " has a non-finite value " + v + " at index " + i);
            }
        }
    }

    public static void allFinite(String name, float[] values) {
        allFinite(name, values, 0, values.length);
    }

    public static <T> T notNull(String name, @Nullable T value) {
        if (value == null) throw new IllegalArgumentException(name + " must not be null");
        return value;
    }

    public static void check(boolean condition, String message) {
        if (!condition) throw new IllegalArgumentException(message);
    }
}
