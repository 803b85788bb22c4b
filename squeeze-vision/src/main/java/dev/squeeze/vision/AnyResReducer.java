package dev.squeeze.vision;

import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.TokenTransform;

/** A reducer for AnyRes (thumbnail + crops) visual tokens, applied where the encoder hands them to the LLM. */
public interface AnyResReducer {
    String name();

    /** The transform leaving {@code budget} of the {@code views * perView} tokens. */
    TokenTransform reduce(AnyRes input, Budget budget);
}
