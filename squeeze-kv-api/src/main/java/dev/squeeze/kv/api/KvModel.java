package dev.squeeze.kv.api;

import java.util.Optional;

/**
 * The model as the KV API sees it: its shape and RoPE, and what a press may ask of it beyond the cache. A press
 * factory receives one ({@link PressFactory#create}); a runtime implements it for its model (squeeze-llm's
 * {@code LlamaModel} does). {@link #of(ModelShape)} is the bare shape, enough for every press that only reads the
 * cache.
 */
public interface KvModel {

    ModelShape shape();

    /** The model's rotation (cos/sin table included), for re-rotating keys. */
    RopeRotation rope();

    /** Where the model came from (a file name), for messages. */
    String source();

    /** The tokenizer, when the model has one. */
    Optional<TextEncoder> textEncoder();

    /** False when {@link #probe} cannot run (a bare shape). */
    default boolean canProbe() {
        return true;
    }

    /**
     * Runs {@code tokens} on a fresh sequence (empty cache, positions from 0) through every layer, calling
     * {@code observer}'s {@link KvHook#afterPrefillLayer} once per layer with the layer's queries, cache and
     * attention; nothing else observes it and no other sequence of the model is touched. How a press inspects the
     * model itself: RazorAttention's retrieval-head probe, GemFilter's selection run, CSKV's calibration.
     *
     * @throws UnsupportedOperationException when {@link #canProbe()} is false
     */
    void probe(int[] tokens, KvHook observer);

    /** Only the shape (and RoPE): no tokenizer, no probe. Presses that need more say so when created. */
    static KvModel of(ModelShape shape) {
        RopeRotation rope = new RopeRotation(shape.rope(), shape.headDim(), Math.min(shape.seqLen(), 1 << 15));
        return new KvModel() {
            @Override
            public ModelShape shape() {
                return shape;
            }

            @Override
            public RopeRotation rope() {
                return rope;
            }

            @Override
            public String source() {
                return "a model of shape " + shape;
            }

            @Override
            public Optional<TextEncoder> textEncoder() {
                return Optional.empty();
            }

            @Override
            public boolean canProbe() {
                return false;
            }

            @Override
            public void probe(int[] tokens, KvHook observer) {
                throw new UnsupportedOperationException(
                        "only the model's shape is known here: running tokens needs the model itself (a KvModel such as squeeze-llm's LlamaModel)");
            }
        };
    }
}
