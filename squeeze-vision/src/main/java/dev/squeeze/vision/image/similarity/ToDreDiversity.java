package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.select.MaxMinDiversity;
import dev.squeeze.core.select.TopK;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.EncoderOutputMethod;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.model.HookContext;

/**
 * ToDRE stage 1 ("ToDRE: Visual Token Pruning via Diversity and Task Awareness for Efficient Large
 * Vision-Language Models", Li et al., 2025, arXiv 2505.18757 v1): greedy k-center on the encoder-output
 * tokens (core {@link MaxMinDiversity#kCenter}, squared Euclidean distance, O(KND) without an N x N matrix).
 * The first centre is the most salient token by the [CLS]-attention proxy (CCT's attention-pooling weights);
 * the paper's v1 leaves the seed open, this is our choice. Stage 2 lives in
 * {@link dev.squeeze.vision.llm.ToDreRelevance}.
 */
public final class ToDreDiversity extends EncoderOutputMethod {
    @Override
    public String name() { return "todre"; }

    @Override
    public TokenTransform reduce(HookContext ctx, int keep) {
        int first = TopK.argmax(ctx.poolAttention());
        return Selections.keepSorted(ctx.size(), MaxMinDiversity.kCenter(ctx.tokens().tokens(), keep, first));
    }
}
