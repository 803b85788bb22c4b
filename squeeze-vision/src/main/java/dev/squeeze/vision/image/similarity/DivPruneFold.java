package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.select.MaxMinDiversity;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.EncoderOutputMethod;
import dev.squeeze.vision.model.HookContext;

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
public final class DivPruneFold extends EncoderOutputMethod {
    @Override
    public String name() { return "divprune-fold"; }

    @Override
    public TokenTransform reduce(HookContext ctx, int keep) {
        int[] kept = MaxMinDiversity.divPrune(ctx.tokens().tokens(), keep);
        return NearestFold.fold(ctx.tokens().tokens(), kept, ctx.tokens().sizes());
    }
}
