package dev.squeeze.core.select;

/**
 * How many tokens to keep: a ratio of N (in (0, 1]) or an absolute count. Resolving against N
 * rejects counts larger than N or below 1 instead of clamping them.
 */
public sealed interface Budget {

    /** Resolves to a count K with 1 <= K <= n. */
    int resolve(int n);

    static Budget ratio(double keep) { return new Ratio(keep); }

    static Budget count(int keep) { return new Count(keep); }

    /** Keep {@code round(keep * N)} tokens (at least one). */
    record Ratio(double keep) implements Budget {
        public Ratio {
            if (!(keep > 0.0 && keep <= 1.0)) {
                throw new IllegalArgumentException("keep ratio must be in (0, 1], got " + keep);
            }
        }

        @Override
        public int resolve(int n) {
            if (n <= 0) throw new IllegalArgumentException("cannot take a budget of an empty token set (N = " + n + ")");
            return (int) Math.max(1, Math.round(keep * n));
        }
    }

    /** Keep exactly {@code keep} tokens. */
    record Count(int keep) implements Budget {
        public Count {
            if (keep <= 0) throw new IllegalArgumentException("keep count K must be > 0, got " + keep);
        }

        @Override
        public int resolve(int n) {
            if (keep > n) throw new IllegalArgumentException("keep count K = " + keep + " exceeds the N = " + n + " tokens available");
            return keep;
        }
    }
}
