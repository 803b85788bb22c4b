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
 * VTC-CLS ("[CLS] Attention is All You Need for Training-Free Visual Token Pruning: Make VLM Inference Faster",
 * Zhang et al., 2024, arXiv 2412.01818): score = sum over encoder layers of the head-mean [CLS]->patch
 * attention (the multi-layer ensemble); keep the top K.
 *
 * <p>CCT has no [CLS]: the attention-pooling weights evaluated on each encoder block's output (blocks 0 and
 * 1) stand in for that layer's [CLS] attention; the ensemble sums them.
 */
public final class VtcCls implements VisualReducer, VisionMethod {
    @Override
    public String name() {
        return "vtc-cls";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "[CLS] Attention is All You Need for Training-Free Visual Token Pruning: Make VLM Inference Faster",
                        "Zhang et al.",
                        2024,
                        "https://arxiv.org/abs/2412.01818")
                .inputs("tokens", "cls-attention-per-layer")
                .implementation(VtcCls.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        int n = in.size();
        float[] score = new float[n];
        for (int i = 0; i < in.layers().size(); i++) {
            float[] w = in.layerClsAttention(i);
            for (int j = 0; j < n; j++) score[j] += w[j];
        }
        if (in.layers().isEmpty()) score = in.clsAttention();
        return Selections.topK(score, keep);
    }
}
