package dev.squeeze.llm.model;

import dev.squeeze.kv.api.RopeRotation;
import org.jspecify.annotations.Nullable;

/**
 * Rotary position embedding of a Llama-family model: the KV API's {@link RopeRotation} for the model's
 * {@link LlamaConfig#ropeSpec RoPE description}, with a cos/sin table covering positions [0, min(seqLen, 32768));
 * any other (also fractional) position is computed on the fly, which is how keys are re-rotated by a position
 * delta (rotations compose additively).
 */
public final class Rope extends RopeRotation {
    /** Positions whose cos/sin the table holds; later ones are computed on the fly. */
    public static final int TABLE_POSITIONS = 1 << 15;

    public Rope(LlamaConfig c) {
        this(c, null);
    }

    /**
     * @param freqFactors per-pair divisors of the frequencies (hd/2), as GGUF Llama-3.1 files store them in
     *                    {@code rope_freqs.weight}; null for none
     */
    public Rope(LlamaConfig c, float @Nullable [] freqFactors) {
        super(
                c.ropeSpec(freqFactors),
                c.headDim(),
                Math.min(c.seqLen(), TABLE_POSITIONS)); // beyond the table: on the fly
    }
}
