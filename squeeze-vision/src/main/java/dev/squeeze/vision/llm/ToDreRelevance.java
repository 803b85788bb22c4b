package dev.squeeze.vision.llm;

import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.cct.CctMethod;
import dev.squeeze.vision.image.similarity.ToDreDiversity;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.HookContext;
import dev.squeeze.vision.model.Reducer;

import java.util.Optional;

/**
 * ToDRE stage 2 ("ToDRE", Li et al., 2025, arXiv 2505.18757): task-relevance removal inside the LLM. After
 * "information migration" the text tokens no longer attend to most visual tokens; at a late layer the visual
 * tokens whose attention from the text (summed over text queries, head mean) is below {@code epsilon} times
 * the uniform share 1/N are removed, and when the text's total attention to the visual tokens falls below
 * {@code totalThreshold}, ALL visual tokens are removed ({@link Optional#empty()}).
 *
 * <p>Constants (our choice; the paper picks the layer per model): epsilon = 0.1, totalThreshold = 0.05. In the
 * CCT stage 1 ({@link ToDreDiversity}) acts at the encoder output (before block 3) and stage 2 after the
 * language-model block (before the final norm and pooling), the latest point there is; the pooling query is the text proxy and, since the pooling needs at least one token, the
 * "remove everything" branch cannot trigger there (pool weights sum to 1).
 */
public final class ToDreRelevance implements CctMethod {
    public static final float EPSILON = 0.1f;
    public static final float TOTAL_THRESHOLD = 0.05f;

    @Override
    public String name() { return "todre-2stage"; }

    /** Stage 2: the surviving visual tokens, empty when all are removed, null-free. */
    public static Optional<TokenTransform> relevance(float[][] attn, float epsilon, float totalThreshold) {
        int n = QueryAttention.check("todre", attn);
        float[] total = new float[n];
        double all = 0;
        for (float[] row : attn) for (int j = 0; j < n; j++) { total[j] += row[j]; all += row[j]; }
        if (all / attn.length < totalThreshold) return Optional.empty();
        float thr = (float) (epsilon * attn.length / n);
        int[] keep = java.util.stream.IntStream.range(0, n).filter(j -> total[j] >= thr).toArray();
        if (keep.length == 0) return Optional.empty();
        return Optional.of(TokenTransform.select(n, keep));
    }

    @Override
    public int firstHookLayer() { return dev.squeeze.vision.cct.CctMethod.LLM_START; }

    @Override
    public Reducer reducer(int keep) {
        Reducer stage1 = new ToDreDiversity().reducer(keep);
        return new Reducer() {
            @Override
            public TokenTransform beforeBlock(HookContext ctx) {
                if (ctx.layer() == CctModel.BLOCKS) {
                    return relevance(new float[][] {ctx.poolAttention()}, EPSILON, TOTAL_THRESHOLD)
                            .filter(t -> t.outputCount() < ctx.size()).orElse(null);
                }
                return stage1.beforeBlock(ctx);
            }
        };
    }
}
