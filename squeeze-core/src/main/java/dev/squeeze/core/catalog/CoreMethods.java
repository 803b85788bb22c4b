package dev.squeeze.core.catalog;

import dev.squeeze.core.select.BipartiteSoftMatching;
import dev.squeeze.core.select.MaxMinDiversity;

import java.util.List;

/** Methods whose whole algorithm lives in squeeze-core (the model-side wiring lives in the modules). */
public final class CoreMethods implements MethodProvider {
    @Override
    public List<MethodInfo> methods() {
        return List.of(
                MethodInfo.builder("tome")
                        .family(Family.VIT).mechanism(Mechanism.SIMILARITY)
                        .paper("Token Merging: Your ViT But Faster", "Bolya et al.", 2023, "https://arxiv.org/abs/2210.09461")
                        .inputs("tokens", "attention-keys", "token-sizes")
                        .implementation(BipartiteSoftMatching.class)
                        .notes("Alternating A/B split, [CLS] protected, r most similar A->B edges merged by size-weighted "
                                + "average; proportional attention via ProportionalAttention. r > |A| is rejected, not clamped.")
                        .build(),
                MethodInfo.builder("divprune")
                        .family(Family.IMAGE).mechanism(Mechanism.SIMILARITY)
                        .paper("DivPrune: Diversity-based Visual Token Pruning for Large Multimodal Models",
                                "Alvar et al.", 2025, "https://arxiv.org/abs/2503.02175")
                        .inputs("tokens")
                        .implementation(MaxMinDiversity.class)
                        .notes("Cosine distance 1 - cos; first pick = token whose nearest neighbour is farthest; greedy "
                                + "max-min with a running min-distance vector: O(KN) after the N x N block (reference: O(K^2 N)).")
                        .build());
    }
}
