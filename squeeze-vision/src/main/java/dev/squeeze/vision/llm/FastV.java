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
public final class FastV implements VisualReducer, VisionMethod {
    @Override
    public String name() {
        return "fastv";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.QUERY)
                .paper(
                        "An Image is Worth 1/2 Tokens After Layer 2: Plug-and-Play Inference Acceleration for Large Vision-Language Models",
                        "Chen et al.",
                        2024,
                        "https://arxiv.org/abs/2403.06764")
                .inputs("tokens", "last-token-attention")
                .implementation(FastV.class)
                .notesResource(getClass())
                .build());
    }

    /** Keep the {@code keep} tokens with the highest last-token attention, original order. */
    public static TokenTransform select(float[] lastTokenAttention, int keep) {
        QueryAttention.check("fastv", new float[][] {lastTokenAttention});
        return Selections.topK(lastTokenAttention, keep);
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        return select(in.textAttention()[in.textAttention().length - 1], keep);
    }
}
