package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.TopK;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.VisualTokens;
import dev.squeeze.vision.llm.MustDropFilter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * MustDrop ("Multi-Stage Vision Token Dropping: Towards Efficient Multimodal Large Language Model", Liu et al.,
 * 2024, arXiv 2411.10803), stage 1 (vision encoding): non-overlapping 2x2 windows of the token grid whose mean
 * pairwise cosine similarity is at least the threshold are merged into one token (size-weighted mean).
 *
 * <p>Budget adaptation: windows are merged in descending coherence while coherence >= threshold (default 0.8,
 * our choice; the paper tunes it) and more than K tokens remain; if still above K, the remainder is dropped by
 * the stage-2 rule ({@link MustDropFilter}) with the attention-pooling query as the text query, merged tokens
 * protected. Rows are in window order.
 */
public final class MustDropWindows implements VisualReducer, VisionMethod {
    private final float threshold;

    /** The default coherence threshold, 0.8 (our choice). */
    public MustDropWindows() {
        this(0.8f);
    }

    public MustDropWindows(float threshold) {
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "mustdrop";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.SIMILARITY)
                .paper(
                        "Multi-Stage Vision Token Dropping: Towards Efficient Multimodal Large Language Model",
                        "Liu et al.",
                        2024,
                        "https://arxiv.org/abs/2411.10803")
                .inputs("tokens", "grid", "text-attention")
                .implementation(MustDropWindows.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        TokenTransform merged = mergeWindows(in.tokens().tokens(), in.tokens().sizes(), keep, threshold);
        int left = merged.outputCount();
        if (left <= keep) return merged;
        // stage 2 on the merged set: protect merged tokens, drop the least attended
        float[][] text = in.textAttention();
        float[][] q = new float[text.length][];
        for (int r = 0; r < q.length; r++) q[r] = merged.apply(text[r]);
        boolean[] protect = new boolean[left];
        for (int k = 0; k < left; k++) protect[k] = merged.rowSources(k).length > 1;
        TokenTransform drop = MustDropFilter.keepBudget(q, protect, keep);
        return drop.after(merged);
    }

    /** Merges coherent 2x2 windows (mean pairwise cosine >= threshold), most coherent first, until keep is reached. */
    public static TokenTransform mergeWindows(FloatMatrix x, float @Nullable [] sizes, int keep, float threshold) {
        int n = x.rows();
        int g = (int) Math.round(Math.sqrt(n));
        if (g * g != n || g % 2 != 0)
            throw new IllegalArgumentException("mustdrop needs an even square token grid, got N = " + n);
        FloatMatrix cos = Selections.cosine(x);
        int wn = (g / 2) * (g / 2);
        float[] coh = new float[wn];
        int[][] win = new int[wn][];
        for (int wy = 0; wy < g / 2; wy++) {
            for (int wx = 0; wx < g / 2; wx++) {
                int a = 2 * wy * g + 2 * wx;
                int[] w = {a, a + 1, a + g, a + g + 1};
                float s = 0;
                for (int i = 0; i < 4; i++) for (int j = i + 1; j < 4; j++) s += cos.get(w[i], w[j]);
                coh[wy * (g / 2) + wx] = s / 6f;
                win[wy * (g / 2) + wx] = w;
            }
        }
        int[] order = TopK.topKIndices(coh, wn);
        boolean[] mergeIt = new boolean[wn];
        int count = n;
        for (int o = 0; o < wn && count > keep; o++) {
            if (coh[order[o]] < threshold) break;
            mergeIt[order[o]] = true;
            count -= 3;
        }
        List<int[]> groups = new ArrayList<>();
        for (int w = 0; w < wn; w++) {
            if (mergeIt[w]) groups.add(win[w]);
            else for (int i : win[w]) groups.add(new int[] {i});
        }
        groups.sort((p, q) -> Integer.compare(
                Arrays.stream(p).min().getAsInt(), Arrays.stream(q).min().getAsInt()));
        return TokenTransform.merge(n, groups.toArray(new int[0][]), sizes);
    }
}
