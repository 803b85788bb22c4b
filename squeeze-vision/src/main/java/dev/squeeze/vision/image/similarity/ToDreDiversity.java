package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.MaxMinDiversity;
import dev.squeeze.core.select.TopK;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.VisualTokens;
import java.util.Optional;

/**
 * ToDRE stage 1 ("ToDRE: Visual Token Pruning via Diversity and Task Awareness for Efficient Large
 * Vision-Language Models", Li et al., 2025, arXiv 2505.18757 v1): greedy k-center on the encoder-output
 * tokens (core {@link MaxMinDiversity#kCenter}, squared Euclidean distance, O(KND) without an N x N matrix).
 * The first centre is the most salient token by the [CLS]-attention proxy (CCT's attention-pooling weights);
 * the paper's v1 leaves the seed open, this is our choice. Stage 2 lives in
 * {@link dev.squeeze.vision.llm.ToDreRelevance}.
 */
public final class ToDreDiversity implements VisualReducer, VisionMethod {
    @Override
    public String name() {
        return "todre";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.SIMILARITY)
                .paper(
                        "ToDRE: Visual Token Pruning via Diversity and Task Awareness for Efficient Large Vision-Language Models",
                        "Li et al.",
                        2025,
                        "https://arxiv.org/abs/2505.18757")
                .inputs("tokens", "cls-attention")
                .implementation(ToDreDiversity.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        int first = TopK.argmax(in.clsAttention());
        return Selections.keepSorted(
                in.size(), MaxMinDiversity.kCenter(in.tokens().tokens(), keep, first));
    }
}
