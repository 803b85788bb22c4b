package dev.squeeze.vision;

import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.AnyRes;

/** A reducer for AnyRes (thumbnail + crops) visual tokens, applied where the encoder hands them to the LLM. */
public interface AnyResReducer {
    String name();

    /** The transform leaving {@code keep} of the {@code views * perView} tokens. */
    TokenTransform reduce(AnyRes input, int keep);
}
