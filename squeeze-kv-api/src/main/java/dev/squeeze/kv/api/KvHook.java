package dev.squeeze.kv.api;

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

    /**
     * Called once after a prefill ran through every layer (after all {@link #afterPrefillLayer} calls and the
     * prompt's logits): a press may run the model on more tokens and edit the cache through {@code pass}
     * (KVzip scores the prompt's entries by reconstructing it, then evicts). Not called for single-token steps.
     */
    default void afterPrompt(PromptPass pass) {}

    /**
     * True when this press does its prefill-time work in {@link #afterPrompt}, once the whole prompt has run
     * (KVzip evicts there; KIVI and GEAR quantise there). In a chain, such a press may only be followed by
     * others of the kind: a press that works during the prompt's layers would see the cache before it.
     */
    default boolean actsAfterPrompt() {
        return false;
    }

    /** Called when the session is reset (a new sequence starts); drop per-sequence state. */
    default void reset() {}

    /** The full cache: a press that does nothing ("none"). Sessions skip it. */
    KvHook NONE = new KvHook() {
        @Override
        public String toString() {
            return "none";
        }
    };

    /** One hook that calls {@code hooks} in order (e.g. evict, then quantise); {@link #NONE} parts are skipped, and a chain of nothing else is NONE. */
    static KvHook chain(java.util.List<KvHook> hooks) {
        java.util.List<KvHook> hs = hooks.stream().filter(h -> h != NONE).toList();
        if (hs.isEmpty()) return NONE;
        if (hs.size() == 1) return hs.get(0);
        checkOrder(hs);
        boolean after = hs.stream().anyMatch(KvHook::actsAfterPrompt);
        return new KvHook() {
            @Override
            public void afterPrefillLayer(LayerView view) {
                for (KvHook h : hs) h.afterPrefillLayer(view);
            }

            @Override
            public void afterDecodeStep(LayerView view) {
                for (KvHook h : hs) h.afterDecodeStep(view);
            }

            @Override
            public void afterPrompt(PromptPass pass) {
                for (KvHook h : hs) h.afterPrompt(pass);
            }

            @Override
            public boolean actsAfterPrompt() {
                return after;
            }

            @Override
            public void reset() {
                for (KvHook h : hs) h.reset();
            }

            @Override
            public String toString() {
                return "chain" + hs;
            }
        };
    }

    /**
     * Fails when a press that works during the prompt's layers follows one that {@link #actsAfterPrompt acts
     * after the prompt}: it would compress the cache before the earlier press did, the reverse of the order given.
     */
    static void checkOrder(java.util.List<KvHook> hooks) {
        KvHook afterPrompt = null;
        for (KvHook h : hooks) {
            if (h.actsAfterPrompt()) {
                if (afterPrompt == null) afterPrompt = h;
            } else if (afterPrompt != null) {
                throw new IllegalArgumentException(
                        "press '" + h + "' works during the prompt's layers, so it cannot follow '" + afterPrompt
                                + "', which compresses once the whole prompt has run; put '" + h + "' first");
            }
        }
    }
}
