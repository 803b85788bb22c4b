package dev.squeeze.core.catalog;

/** Which tokens a method reduces. */
public enum Family {
    /** Prompt and context text. */
    TEXT,
    /** The KV cache of a decoder. */
    KV,
    /** Visual tokens of one image (before or inside the language model). */
    IMAGE,
    /** Visual tokens of a video. */
    VIDEO,
    /** Audio tokens. */
    AUDIO,
    /** Tokens inside a vision transformer's own blocks. */
    VIT,
    /**
     * None: the decoding loop itself (speculative decoding), which reduces forward passes, not tokens, and leaves
     * the output unchanged.
     */
    DECODING;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
