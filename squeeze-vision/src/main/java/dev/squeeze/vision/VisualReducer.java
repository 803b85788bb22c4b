package dev.squeeze.vision;

import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.TokenTransform;

/**
 * A visual-token method that reduces once, where the vision encoder hands its tokens to the language model (or at
 * one early LLM layer, for the in-LLM methods): a pure function of the tokens, the attention and keys the model
 * computed for them, and a budget. No model and no block index: an adapter calls it at the right point of its
 * model (the CCT's: {@code dev.squeeze.vision.cct.CctMethods}).
 */
public interface VisualReducer {

    /** Catalog name, also used in error messages. */
    String name();

    /** The transform of {@code in.tokens()} that leaves {@code budget} of the N tokens ({@link Budget#resolve}: round, at most N). */
    TokenTransform reduce(VisualTokens in, Budget budget);
}
