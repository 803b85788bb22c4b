package dev.squeeze.vision.image.attention;

import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.BlockTrace;
import dev.squeeze.vision.EncoderOutputMethod;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.model.HookContext;

/**
 * VTC-CLS ("[CLS] Attention is All You Need for Training-Free Visual Token Pruning: Make VLM Inference Faster",
 * Zhang et al., 2024, arXiv 2412.01818): score = sum over encoder layers of the head-mean [CLS]->patch
 * attention (the multi-layer ensemble); keep the top K.
 *
 * <p>CCT has no [CLS]: the attention-pooling weights evaluated on each encoder block's output (blocks 0 and
 * 1) stand in for that layer's [CLS] attention; the ensemble sums them.
 */
public final class VtcCls extends EncoderOutputMethod {
    @Override
    public String name() { return "vtc-cls"; }

    @Override
    public TokenTransform reduce(HookContext ctx, int keep) {
        int n = ctx.size();
        float[] score = new float[n];
        for (BlockTrace t : ctx.history()) {
            TokenSet out = new TokenSet(t.output(), ctx.tokens().sizes(), ctx.tokens().positions(), ctx.tokens().provenance());
            float[] w = ctx.model().poolWeights(out);
            for (int j = 0; j < n; j++) score[j] += w[j];
        }
        if (ctx.history().isEmpty()) score = ctx.poolAttention();
        return Selections.topK(score, keep);
    }
}
