package dev.squeeze.llm.model;

import dev.squeeze.kv.api.RopeSpec;

/**
 * Llama-3.1 RoPE frequency scaling: wavelengths shorter than {@code originalContext / highFreqFactor} are
 * kept, longer than {@code originalContext / lowFreqFactor} divided by {@code factor}, and those between
 * interpolated smoothly (Llama 3.1 defaults: 8, 1, 4, 8192).
 */
public record RopeScaling(float factor, float lowFreqFactor, float highFreqFactor, int originalContext) {
    public RopeScaling {
        new RopeSpec.Scaling(factor, lowFreqFactor, highFreqFactor, originalContext); // validates, naming the bad value
    }

    /** The scaled angular frequency. */
    public double scale(double freq) {
        return toSpec().scale(freq);
    }

    /** The same scaling as the KV API describes it (the formula lives there). */
    public RopeSpec.Scaling toSpec() {
        return new RopeSpec.Scaling(factor, lowFreqFactor, highFreqFactor, originalContext);
    }
}
