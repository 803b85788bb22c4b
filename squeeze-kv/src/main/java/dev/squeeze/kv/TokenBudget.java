package dev.squeeze.kv;

import dev.squeeze.llm.model.LlamaConfig;

/**
 * How many entries a KV head keeps: a fraction of the entries it holds ({@code keep} in (0, 1], or its
 * complement {@code ratio} in [0, 1) as kvpress calls it) or a fixed count ({@code budget}, at most the
 * model's seq_len).
 *
 * @param keep   fraction kept, or NaN when a fixed count is used
 * @param tokens fixed count, or 0 when a fraction is used
 */
public record TokenBudget(double keep, int tokens) {
    public TokenBudget {
        if (tokens < 0) throw new IllegalArgumentException("budget must be >= 1 tokens, got " + tokens);
        if (tokens == 0 && !(keep > 0 && keep <= 1)) throw new IllegalArgumentException("keep must be in (0, 1], got " + keep);
    }

    public static TokenBudget fraction(double keep) { return new TokenBudget(keep, 0); }

    public static TokenBudget fixed(int tokens) {
        if (tokens < 1) throw new IllegalArgumentException("budget must be >= 1 tokens, got " + tokens);
        return new TokenBudget(Double.NaN, tokens);
    }

    public boolean isFixed() { return tokens > 0; }

    /** Entries to keep out of n: floor(keep * n) (at least 1), or min(tokens, n). */
    public int target(int n) {
        if (n <= 0) return 0;
        if (isFixed()) return Math.min(tokens, n);
        return (int) Math.max(1, Math.floor(keep * n + 1e-9));
    }

    /**
     * Reads exactly one of {@code keep}, {@code ratio}, {@code budget}.
     *
     * @param required when false and none is given, returns null
     */
    public static TokenBudget from(PressParams p, LlamaConfig config, boolean required) {
        int given = (p.has("keep") ? 1 : 0) + (p.has("ratio") ? 1 : 0) + (p.has("budget") ? 1 : 0);
        if (given > 1) {
            throw new IllegalArgumentException("press '" + p.press() + "': give only one of keep, ratio, budget");
        }
        if (given == 0) {
            if (required) throw new IllegalArgumentException("press '" + p.press() + "' needs keep=F (0 < F <= 1), ratio=R (0 <= R < 1) or budget=N tokens");
            return null;
        }
        if (p.has("keep")) return fraction(p.real("keep", 1, 0, false, 1, true));
        if (p.has("ratio")) return fraction(1 - p.real("ratio", 0, 0, true, 1, false));
        int b = p.integer("budget", 1, 1, Integer.MAX_VALUE);
        if (b > config.seqLen()) {
            throw p.bad("budget", String.valueOf(b), "at most the model's context seq_len = " + config.seqLen());
        }
        return fixed(b);
    }

    @Override
    public String toString() { return isFixed() ? "budget=" + tokens : "keep=" + keep; }
}
