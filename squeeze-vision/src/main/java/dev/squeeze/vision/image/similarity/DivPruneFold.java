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
 * DivPrune's selection with merge-instead-of-drop: the K tokens of DivPrune ("DivPrune: Diversity-based Visual
 * Token Pruning for Large Multimodal Models", Alvar et al., CVPR 2025, arXiv 2503.02175; core
 * {@link MaxMinDiversity#divPrune}, D = 1 - cos) are kept, and each pruned token is folded into its most similar
 * kept token by cosine similarity ({@link NearestFold}, the fold of HoliTom, arXiv 2505.21334), size-weighted,
 * with proportional attention (ln size) downstream in block 3 and the pooling.
 *
 * <p>A documented composition of two published steps, not a single paper's method: DivPrune itself drops the
 * unselected tokens. Acts once at the encoder output (before block 3). No constants beyond K.
 */
public final class DivPruneFold implements VisualReducer, VisionMethod {
    @Override
    public String name() {
        return "divprune-fold";
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
                .implementation(DivPruneFold.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        int[] kept = MaxMinDiversity.divPrune(in.tokens().tokens(), keep);
        return NearestFold.fold(in.tokens().tokens(), kept, in.tokens().sizes());
    }
}
