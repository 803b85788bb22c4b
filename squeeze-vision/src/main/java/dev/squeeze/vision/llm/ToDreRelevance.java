package dev.squeeze.vision.llm;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.StagedReducer;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualTokens;
import dev.squeeze.vision.image.similarity.ToDreDiversity;
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
public final class ToDreRelevance implements StagedReducer, VisionMethod {
    private static final ToDreDiversity STAGE1 = new ToDreDiversity();
    public static final float EPSILON = 0.1f;
    public static final float TOTAL_THRESHOLD = 0.05f;

    @Override
    public String name() {
        return "todre-2stage";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.QUERY)
                .paper(
                        "ToDRE: Visual Token Pruning via Diversity and Task Awareness for Efficient Large Vision-Language Models",
                        "Li et al.",
                        2025,
                        "https://arxiv.org/abs/2505.18757")
                .inputs("tokens", "text-attention")
                .implementation(ToDreRelevance.class)
                .notesResource(getClass())
                .build());
    }

    /** Stage 2: the surviving visual tokens, empty when all are removed, null-free. */
    public static Optional<TokenTransform> relevance(float[][] attn, float epsilon, float totalThreshold) {
        int n = QueryAttention.check("todre", attn);
        float[] total = new float[n];
        double all = 0;
        for (float[] row : attn)
            for (int j = 0; j < n; j++) {
                total[j] += row[j];
                all += row[j];
            }
        if (all / attn.length < totalThreshold) return Optional.empty();
        float thr = (float) (epsilon * attn.length / n);
        int[] keep = java.util.stream.IntStream.range(0, n)
                .filter(j -> total[j] >= thr)
                .toArray();
        if (keep.length == 0) return Optional.empty();
        return Optional.of(TokenTransform.select(n, keep));
    }

    /** Stage 0 at the encoder output (stage 1 of ToDRE, {@link ToDreDiversity}), stage 1 after the language model's last layer. */
    @Override
    public Placement placement() {
        return Placement.ENCODER_OUTPUT_AND_END;
    }

    @Override
    public Optional<TokenTransform> reduce(VisualTokens in, int stage, int stages, Budget budget) {
        if (stage == 1) {
            return relevance(in.textAttention(), EPSILON, TOTAL_THRESHOLD).filter(t -> t.outputCount() < in.size());
        }
        if (stage != 0) return Optional.empty();
        int keep = Selections.keep(STAGE1.name(), budget, in.originalCount());
        return keep == in.size() ? Optional.empty() : Optional.of(STAGE1.reduce(in, Budget.count(keep)));
    }
}
