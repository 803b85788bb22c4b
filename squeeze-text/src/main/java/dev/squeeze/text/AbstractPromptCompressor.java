package dev.squeeze.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parts every method shares: validation, {@code <squeeze>} segments, budgets, exact token counts of the
 * result. Subclasses compress one segment to a token target. Stateless: safe to share across threads.
 */
public abstract class AbstractPromptCompressor implements PromptCompressor {
    /**
     * Largest shortfall under the budget, as a fraction of the input's tokens (the benchmark's rate tolerance, as in the
     * causal-LM methods' budget fit), but at least {@value #MIN_SHORTFALL_TOKENS} tokens so that word- and
     * sentence-sized units on short texts are not errors.
     */
    static final double SHORTFALL_TOLERANCE = 0.02;

    static final int MIN_SHORTFALL_TOKENS = 8;

    @Override
    public final CompressionResult compress(CompressionRequest request) {
        long t0 = System.nanoTime();
        TokenCounter counter = TokenCounter.of(request.encoding());
        SegmentContext ctx = new SegmentContext(request.question(), request.forced(), counter, request.options());
        List<StructuredPrompt.Segment> segments = StructuredPrompt.hasMarkup(request.text())
                ? StructuredPrompt.parse(request.text())
                : List.of(new StructuredPrompt.Segment(request.text(), null, true));
        int[] segTokens = new int[segments.size()];
        int origin = 0;
        for (int i = 0; i < segTokens.length; i++) {
            segTokens[i] = counter.count(segments.get(i).text());
            origin += segTokens[i];
        }
        if (origin == 0) throw new IllegalArgumentException("text has no tokens outside <squeeze> markup");
        int budget = request.targetTokens(origin);
        if (request.question() != null) {
            int q = counter.count(request.question());
            if (q > budget) {
                throw new IllegalArgumentException("question has " + q + " tokens, more than the budget of " + budget
                        + " tokens (" + origin + " tokens x rate): raise the rate or target");
            }
        }
        if (budget >= origin) return CompressionResult.of(stripMarkup(segments), origin, origin, method(), t0);

        // Fixed segments (verbatim or own rate) take their share first; default segments split the rest.
        int[] target = new int[segTokens.length];
        int fixed = 0, defaultTokens = 0;
        for (int i = 0; i < segTokens.length; i++) {
            StructuredPrompt.Segment s = segments.get(i);
            if (!s.compress()) target[i] = segTokens[i];
            else if (s.rate() != null) target[i] = Math.max(1, (int) Math.round(s.rate() * segTokens[i]));
            else {
                defaultTokens += segTokens[i];
                continue;
            }
            fixed += target[i];
        }
        int rest = budget - fixed;
        if (fixed > budget) {
            throw new IllegalArgumentException("budget of " + budget
                    + " tokens is less than the compress=false and explicit-rate " + "segments need (" + fixed
                    + " tokens); raise the rate or target, or mark less text compress=false");
        }
        if (defaultTokens > 0 && rest <= 0) {
            throw new IllegalArgumentException("budget of " + budget + " tokens is used up by compress=false and "
                    + "explicit-rate segments (" + fixed + " tokens); raise the rate or target");
        }
        StringBuilder out = new StringBuilder(request.text().length());
        int assigned = 0, seen = 0;
        for (int i = 0; i < segTokens.length; i++) {
            Cancellation.check("between segments");
            StructuredPrompt.Segment s = segments.get(i);
            if (s.compress() && s.rate() == null) {
                // Cumulative rounding so the default segments' targets sum exactly to rest.
                seen += segTokens[i];
                int upTo = (int) Math.round(rest * (double) seen / defaultTokens);
                target[i] = Math.max(1, upTo - assigned);
                assigned = upTo;
            }
            if (!s.compress() || target[i] >= segTokens[i] || s.text().isBlank()) out.append(s.text());
            else if (segments.size() == 1) out.append(compressSegment(s.text(), target[i], segTokens[i], ctx));
            else appendCompressed(out, s.text(), target[i], segTokens[i], ctx);
        }
        String compressed = out.toString();
        int kept = counter.count(compressed);
        if (fillsBudget()) checkShortfall(kept, budget, origin);
        return CompressionResult.of(compressed, origin, kept, method(), t0);
    }

    /**
     * Whether the method fills its budget by design, to within a few tokens, so that a result far under it means a
     * unit was dropped that did not fit (an error). False for methods whose rate is approximate by design (a
     * reference's percentile threshold, a fixed probability threshold, whole sentences).
     */
    protected boolean fillsBudget() {
        return false;
    }

    /**
     * A result far under its budget means the method dropped a unit larger than what was left of the budget (say one
     * 200,000-character "word" in a prompt): that is an error naming the counts, never a silently emptier prompt.
     */
    private void checkShortfall(int kept, int budget, int origin) {
        double tolerance = Math.max(SHORTFALL_TOLERANCE * origin, MIN_SHORTFALL_TOKENS);
        if (budget - kept > tolerance) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s kept %d tokens of %d for a budget of %d, more than %.0f tokens below it: a unit of the text "
                            + "(a word, sentence or paragraph) is larger than the budget left for it; split the text, "
                            + "raise the rate or target, or use a method with finer units",
                    method(),
                    kept,
                    origin,
                    budget,
                    tolerance));
        }
    }

    /**
     * Compresses one segment to about {@code targetTokens} tokens.
     *
     * @param text          segment text
     * @param targetTokens  budget for this segment (< segmentTokens)
     * @param segmentTokens exact token count of {@code text}
     */
    protected abstract String compressSegment(String text, int targetTokens, int segmentTokens, SegmentContext ctx);

    /** Keeps the segment's leading and trailing whitespace so that segments still join as in the input. */
    private void appendCompressed(StringBuilder out, String text, int target, int tokens, SegmentContext ctx) {
        int a = 0, b = text.length();
        while (a < b && Character.isWhitespace(text.charAt(a))) a++;
        while (b > a && Character.isWhitespace(text.charAt(b - 1))) b--;
        String head = text.substring(0, a), tail = text.substring(b);
        int affix = ctx.counter().count(head) + ctx.counter().count(tail);
        out.append(head)
                .append(compressSegment(text, Math.max(1, target - affix), tokens, ctx))
                .append(tail);
    }

    private static String stripMarkup(List<StructuredPrompt.Segment> segments) {
        if (segments.size() == 1) return segments.get(0).text();
        List<String> parts = new ArrayList<>();
        for (StructuredPrompt.Segment s : segments) parts.add(s.text());
        return String.join("", parts);
    }
}
