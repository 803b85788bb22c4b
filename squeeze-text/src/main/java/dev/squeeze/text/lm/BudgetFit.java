package dev.squeeze.text.lm;

import dev.squeeze.text.Cancellation;
import dev.squeeze.text.TokenCounter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Meets a segment's budget in the request's tokens (cl100k_base by default) exactly, for the causal-LM methods, whose
 * scores live in the LM's own tokens. A method hands over its LM token sequence, the positions always kept (forced
 * content, separators) and its units (one token, a phrase, a sentence, a whole context) in priority order, the units
 * the method itself kept first; the fit keeps the longest prefix of that order whose rendering counts at most the
 * target (a bisection over exact recounts), then tries up to {@value #FILL_TRIES} later units that still fit (a
 * short unit after a long one). A rendering further than {@value #TOLERANCE} x the segment's tokens below the target,
 * or forced content alone over it, is an error naming the method and both counts: the budget is met or the call
 * fails, never silently missed.
 */
final class BudgetFit {
    /** Largest shortfall allowed, as a fraction of the segment's tokens (the benchmark's rate tolerance). */
    static final double TOLERANCE = 0.02;

    static final int FILL_TRIES = 32;

    private BudgetFit() {}

    /**
     * @param ids    the LM tokens of the text, in the order they are rendered
     * @param fixed  positions kept whatever the budget
     * @param units  positions of each unit, highest priority first (a position in at most one unit, none fixed)
     * @param target the budget in the counter's tokens
     * @param segmentTokens the segment's size in the counter's tokens
     * @return the kept positions, ascending
     */
    static int[] fit(
            String method,
            CausalLm lm,
            TokenCounter counter,
            int[] ids,
            boolean[] fixed,
            List<int[]> units,
            int target,
            int segmentTokens) {
        boolean[] keep = new boolean[ids.length];
        int lo = 0, hi = units.size();
        int base = count(lm, counter, ids, fixed);
        if (base > target) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: the forced content alone is %d tokens, over the budget of %d tokens "
                            + "(of %d): raise the rate or target, or force less",
                    method,
                    base,
                    target,
                    segmentTokens));
        }
        // largest k with count(units[0..k)) <= target: count(lo) fits, count(hi + 1) does not (hi = size: unknown)
        while (lo < hi) {
            Cancellation.check("in " + method + "'s budget fit");
            int mid = (lo + hi + 1) >>> 1;
            mark(keep, fixed, units, mid);
            if (count(lm, counter, ids, keep) <= target) lo = mid;
            else hi = mid - 1;
        }
        mark(keep, fixed, units, lo);
        int n = count(lm, counter, ids, keep);
        for (int i = lo + 1, tries = 0; i < units.size() && tries < FILL_TRIES && n < target; i++, tries++) {
            Cancellation.check("while filling " + method + "'s budget");
            for (int p : units.get(i)) keep[p] = true;
            int c = count(lm, counter, ids, keep);
            if (c <= target) n = c;
            else for (int p : units.get(i)) keep[p] = false;
        }
        if (target - n > TOLERANCE * segmentTokens) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: the closest fit of its units keeps %d tokens for a budget of %d (of %d), "
                            + "more than %.2f x %d below it (the next unit overshoots): give a longer text, another rate, or a finer unit",
                    method,
                    n,
                    target,
                    segmentTokens,
                    TOLERANCE,
                    segmentTokens));
        }
        int m = 0;
        int[] out = new int[ids.length];
        for (int p = 0; p < ids.length; p++) if (keep[p]) out[m++] = p;
        return Arrays.copyOf(out, m);
    }

    /** keep = fixed + the first k units. */
    private static void mark(boolean[] keep, boolean[] fixed, List<int[]> units, int k) {
        System.arraycopy(fixed, 0, keep, 0, keep.length);
        for (int i = 0; i < k; i++) for (int p : units.get(i)) keep[p] = true;
    }

    /** Tokens of the rendering of the kept positions. */
    private static int count(CausalLm lm, TokenCounter counter, int[] ids, boolean[] keep) {
        int m = 0;
        int[] sel = new int[ids.length];
        for (int p = 0; p < ids.length; p++) if (keep[p]) sel[m++] = ids[p];
        return counter.count(lm.decode(Arrays.copyOf(sel, m)));
    }

    /** The ids at the kept positions. */
    static int[] select(int[] ids, int[] positions) {
        int[] out = new int[positions.length];
        for (int i = 0; i < out.length; i++) out[i] = ids[positions[i]];
        return out;
    }
}
