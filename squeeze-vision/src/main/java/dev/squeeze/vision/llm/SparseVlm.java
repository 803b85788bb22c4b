package dev.squeeze.vision.llm;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.DpcKnn;
import dev.squeeze.core.select.TopK;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.VisualTokens;
import java.util.Arrays;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * SparseVLM ("SparseVLM: Visual Token Sparsification for Efficient Vision-Language Model Inference", Zhang et
 * al., ICML 2025, arXiv 2410.04417):
 * <ol>
 *   <li>raters = the text tokens whose mean attention to the visual tokens is at least the mean over all text
 *       tokens;</li>
 *   <li>visual token score = mean attention from the raters; the top K' are kept;</li>
 *   <li>recycling: the top 30% of the pruned tokens by score are clustered by DPC-KNN (k = 5 neighbours, our
 *       choice after TCFormer's default) into {@code floor(recycled / 10) + 1} centres and each cluster is merged
 *       into one token (size-weighted mean), appended after the kept ones.</li>
 * </ol>
 * K' is chosen so that K' + centres = K. The paper prunes at several LLM layers (2, 6, 15 in LLaVA-1.5); the
 * CCT has one LLM-side point here (before block 2) with the attention-pooling query as the only text token,
 * so the rater step selects that one query.
 */
public final class SparseVlm implements VisualReducer, VisionMethod {
    public static final float RECYCLE_FRACTION = 0.3f;
    public static final int DPC_NEIGHBOURS = 5;

    @Override
    public String name() {
        return "sparsevlm";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.QUERY)
                .paper(
                        "SparseVLM: Visual Token Sparsification for Efficient Vision-Language Model Inference",
                        "Zhang et al.",
                        2025,
                        "https://arxiv.org/abs/2410.04417")
                .inputs("tokens", "text-attention")
                .implementation(SparseVlm.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        return reduce(in.textAttention(), in.tokens().tokens(), in.tokens().sizes(), keep);
    }

    /** Rater indices: queries whose mean attention to the visual tokens is >= the mean over queries. */
    public static int[] raters(float[][] attn) {
        QueryAttention.check("sparsevlm", attn);
        float[] m = new float[attn.length];
        double all = 0;
        for (int q = 0; q < attn.length; q++) {
            double s = 0;
            for (float v : attn[q]) s += v;
            m[q] = (float) (s / attn[q].length);
            all += m[q];
        }
        float thr = (float) (all / attn.length);
        return java.util.stream.IntStream.range(0, attn.length)
                .filter(q -> m[q] >= thr)
                .toArray();
    }

    public static TokenTransform reduce(float[][] attn, FloatMatrix tokens, float @Nullable [] sizes, int keep) {
        int n = QueryAttention.check("sparsevlm", attn);
        if (tokens.rows() != n)
            throw new IllegalArgumentException(
                    "sparsevlm: attention covers " + n + " tokens, tokens has " + tokens.rows());
        Selections.checkKeep("sparsevlm", keep, n);
        if (sizes == null) {
            sizes = new float[n];
            java.util.Arrays.fill(sizes, 1f);
        }
        int[] r = raters(attn);
        float[] score = new float[n];
        for (int q : r) for (int j = 0; j < n; j++) score[j] += attn[q][j] / r.length;
        // K' + centres(K') = K
        int kept = keep;
        int centres = 0;
        for (int it = 0; it < 4; it++) {
            int recycled = (int) Math.ceil(RECYCLE_FRACTION * (n - kept));
            centres = recycled == 0 ? 0 : Math.min(recycled, recycled / 10 + 1);
            kept = keep - centres;
        }
        if (kept < 1 || kept + centres != keep) {
            kept = keep;
            centres = 0;
        }
        int[] order = TopK.topKIndices(score, n);
        int[] keptIdx = Arrays.copyOf(order, kept);
        Arrays.sort(keptIdx);
        int recycled = (int) Math.ceil(RECYCLE_FRACTION * (n - kept));
        TokenTransform.Builder b = TokenTransform.builder(n);
        for (int i : keptIdx) b.row(new int[] {i}, new float[] {1f});
        if (centres > 0 && recycled > 0) {
            int[] rec = Arrays.copyOfRange(order, kept, kept + recycled); // best-scored pruned tokens
            FloatMatrix sub = tokens.selectRows(rec);
            int k = Math.min(DPC_NEIGHBOURS, Math.max(1, rec.length - 1));
            DpcKnn.Clustering c = DpcKnn.cluster(sub, Math.min(centres, rec.length), rec.length == 1 ? 1 : k);
            for (int[] g : c.groups()) {
                int[] src = Selections.map(rec, g);
                float tot = 0;
                for (int s : src) tot += sizes[s];
                float[] w = new float[src.length];
                for (int e = 0; e < src.length; e++) w[e] = sizes[src[e]] / tot;
                b.row(src, w);
            }
        }
        return b.build();
    }
}
