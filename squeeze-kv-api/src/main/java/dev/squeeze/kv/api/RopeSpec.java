package dev.squeeze.kv.api;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A model's rotary position embedding, described without the model: angles are position x freq_i with
 * freq_i = theta^(-2i / hd) for pair i of a head of width hd, optionally Llama-3.1 scaled ({@link Scaling}) and
 * divided by per-pair factors (GGUF Llama-3.1 files store them as {@code rope_freqs.weight}). What a press needs
 * to turn a key by a position delta ({@link RopeRotation}).
 *
 * @param theta             the base (10,000 for Llama 2, 500,000 for Llama 3)
 * @param style             which dimensions form a pair
 * @param scaling           Llama-3.1 frequency scaling, or null for none
 * @param frequencyFactors  per-pair divisors of the frequencies (hd/2 values), or an empty array or null for none; copied in
 *                          and out, so the record stays immutable
 */
public record RopeSpec(double theta, Style style, @Nullable Scaling scaling, float @Nullable [] frequencyFactors) {

    /** Which dimensions RoPE rotates together within a head. */
    public enum Style {
        /** Pairs (2i, 2i+1): llama2.c checkpoints, GGUF "llama" tensors. */
        INTERLEAVED,
        /** Pairs (i, i + hd/2), "rotate half": Hugging Face checkpoints, GGUF qwen2. */
        HALF
    }

    /**
     * Llama-3.1 frequency scaling: wavelengths shorter than {@code originalContext / highFreqFactor} are kept,
     * longer than {@code originalContext / lowFreqFactor} divided by {@code factor}, those between interpolated
     * smoothly (Llama 3.1 defaults: 8, 1, 4, 8192). Single precision, as model files store it.
     */
    public record Scaling(float factor, float lowFreqFactor, float highFreqFactor, int originalContext) {
        public Scaling {
            if (!(factor >= 1f)) throw new IllegalArgumentException("rope scaling factor must be >= 1, got " + factor);
            if (!(highFreqFactor > lowFreqFactor)) {
                throw new IllegalArgumentException("rope high_freq_factor (" + highFreqFactor
                        + ") must exceed low_freq_factor (" + lowFreqFactor + ")");
            }
            if (originalContext <= 0)
                throw new IllegalArgumentException("rope original context must be > 0, got " + originalContext);
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

    public RopeSpec {
        if (!(theta > 0) || !Double.isFinite(theta))
            throw new IllegalArgumentException("rope theta must be > 0 and finite, got " + theta);
        Objects.requireNonNull(style, "rope style");
        frequencyFactors = frequencyFactors == null ? new float[0] : frequencyFactors.clone();
        for (int i = 0; i < frequencyFactors.length; i++) {
            if (!(frequencyFactors[i] > 0f) || !Float.isFinite(frequencyFactors[i])) {
                throw new IllegalArgumentException(
                        "rope frequency factor " + i + " must be > 0 and finite, got " + frequencyFactors[i]);
            }
        }
    }

    /** Plain RoPE: no scaling, no factors. */
    public static RopeSpec of(double theta, Style style) {
        return new RopeSpec(theta, style, null, new float[0]);
    }

    /** The per-pair divisors, a copy (empty when none). */
    @Override
    public float[] frequencyFactors() {
        return frequencyFactors == null ? new float[0] : frequencyFactors.clone();
    }

    /** freq_i for the pairs of a head of width {@code headDim}: (headDim / 2) values. */
    public double[] frequencies(int headDim) {
        if (headDim <= 0 || headDim % 2 != 0)
            throw new IllegalArgumentException("head_dim must be even and > 0 for RoPE, got " + headDim);
        int half = headDim / 2;
        float[] factors = frequencyFactors();
        if (factors.length != 0 && factors.length != half) {
            throw new IllegalArgumentException(
                    "rope frequency factors have " + factors.length + " values, expected head_dim/2 = " + half);
        }
        double[] freq = new double[half];
        for (int i = 0; i < half; i++) {
            double f = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
            freq[i] = scaling == null ? f : scaling.scale(f);
            if (factors.length != 0) freq[i] /= factors[i];
        }
        return freq;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RopeSpec r
                && r.theta == theta
                && r.style == style
                && Objects.equals(r.scaling, scaling)
                && Arrays.equals(r.frequencyFactors(), frequencyFactors());
    }

    @Override
    public int hashCode() {
        return Objects.hash(theta, style, scaling, Arrays.hashCode(frequencyFactors()));
    }

    @Override
    public String toString() {
        return "RopeSpec[theta=" + theta + ", style=" + style + ", scaling=" + scaling + ", frequencyFactors="
                + Arrays.toString(frequencyFactors()) + "]";
    }
}
