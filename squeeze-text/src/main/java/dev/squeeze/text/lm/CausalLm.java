package dev.squeeze.text.lm;

/**
 * The little a perplexity-based compressor needs from a causal language model. squeeze-text does not depend
 * on a runtime; adapt any model (e.g. squeeze-llm's Llama) to this. Implementations must be thread-safe.
 */
public interface CausalLm {
    /** Token ids of {@code text}, without BOS. */
    int[] encode(String text);

    /** Text of token ids (inverse of {@link #encode} for the model's own tokens). */
    String decode(int[] ids);

    /**
     * Per-token loss of a sequence read left to right after BOS: {@code loss[i] = -ln p(ids[i] | BOS, ids[0..i))}
     * in nats; same length as {@code ids}.
     */
    float[] tokenLosses(int[] ids);

    /** Longest sequence {@link #tokenLosses} accepts (the model's context window). */
    default int contextLength() {
        return Integer.MAX_VALUE;
    }
}
