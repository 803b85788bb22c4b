package dev.squeeze.kv.api;

/**
 * What a {@link KvHook} may do once a whole prompt has run through the model ({@link KvHook#afterPrompt}):
 * run more tokens through the model on the current cache, observed by a hook of its own (KVzip's
 * reconstruction pass), and edit the cache and the position before decoding starts.
 */
public interface PromptPass {

    /** The model the prompt ran through: shape, RoPE, tokenizer. */
    KvModel model();

    KvCache cache();

    /** The prompt's token ids, a copy. */
    int[] prompt();

    /** Position of the prompt's first token. */
    int promptStart();

    /** Position the next token takes. */
    int position();

    /** Sets the position the next token takes, within [0, seq_len). */
    void setPosition(int position);

    /**
     * Runs {@code tokens} from {@link #position()} through every layer, appending their entries to the cache;
     * only {@code observer}'s {@link KvHook#afterPrefillLayer} sees the layers (the session's own presses do
     * not). No logits are computed; the position advances by {@code tokens.length}. The session's peak bytes
     * include what the pass holds.
     */
    void run(int[] tokens, KvHook observer);
}
