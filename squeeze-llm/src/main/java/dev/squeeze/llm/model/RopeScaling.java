package dev.squeeze.llm.model;

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
    public double scale(double freq) {
        double wavelen = 2 * Math.PI / freq;
        double lowWavelen = originalContext / (double) lowFreqFactor;
        double highWavelen = originalContext / (double) highFreqFactor;
        if (wavelen < highWavelen) return freq;
        if (wavelen > lowWavelen) return freq / factor;
        double smooth = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * freq / factor + smooth * freq;
    }
}
