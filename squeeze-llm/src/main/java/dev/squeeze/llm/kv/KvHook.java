package dev.squeeze.llm.kv;

/**
 * A press: called by the runtime with a {@link LayerView} after each layer's attention, (a) once per layer
 * after a prefill of several tokens (kvpress style: the whole context is attended in full, then
 * compressed) and (b) once per layer at every single-token decode step (after that step's attention, so
 * a budget holds from the next step on). It may read queries, keys, values and attention weights and
 * replace contents through {@link LayerView#transform} or swap stores through {@link LayerView#swap}.
 * Hooks that keep state (accumulated attention) must apply the same transforms to it.
 */
public interface KvHook {

    default void afterPrefillLayer(LayerView view) {}

    default void afterDecodeStep(LayerView view) {}

    /** Called when the session is reset (a new sequence starts); drop per-sequence state. */
    default void reset() {}

    /** One hook that calls {@code hooks} in order (e.g. evict, then quantise); nulls are skipped. */
    static KvHook chain(java.util.List<KvHook> hooks) {
        java.util.List<KvHook> hs = hooks.stream().filter(java.util.Objects::nonNull).toList();
        return new KvHook() {
            @Override public void afterPrefillLayer(LayerView view) { for (KvHook h : hs) h.afterPrefillLayer(view); }
            @Override public void afterDecodeStep(LayerView view) { for (KvHook h : hs) h.afterDecodeStep(view); }
            @Override public void reset() { for (KvHook h : hs) h.reset(); }
            @Override public String toString() { return "chain" + hs; }
        };
    }
}
