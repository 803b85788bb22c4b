package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.select.BipartiteSoftMatching;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.EncoderOutputMethod;
import dev.squeeze.vision.model.HookContext;

/**
 * ToMe ("Token Merging: Your ViT But Faster", Bolya et al., ICLR 2023, arXiv 2210.09461) used the way VLM token
 * reducers use it: once, on the vision encoder's output (before block 3), repeated bipartite soft matching
 * rounds (core {@link BipartiteSoftMatching}, cosine, alternate A/B split, r = min(N - K, floor(N / 2)) per round)
 * until exactly K tokens remain; size-weighted averages, proportional attention (ln size) in block 3 and the
 * pooling. The metric is the encoder-output tokens themselves (the keys ToMe uses inside a ViT block belong to a
 * block that has already run here); no [CLS] is protected (CCT has none). The in-every-block ToMe of the paper
 * is {@link ToMeSchedule}.
 */
public final class ToMeEncoder extends EncoderOutputMethod {
    @Override
    public String name() { return "tome-encoder"; }

    @Override
    public TokenTransform reduce(HookContext ctx, int keep) {
        FloatMatrix x = ctx.tokens().tokens();
        float[] sizes = ctx.tokens().sizes();
        TokenTransform t = null;
        while (x.rows() > keep) {
            int r = Math.min(x.rows() - keep, x.rows() / 2);
            TokenTransform m = BipartiteSoftMatching.merge(x, sizes, r, false);
            x = m.apply(x);
            sizes = m.applyToSizes(sizes);
            t = t == null ? m : m.after(t);
        }
        return t;
    }
}
