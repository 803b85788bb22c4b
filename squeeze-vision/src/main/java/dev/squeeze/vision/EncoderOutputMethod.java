package dev.squeeze.vision;

import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.cct.CctMethod;
import dev.squeeze.vision.model.HookContext;
import dev.squeeze.vision.model.Reducer;

/**
 * A method that reduces the visual tokens once, where the vision encoder hands them to the language model
 * (before block {@link CctMethod#LLM_START} of the CCT), with the encoder's attention available.
 */
public abstract class EncoderOutputMethod implements CctMethod {

    /** The transform to apply to {@code ctx.tokens()} so that {@code keep} tokens remain. */
    public abstract TokenTransform reduce(HookContext ctx, int keep);

    @Override
    public int firstHookLayer() { return LLM_START; }

    @Override
    public Reducer reducer(int keep) {
        return new Reducer() {
            @Override
            public TokenTransform beforeBlock(HookContext ctx) {
                if (ctx.layer() != LLM_START) return null;
                Selections.checkKeep(name(), keep, ctx.size());
                return keep == ctx.size() ? null : reduce(ctx, keep);
            }
        };
    }
}
