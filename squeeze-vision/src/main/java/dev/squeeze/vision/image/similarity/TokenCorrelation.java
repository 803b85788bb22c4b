package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.TopK;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.AnyRes;
import dev.squeeze.vision.AnyResReducer;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Token-level Correlation-guided Compression ("Token-level Correlation-guided Compression for Efficient
 * Multimodal Document Understanding", Zhang et al., 2024, arXiv 2407.14439), for AnyRes views:
 * <ul>
 *   <li>pattern repetitiveness sets each view's budget: a token is "repetitive" when some other token of its
 *       view has cosine similarity >= 0.9 to it; the view's information density u_v = share of non-repetitive
 *       tokens; budgets are proportional to u_v + 1/256 (so no view gets nothing), capped at 256, summing to K;</li>
 *   <li>inside a view, tokens are sampled by their correlation with the view's [CLS] (here the view's
 *       attention-pooling weights), top first.</li>
 * </ul>
 * The paper has no public code at the time of writing: the 0.9 threshold and the proportional budget rule are
 * our reading of the description (unverified).
 */
public final class TokenCorrelation implements AnyResReducer, VisionMethod {
    public static final float REPEAT_THRESHOLD = 0.9f;

    @Override
    public String name() {
        return "tcc";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.SIMILARITY)
                .paper(
                        "Token-level Correlation-guided Compression for Efficient Multimodal Document Understanding",
                        "Zhang et al.",
                        2024,
                        "https://arxiv.org/abs/2407.14439")
                .inputs("anyres-views", "cls-attention-per-view")
                .implementation(TokenCorrelation.class)
                .notesResource(getClass())
                .build());
    }

    /** Share of tokens with no near-duplicate (cosine >= threshold) in the set. */
    public static float density(FloatMatrix x, float threshold) {
        FloatMatrix cos = Selections.cosine(x);
        int n = x.rows();
        int unique = 0;
        for (int i = 0; i < n; i++) {
            boolean rep = false;
            for (int j = 0; j < n && !rep; j++) rep = j != i && cos.get(i, j) >= threshold;
            if (!rep) unique++;
        }
        return unique / (float) n;
    }

    @Override
    public TokenTransform reduce(AnyRes in, Budget keepBudget) {
        int per = in.perView(), views = in.views(), total = per * views;
        int keep = Selections.keep(name(), keepBudget, total);
        double[] w = new double[views];
        double sum = 0;
        for (int v = 0; v < views; v++) {
            w[v] = density(in.view(v), REPEAT_THRESHOLD) + 1.0 / per;
            sum += w[v];
        }
        int[] budget = new int[views];
        int used = 0;
        for (int v = 0; v < views; v++) {
            budget[v] = (int) Math.min(per, Math.floor(keep * w[v] / sum));
            used += budget[v];
        }
        int[] order = TopK.topKIndices(toFloat(w), views);
        for (int it = 0; used < keep; it++) {
            int v = order[it % views];
            if (budget[v] < per) {
                budget[v]++;
                used++;
            }
        }
        List<Integer> kept = new ArrayList<>();
        for (int v = 0; v < views; v++) {
            if (budget[v] == 0) continue;
            for (int t : TopK.topKIndices(in.poolAttention()[v], budget[v])) kept.add(v * per + t);
        }
        return Selections.keepSorted(
                total, kept.stream().mapToInt(Integer::intValue).toArray());
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
