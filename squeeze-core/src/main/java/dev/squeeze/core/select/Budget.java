package dev.squeeze.core.select;

/**
 * How many tokens to keep: a ratio of N (in (0, 1]) or an absolute count (> 0). The one budget type of Squeeze:
 * visual-token reducers, KV presses ({@code keep=}, {@code ratio=}, {@code budget=}), prompt compression
 * ({@code rate}, {@code targetTokens}), the HTTP service and the CLI all hold one.
 *
 * <p>Families resolve a budget against N differently, and each keeps its own rule, so the three resolutions are
 * named rather than one being bent to fit the others:
 * <ul>
 *   <li>{@link #resolve}: round(keep x N), at least 1; a count above N is an error (token sets: a reducer
 *       cannot keep tokens that do not exist);</li>
 *   <li>{@link #resolveFloorCapped}: floor(keep x N), at least 1 (0 when N = 0); a count is capped at N (a KV
 *       head holding fewer entries than the budget keeps them all);</li>
 *   <li>{@link #resolveRoundedUncapped}: round(keep x N), at least 1; a count as given, also above N (prompt
 *       compression: a target size in tokens; a text already shorter is kept whole).</li>
 * </ul>
 * Nothing is clamped at construction: a ratio outside (0, 1] or a count below 1 is rejected.
 */
public sealed interface Budget permits Budget.Ratio, Budget.Count {

    /** Resolves to a count K with 1 <= K <= n: round(keep x n) for a ratio; a count larger than n is rejected. */
    int resolve(int n);

    /** floor(keep x n) (at least 1, and 0 for n <= 0) for a ratio; min(count, n) for a count. */
    int resolveFloorCapped(int n);

    /** round(keep x n) (at least 1) for a ratio; the count itself for a count, even when it exceeds n. */
    int resolveRoundedUncapped(int n);

    static Budget ratio(double keep) {
        return new Ratio(keep);
    }

    static Budget count(int keep) {
        return new Count(keep);
    }

    /** Keep a fraction {@code keep} in (0, 1] of the tokens. */
    record Ratio(double keep) implements Budget {
        public Ratio {
            if (!(keep > 0.0 && keep <= 1.0)) {
                throw new IllegalArgumentException("keep ratio must be in (0, 1], got " + keep);
            }
        }

        @Override
        public int resolve(int n) {
            if (n <= 0)
                throw new IllegalArgumentException("cannot take a budget of an empty token set (N = " + n + ")");
            return (int) Math.max(1, Math.round(keep * n));
        }

        @Override
        public int resolveFloorCapped(int n) {
            if (n <= 0) return 0;
            return (int) Math.max(1, Math.floor(keep * n + 1e-9)); // 1e-9: 0.3 x 10 is 3, not 2.9999999999999996
        }

        @Override
        public int resolveRoundedUncapped(int n) {
            return Math.max(1, (int) Math.round(keep * n));
        }
    }

    /** Keep exactly {@code keep} tokens. */
    record Count(int keep) implements Budget {
        public Count {
            if (keep <= 0) throw new IllegalArgumentException("keep count K must be > 0, got " + keep);
        }

        @Override
        public int resolve(int n) {
            if (keep > n)
                throw new IllegalArgumentException(
                        "keep count K = " + keep + " exceeds the N = " + n + " tokens available");
            return keep;
        }

        @Override
        public int resolveFloorCapped(int n) {
            return n <= 0 ? 0 : Math.min(keep, n);
        }

        @Override
        public int resolveRoundedUncapped(int n) {
            return keep;
        }
    }
}
