package dev.squeeze.vision.image.attention;

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
 * FasterVLM ("[CLS] Attention is All You Need for Training-Free Visual Token Pruning" / "FasterVLM", Zhang et
 * al., 2024, arXiv 2412.01818): keep the top-K image tokens by the [CLS] attention of the vision encoder's
 * last (penultimate-feature) layer, before the projector.
 *
 * <p>CCT adaptation: the attention-pooling weights on the encoder-output tokens (block 1) are the [CLS]
 * attention.
 */
public final class FasterVlm implements VisualReducer, VisionMethod {
    @Override
    public String name() {
        return "fastervlm";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "[CLS] Attention is All You Need for Training-Free Visual Token Pruning (FasterVLM)",
                        "Zhang et al.",
                        2024,
                        "https://arxiv.org/abs/2412.01818")
                .inputs("tokens", "cls-attention")
                .implementation(FasterVlm.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        return Selections.topK(in.clsAttention(), keep);
    }
}
