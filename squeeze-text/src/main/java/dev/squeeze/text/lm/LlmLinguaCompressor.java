package dev.squeeze.text.lm;

import dev.squeeze.text.AbstractPromptCompressor;
import dev.squeeze.text.SegmentContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * LLMLingua (Jiang et al., "LLMLingua: Compressing Prompts for Accelerated Inference of Large Language Models",
 * EMNLP 2023, arXiv:2310.05736) and LongLLMLingua (Jiang et al., "LongLLMLingua: Accelerating and Enhancing
 * LLMs in Long Context Scenarios via Prompt Compression", ACL 2024, arXiv:2310.06839) over any {@link CausalLm}.
 *
 * <p>Contexts are the blank-line paragraphs of the text. <b>Budget controller</b> (coarse): contexts are ranked
 * by perplexity (LLMLingua: mean token loss, highest first) or, in LongLLMLingua mode with a question, by the
 * mean loss of "question + {@value #QUESTION_SUFFIX}" placed after each context (lowest first); contexts are
 * taken in rank order while the budget (target + {@code contextBudgetExtra} = 100, the reference's "+100") is
 * not exhausted (the context that crosses zero is still taken, as in the reference); then reordered
 * ({@code original}, {@code sort} = rank order, or {@code two_stage}). <b>Dynamic ratios</b> (LongLLMLingua):
 * the i-th ranked of N kept contexts gets keep ratio tau + r·(N-1-2i)/(N-1) (from +r down to -r, r =
 * {@code dynamicRatio}), tau = target/(sum of context lengths + 2 each, + 1). <b>Iterative token-level
 * compression</b>: segments of {@code iterativeSize} = 200 tokens; each token's loss is computed given the
 * already compressed prefix (conditional perplexity); per context part of a segment, the threshold is the
 * score at index int(n·ratio) - 1 of the scores sorted descending and tokens with score &gt; threshold are kept.
 * <b>Contrastive perplexity</b> (LongLLMLingua): score = loss without the question - loss with the question
 * before the prefix. {@link #recoverResponse} implements LongLLMLingua's subsequence recovery.
 *
 * <p>Deviations: the budget is converted from the request's BPE tokens to the LM's tokens by the ratio of the two
 * counts for the thresholds, and the result is then fitted to the request's budget exactly ({@link BudgetFit}: the
 * tokens the thresholds kept, highest score first, then the dropped ones, highest score first, while the exact count
 * fits; an error when it cannot come within 0.02 of the segment); the "\n\n" separator tokens between contexts are always kept; forced content ({@link
 * dev.squeeze.text.ForcedContent}: numbers keep every token with a digit, like the reference's
 * force_reserve_digit; force tokens keep tokens whose piece equals one) is kept after thresholding, which
 * can raise the achieved rate; the reference's sentence-level filter
 * and KV-cache reuse are not implemented; when question + compressed prefix + segment exceed the LM's window,
 * the start of the prefix is dropped and the question kept (losses are recomputed for prefix + segment, same values, more time).
 */
public final class LlmLinguaCompressor extends AbstractPromptCompressor {
    public static final String NAME = "llmlingua";
    public static final String LONG_NAME = "longllmlingua";
    static final String QUESTION_SUFFIX = "We can get the answer to this question in the given documents.";

    public enum Reorder {
        ORIGINAL,
        SORT,
        TWO_STAGE
    }

    /**
     * @param longMode           LongLLMLingua question-aware ranking (needs a question; else LLMLingua's perplexity)
     * @param iterativeSize      tokens per iterative segment (200)
     * @param contextBudgetExtra tokens added to the target for the coarse stage (100)
     * @param reorder            order of the kept contexts
     * @param dynamicRatio       r of the dynamic per-context ratios (0 = off; LongLLMLingua recommends 0.3)
     * @param contrastive        contrastive perplexity (needs a question)
     */
    public record Settings(
            boolean longMode,
            int iterativeSize,
            int contextBudgetExtra,
            Reorder reorder,
            double dynamicRatio,
            boolean contrastive) {
        public Settings {
            if (iterativeSize <= 0)
                throw new IllegalArgumentException("iterativeSize must be > 0, got " + iterativeSize);
            if (!(dynamicRatio >= 0 && dynamicRatio <= 1))
                throw new IllegalArgumentException("dynamicRatio must be in [0, 1], got " + dynamicRatio);
            Objects.requireNonNull(reorder, "reorder");
        }

        public static Settings llmlingua() {
            return new Settings(false, 200, 100, Reorder.ORIGINAL, 0.0, false);
        }

        /** The LongLLMLingua paper's recommended configuration. */
        public static Settings longLlmlingua() {
            return new Settings(true, 200, 100, Reorder.SORT, 0.3, true);
        }
    }

    private final CausalLm lm;
    private final Settings settings;

    public LlmLinguaCompressor(CausalLm lm, Settings settings) {
        this.lm = Objects.requireNonNull(lm, "lm");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String method() {
        return settings.longMode() ? LONG_NAME : NAME;
    }

    @Override
    protected String compressSegment(String text, int target, int segmentTokens, SegmentContext ctx) {
        List<String> contexts = new ArrayList<>();
        for (String p : text.split("\\n\\s*\\n")) if (!p.isBlank()) contexts.add(p.strip());
        if (contexts.isEmpty()) contexts.add(text);
        List<int[]> ids = new ArrayList<>();
        int lmTotal = 0;
        for (String c : contexts) {
            int[] e = lm.encode(c);
            ids.add(e);
            lmTotal += e.length;
        }
        double targetLm = target * (lmTotal / (double) segmentTokens);
        String question = ctx.question();
        boolean questionAware = settings.longMode() && question != null;

        // Coarse: budget controller.
        int[] rank = rank(ids, question, questionAware);
        List<Integer> used = new ArrayList<>();
        double remaining = targetLm + settings.contextBudgetExtra();
        if (ids.size() > 1) {
            for (int idx : rank) {
                remaining -= ids.get(idx).length;
                used.add(idx);
                if (remaining < 0) break;
            }
        } else {
            used.add(0);
        }
        List<Integer> rankOrder = new ArrayList<>(used);
        List<Integer> order = reorder(used);
        double[] delta = dynamicRatios(rankOrder, order);

        // Fine: iterative token-level pruning.
        int[] sep = lm.encode("\n\n");
        int[] q = questionAware || (settings.contrastive() && question != null) ? lm.encode(question) : new int[0];
        int sumLen = 0;
        for (int idx : order) sumLen += ids.get(idx).length + 2;
        double tau = targetLm / (sumLen + 1.0);
        List<Integer> seq = new ArrayList<>();
        List<Double> ratio = new ArrayList<>(); // per token; NaN = always kept (separators)
        for (int k = 0; k < order.size(); k++) {
            if (k > 0)
                for (int s : sep) {
                    seq.add(s);
                    ratio.add(Double.NaN);
                }
            double r = Math.max(0, Math.min(1, tau + delta[k]));
            for (int t : ids.get(order.get(k))) {
                seq.add(t);
                ratio.add(r);
            }
        }
        int[] all = seq.stream().mapToInt(Integer::intValue).toArray();
        boolean[] forced = LmScores.forced(lm, all, ctx.forced());
        boolean contrast = settings.contrastive() && question != null;
        int[] kept = new int[0];
        float[] scoreAll = new float[all.length]; // each token's score as its segment was pruned
        boolean[] keptAll = new boolean[all.length]; // the method's own choice
        boolean[] fixed = new boolean[all.length]; // separators and forced content
        for (int s = 0; s < all.length; s += settings.iterativeSize()) {
            int e = Math.min(all.length, s + settings.iterativeSize());
            int[] segment = Arrays.copyOfRange(all, s, e);
            float[] score;
            if (contrast) {
                float[] without = LmScores.conditional(lm, kept, segment);
                float[] with = LmScores.conditional(lm, q, kept, segment);
                score = new float[segment.length];
                for (int i = 0; i < score.length; i++) score[i] = without[i] - with[i];
            } else if (questionAware) {
                score = LmScores.conditional(lm, q, kept, segment);
            } else {
                score = LmScores.conditional(lm, kept, segment);
            }
            boolean[] keep = new boolean[segment.length];
            int i = 0;
            while (i < segment.length) { // parts of equal ratio (one context's share of the segment)
                double r = ratio.get(s + i);
                int j = i;
                while (j < segment.length && sameRatio(ratio.get(s + j), r)) j++;
                if (Double.isNaN(r)) {
                    for (int x = i; x < j; x++) keep[x] = true;
                } else {
                    float thr = threshold(Arrays.copyOfRange(score, i, j), r);
                    for (int x = i; x < j; x++) keep[x] = score[x] > thr;
                }
                i = j;
            }
            int[] next = Arrays.copyOf(kept, kept.length + segment.length);
            int n = kept.length;
            for (int x = 0; x < segment.length; x++) {
                scoreAll[s + x] = score[x];
                fixed[s + x] = forced[s + x] || Double.isNaN(ratio.get(s + x));
                keptAll[s + x] = keep[x] || fixed[s + x];
                if (keptAll[s + x]) next[n++] = segment[x];
            }
            kept = Arrays.copyOf(next, n);
        }
        // the thresholds meet the budget in LM tokens; the request counts its own tokens: fit exactly, the method's
        // kept tokens first (highest score first), then its dropped ones (highest score first)
        List<int[]> units = new ArrayList<>();
        for (boolean wanted : new boolean[] {true, false}) {
            List<Integer> pos = new ArrayList<>();
            for (int p = 0; p < all.length; p++) if (!fixed[p] && keptAll[p] == wanted) pos.add(p);
            pos.sort((a, b) -> Float.compare(scoreAll[b], scoreAll[a]));
            for (int p : pos) units.add(new int[] {p});
        }
        return lm.decode(BudgetFit.select(
                all, BudgetFit.fit(method(), lm, ctx.counter(), all, fixed, units, target, segmentTokens)));
    }

    private static boolean sameRatio(double a, double b) {
        return (Double.isNaN(a) && Double.isNaN(b)) || a == b;
    }

    /** The reference's get_estimate_threshold_base_distribution: sorted descending, index max(0, min(n-1, int(n·ratio)-1)). */
    static float threshold(float[] scores, double ratio) {
        float[] s = scores.clone();
        Arrays.sort(s);
        int n = s.length;
        int k = Math.max(0, Math.min(n - 1, (int) (n * ratio) - 1));
        return s[n - 1 - k];
    }

    /** Context indices by relevance. */
    int[] rank(List<int[]> ids, String question, boolean questionAware) {
        int n = ids.size();
        double[] score = new double[n];
        int[] qs = questionAware ? lm.encode(question + " " + QUESTION_SUFFIX) : null;
        for (int k = 0; k < n; k++) {
            score[k] = questionAware
                    ? LmScores.mean(LmScores.conditional(lm, ids.get(k), qs)) // lower = more relevant
                    : -LmScores.mean(LmScores.losses(lm, ids.get(k))); // higher perplexity first
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> Double.compare(score[a], score[b])); // stable: ties keep document order
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    private List<Integer> reorder(List<Integer> used) {
        return switch (settings.reorder()) {
            case ORIGINAL -> used.stream().sorted().toList();
            case SORT -> List.copyOf(used);
            case TWO_STAGE -> {
                List<Integer> l = new ArrayList<>(), r = new ArrayList<>();
                for (int i = 0; i < used.size(); i++) (i % 2 == 0 ? l : r).add(used.get(i));
                java.util.Collections.reverse(r);
                l.addAll(r);
                yield l;
            }
        };
    }

    /** Keep-ratio offsets for the contexts in {@code order}: +r for the best ranked down to -r for the worst. */
    private double[] dynamicRatios(List<Integer> rankOrder, List<Integer> order) {
        double[] out = new double[order.size()];
        int n = rankOrder.size();
        if (settings.dynamicRatio() <= 0 || n < 2) return out;
        for (int k = 0; k < order.size(); k++) {
            int i = rankOrder.indexOf(order.get(k));
            out[k] = settings.dynamicRatio() * (n - 1 - 2.0 * i) / (n - 1);
        }
        return out;
    }

    /**
     * LongLLMLingua's subsequence recovery: every maximal run of response words that appears contiguously in
     * the compressed prompt is replaced by the shortest span of the original prompt that starts and ends with
     * the run's first and last words and contains the run's words in order (restoring words the compression
     * removed, e.g. a shortened name).
     */
    public static String recoverResponse(String original, String compressed, String response) {
        String[] ow = original.split("\\s+"), cw = compressed.split("\\s+"), rw = response.split("\\s+");
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < rw.length) {
            int best = 0;
            for (int c = 0; c < cw.length; c++) {
                int len = 0;
                while (i + len < rw.length && c + len < cw.length && rw[i + len].equals(cw[c + len])) len++;
                best = Math.max(best, len);
            }
            if (best >= 2) {
                String span = originalSpan(ow, Arrays.copyOfRange(rw, i, i + best));
                out.append(out.isEmpty() ? "" : " ")
                        .append(span != null ? span : String.join(" ", Arrays.copyOfRange(rw, i, i + best)));
                i += best;
            } else {
                out.append(out.isEmpty() ? "" : " ").append(rw[i]);
                i++;
            }
        }
        return out.toString();
    }

    private static String originalSpan(String[] ow, String[] run) {
        String bestSpan = null;
        int bestLen = Integer.MAX_VALUE;
        for (int s = 0; s < ow.length; s++) {
            if (!ow[s].equals(run[0])) continue;
            int k = 1, e = s + 1;
            while (k < run.length && e < ow.length) {
                if (ow[e].equals(run[k])) k++;
                e++;
            }
            if (k == run.length && e - s < bestLen) {
                bestLen = e - s;
                bestSpan = String.join(" ", Arrays.copyOfRange(ow, s, e));
            }
        }
        return bestSpan;
    }
}
