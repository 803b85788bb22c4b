package dev.squeeze.text;

import java.util.Map;

/** Parsing of the {@code --option key=value} settings that several methods' factories share; errors name method, key and value. */
public final class MethodOptions {
    private MethodOptions() {}

    /** {@code threads=N} (N >= 1), by default the available processors. */
    public static int threads(String method, Map<String, String> options) {
        return positiveInt(method, options, "threads", Runtime.getRuntime().availableProcessors());
    }

    /** A positive integer option, {@code fallback} when absent. */
    public static int positiveInt(String method, Map<String, String> options, String key, int fallback) {
        String v = options.get(key);
        if (v == null) return fallback;
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1)
            throw new IllegalArgumentException(
                    method + ": option " + key + " must be a positive integer, got '" + v + "'");
        return n;
    }

    /** A finite non-negative number option, {@code fallback} when absent. */
    public static double nonNegative(String method, Map<String, String> options, String key, double fallback) {
        String v = options.get(key);
        if (v == null) return fallback;
        double x;
        try {
            x = Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            x = Double.NaN;
        }
        if (!(x >= 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException(
                    method + ": option " + key + " must be a finite number >= 0, got '" + v + "'");
        }
        return x;
    }
}
