package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.MaxMinDiversity;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.VisualTokens;
import java.util.Optional;

/**
 * DivPrune ("DivPrune: Diversity-based Visual Token Pruning for Large Multimodal Models", Alvar et al., CVPR
 * 2025, arXiv 2503.02175) on the encoder-output tokens: core {@link MaxMinDiversity#divPrune} (D = 1 - cos,
 * first pick = token whose nearest neighbour is farthest, then greedy max-min, O(KN) after the N x N block).
 * Kept tokens stay in original order.
 */
public final class DivPruneMethod implements VisualReducer, VisionMethod {
    @Override
    public String name() {
        return "divprune";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.SIMILARITY)
                .paper(
                        "DivPrune: Diversity-based Visual Token Pruning for Large Multimodal Models",
                        "Alvar et al.",
                        2025,
                        "https://arxiv.org/abs/2503.02175")
                .inputs("tokens")
                .implementation(dev.squeeze.core.select.MaxMinDiversity.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        return Selections.keepSorted(
                in.size(), MaxMinDiversity.divPrune(in.tokens().tokens(), keep));
    }
}
