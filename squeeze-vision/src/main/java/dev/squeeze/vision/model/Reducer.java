package dev.squeeze.vision.model;

import dev.squeeze.core.transform.TokenTransform;
import java.util.Optional;

/**
 * Where a token reducer acts in the {@link CctModel} forward pass. Each hook sees the current token set and
 * the model's attention so far, and returns the {@link TokenTransform} to apply, or empty to leave the tokens
 * as they are. The model applies the transform to features, sizes, positions and provenance together, and
 * from then on uses proportional attention (log sizes added to every attention and pooling logit). Methods are
 * written against the model-independent API ({@code dev.squeeze.vision.VisualReducer} and friends) and wired
 * into these hooks by the CCT adapter ({@code dev.squeeze.vision.cct.CctMethods}).
 */
public interface Reducer {

    /**
     * Before block {@code ctx.layer()}: layer 0 is right after the tokenizer, layer L (the number of blocks)
     * is before the final norm and pooling.
     */
    default Optional<TokenTransform> beforeBlock(HookContext ctx) {
        return Optional.empty();
    }

    /** Inside block {@code ctx.layer()}, after its attention residual and before its MLP (where ToMe merges). */
    default Optional<TokenTransform> insideBlock(HookContext ctx) {
        return Optional.empty();
    }

    /** The unreduced model. */
    Reducer NONE = new Reducer() {};
}
