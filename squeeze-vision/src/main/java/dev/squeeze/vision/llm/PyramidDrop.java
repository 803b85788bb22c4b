package dev.squeeze.vision.llm;

import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.cct.CctMethod;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.HookContext;
import dev.squeeze.vision.model.Reducer;

/**
 * PyramidDrop ("PyramidDrop: Accelerating Your Large Vision-Language Models via Pyramid Visual Redundancy
 * Reduction", Xing et al., CVPR 2025, arXiv 2410.17247): the LLM is split into S stages; at the end of each
 * stage the image tokens are ranked by the last instruction token's attention and a fraction lambda is kept
 * (default S = 4, lambda = 0.5), so the token count falls geometrically.
 *
 * <p>In the CCT all 4 blocks form the stages (boundaries before blocks 1, 2, 3); lambda is set from the budget
 * as (K / N)^(1/3) so that K tokens remain after the third drop (the stage sizes are rounded, the last one to K
 * exactly). The attention-pooling query stands in for the last instruction token.
 */
public final class PyramidDrop implements CctMethod {
    @Override
    public String name() { return "pyramiddrop"; }

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
    public Reducer reducer(int keep) {
        return new Reducer() {
            @Override
            public TokenTransform beforeBlock(HookContext ctx) {
                int l = ctx.layer();
                if (l < 1 || l >= CctModel.BLOCKS) return null;
                int target = stageKeep(CctModel.TOKENS, keep, l, CctModel.BLOCKS);
                if (target >= ctx.size()) return null;
                return drop(ctx.poolAttention(), target);
            }
        };
    }
}
