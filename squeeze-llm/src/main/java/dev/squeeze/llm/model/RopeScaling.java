package dev.squeeze.llm.model;

import dev.squeeze.kv.api.RopeSpec;

/**
 * Llama-3.1 RoPE frequency scaling: wavelengths shorter than {@code originalContext / highFreqFactor} are
 * kept, longer than {@code originalContext / lowFreqFactor} divided by {@code factor}, and those between
 * interpolated smoothly (Llama 3.1 defaults: 8, 1, 4, 8192).
 */
public record RopeScaling(float factor, float lowFreqFactor, float highFreqFactor, int originalContext) {
    public RopeScaling {
        if (!(factor >= 1f)) throw new IllegalArgumentException("rope scaling factor must be >= 1, got " + factor);
        if (!(highFreqFactor > lowFreqFactor)) {
            throw new IllegalArgumentException("rope high_freq_factor (" + highFreqFactor + ") must exceed low_freq_factor (" + lowFreqFactor + ")");
        }
        if (originalContext <= 0) throw new IllegalArgumentException("rope original context must be > 0, got " + originalContext);
    }

    /** The scaled angular frequency. */
    public double scale(double freq) { return toSpec().scale(freq); }

    /** The same scaling as the KV API describes it. */
    public RopeSpec.Scaling toSpec() { return new RopeSpec.Scaling(factor, lowFreqFactor, highFreqFactor, originalContext); }
}
