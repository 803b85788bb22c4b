package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.select.MaxMinDiversity;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.EncoderOutputMethod;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.model.HookContext;

/**
 * DivPrune ("DivPrune: Diversity-based Visual Token Pruning for Large Multimodal Models", Alvar et al., CVPR
 * 2025, arXiv 2503.02175) on the encoder-output tokens: core {@link MaxMinDiversity#divPrune} (D = 1 - cos,
 * first pick = token whose nearest neighbour is farthest, then greedy max-min, O(KN) after the N x N block).
 * Kept tokens stay in original order.
 */
public final class DivPruneMethod extends EncoderOutputMethod {
    @Override
    public String name() { return "divprune"; }

    @Override
    public TokenTransform reduce(HookContext ctx, int keep) {
        return Selections.keepSorted(ctx.size(), MaxMinDiversity.divPrune(ctx.tokens().tokens(), keep));
    }
}
