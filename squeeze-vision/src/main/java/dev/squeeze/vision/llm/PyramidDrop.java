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
import java.util.Optional;

/**
 * PyramidDrop ("PyramidDrop: Accelerating Your Large Vision-Language Models via Pyramid Visual Redundancy
 * Reduction", Xing et al., CVPR 2025, arXiv 2410.17247): the LLM is split into S stages; at the end of each
 * stage the image tokens are ranked by the last instruction token's attention and a fraction lambda is kept
 * (default S = 4, lambda = 0.5), so the token count falls geometrically.
 *
 * <p>In the CCT all 4 blocks form the stages (boundaries before blocks 1, 2, 3: {@link Placement#BLOCK_BOUNDARIES}); lambda is set from the budget
 * as (K / N)^(1/3) so that K tokens remain after the third drop (the stage sizes are rounded, the last one to K
 * exactly). The attention-pooling query stands in for the last instruction token.
 */
public final class PyramidDrop implements StagedReducer, VisionMethod {
    @Override
    public String name() {
        return "pyramiddrop";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.QUERY)
                .paper(
                        "PyramidDrop: Accelerating Your Large Vision-Language Models via Pyramid Visual Redundancy Reduction",
                        "Xing et al.",
                        2025,
                        "https://arxiv.org/abs/2410.17247")
                .inputs("tokens", "last-instruction-attention")
                .implementation(PyramidDrop.class)
                .notesResource(getClass())
                .build());
    }

    /** A drop at each boundary between blocks: stage s = the boundary before block s. */
    @Override
    public Placement placement() {
        return Placement.BLOCK_BOUNDARIES;
    }

    /** Tokens to keep at stage boundary {@code stage} (1..S-1) from n0 originals towards keep. */
    public static int stageKeep(int n0, int keep, int stage, int stages) {
        double lambda = Math.pow((double) keep / n0, 1.0 / (stages - 1));
        return stage == stages - 1 ? keep : (int) Math.max(keep, Math.round(n0 * Math.pow(lambda, stage)));
    }

    /** One drop: keep the {@code keep} tokens the query attends most, original order. */
    public static TokenTransform drop(float[] queryAttention, int keep) {
        QueryAttention.check("pyramiddrop", new float[][] {queryAttention});
        return Selections.topK(queryAttention, keep);
    }

    @Override
    public Optional<TokenTransform> reduce(VisualTokens in, int stage, int stages, Budget budget) {
        if (stage < 1 || stage >= stages) return Optional.empty();
        int keep = Selections.keep(name(), budget, in.originalCount());
        int target = stageKeep(in.originalCount(), keep, stage, stages);
        if (target >= in.size()) return Optional.empty();
        float[][] text = in.textAttention();
        return Optional.of(drop(text[text.length - 1], target));
    }
}
