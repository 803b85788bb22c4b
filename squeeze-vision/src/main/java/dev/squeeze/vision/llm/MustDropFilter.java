package dev.squeeze.vision.llm;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.VisualTokens;
import java.util.Optional;

/**
 * MustDrop's dual-attention filter ("Multi-Stage Vision Token Dropping", Liu et al., 2024, arXiv 2411.10803),
 * the prefilling stage: a visual token is dropped when BOTH its total attention from the text tokens is below
 * {@code globalThreshold} times the total attention to all visual tokens AND its largest single text-token
 * attention is below {@code individualThreshold}; tokens merged in stage 1 are protected.
 *
 * <p>{@link #filter} is the paper's threshold rule; {@link #keepBudget} is its budgeted form used by the
 * benchmark: unprotected tokens are ranked by (total, max) attention and the lowest dropped until K remain.
 */
public final class MustDropFilter implements VisualReducer, VisionMethod {
    @Override
    public String name() {
        return "mustdrop-filter";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.QUERY)
                .paper(
                        "Multi-Stage Vision Token Dropping: Towards Efficient Multimodal Large Language Model",
                        "Liu et al.",
                        2024,
                        "https://arxiv.org/abs/2411.10803")
                .inputs("tokens", "text-attention")
                .implementation(MustDropFilter.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        return keepBudget(in.textAttention(), new boolean[in.size()], keep);
    }

    /** The threshold rule; empty when nothing is dropped. */
    public static Optional<TokenTransform> filter(
            float[][] attn, boolean[] protect, float globalThreshold, float individualThreshold) {
        int n = QueryAttention.check("mustdrop", attn);
        if (protect.length != n)
            throw new IllegalArgumentException("mustdrop: protect has " + protect.length + " entries, expected " + n);
        float[] total = new float[n];
        float[] max = new float[n];
        double all = 0;
        for (float[] row : attn)
            for (int j = 0; j < n; j++) {
                total[j] += row[j];
                max[j] = Math.max(max[j], row[j]);
                all += row[j];
            }
        int[] keep = new int[n];
        int k = 0;
        for (int j = 0; j < n; j++) {
            boolean drop = !protect[j] && total[j] < globalThreshold * all && max[j] < individualThreshold;
            if (!drop) keep[k++] = j;
        }
        if (k == n) return Optional.empty();
        if (k == 0) throw new IllegalArgumentException("mustdrop: the thresholds drop every visual token");
        return Optional.of(TokenTransform.select(n, java.util.Arrays.copyOf(keep, k)));
    }

    /** Budgeted form: protected tokens always stay; the rest ranked by total then max text attention. */
    public static TokenTransform keepBudget(float[][] attn, boolean[] protect, int keep) {
        int n = QueryAttention.check("mustdrop", attn);
        Selections.checkKeep("mustdrop", keep, n);
        float[] total = new float[n];
        float[] max = new float[n];
        for (float[] row : attn)
            for (int j = 0; j < n; j++) {
                total[j] += row[j];
                max[j] = Math.max(max[j], row[j]);
            }
        float[] score = new float[n];
        float maxTotal = 0;
        for (float t : total) maxTotal = Math.max(maxTotal, t);
        for (int j = 0; j < n; j++) {
            score[j] = protect[j] ? Float.MAX_VALUE : total[j] + 1e-3f * max[j] / Math.max(1f, maxTotal);
        }
        return Selections.topK(score, keep);
    }
}
