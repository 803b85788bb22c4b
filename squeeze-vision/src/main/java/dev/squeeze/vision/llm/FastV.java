package dev.squeeze.vision.llm;

import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.EncoderOutputMethod;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.model.HookContext;

/**
 * FastV ("An Image is Worth 1/2 Tokens After Layer 2: Plug-and-Play Inference Acceleration for Large
 * Vision-Language Models", Chen et al., ECCV 2024, arXiv 2403.06764): after layer K (default K = 2) rank the
 * image tokens by the attention the LAST prompt token pays them (head mean, from layer K-1) and keep the top
 * (1 - R) (default R = 50%; here R comes from the budget).
 *
 * <p>In the CCT the attention-pooling query stands in for the last text token and the pruning point is
 * before block 2 ({@link dev.squeeze.vision.cct.CctMethod#LLM_START}, i.e. after 2 layers). With a single query
 * and no text, this ranking coincides with FasterVLM's [CLS]-proxy ranking: both rows are reported so the
 * collapse is visible.
 */
public final class FastV extends EncoderOutputMethod {
    @Override
    public String name() { return "fastv"; }

    /** Keep the {@code keep} tokens with the highest last-token attention, original order. */
    public static TokenTransform select(float[] lastTokenAttention, int keep) {
        QueryAttention.check("fastv", new float[][] {lastTokenAttention});
        return Selections.topK(lastTokenAttention, keep);
    }

    @Override
    public TokenTransform reduce(HookContext ctx, int keep) { return select(ctx.poolAttention(), keep); }
}
