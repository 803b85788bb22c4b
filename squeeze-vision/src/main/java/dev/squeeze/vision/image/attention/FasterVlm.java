package dev.squeeze.vision.image.attention;

import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.EncoderOutputMethod;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.model.HookContext;

/**
 * FasterVLM ("[CLS] Attention is All You Need for Training-Free Visual Token Pruning" / "FasterVLM", Zhang et
 * al., 2024, arXiv 2412.01818): keep the top-K image tokens by the [CLS] attention of the vision encoder's
 * last (penultimate-feature) layer, before the projector.
 *
 * <p>CCT adaptation: the attention-pooling weights on the encoder-output tokens (block 1) are the [CLS]
 * attention.
 */
public final class FasterVlm extends EncoderOutputMethod {
    @Override
    public String name() { return "fastervlm"; }

    @Override
    public TokenTransform reduce(HookContext ctx, int keep) { return Selections.topK(ctx.poolAttention(), keep); }
}
