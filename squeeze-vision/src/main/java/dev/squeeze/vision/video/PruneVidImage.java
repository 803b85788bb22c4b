package dev.squeeze.vision.video;

import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.EncoderOutputMethod;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.HookContext;

/**
 * {@link PruneVid} on a one-frame clip at the encoder output: with a single frame every position is "static",
 * so PruneVid reduces to its spatial step, DPC-KNN (k = 5) clustering of the frame's tokens into K clusters
 * merged by mean (with proportional attention downstream). Reported as an image method to show what the video
 * reducers' merge step does on stills.
 */
public final class PruneVidImage extends EncoderOutputMethod {
    @Override
    public String name() { return "prunevid"; }

    @Override
    public TokenTransform reduce(HookContext ctx, int keep) {
        if (ctx.size() != CctModel.TOKENS) throw new IllegalArgumentException("prunevid image: expects the unreduced 256 tokens, got " + ctx.size());
        Clip clip = new Clip(ctx.tokens().tokens(), 1, ctx.size());
        return new PruneVid(0.9f, 0.8f, keep / (float) ctx.size()).reduce(clip);
    }
}
