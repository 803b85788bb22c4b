package dev.squeeze.text;

/**
 * Shortens a prompt or context to a token budget while keeping what the answer needs.
 *
 * <p>Contract for every implementation: thread-safe and reusable (no per-call state in fields, so one
 * instance can serve a server's worker pool), no global state, input never modified. Bad input fails with
 * an {@link IllegalArgumentException} naming what was wrong; nothing is clamped silently.
 */
public interface PromptCompressor {
    /** The catalog name of the method ("lexical", "llmlingua-2", ...). */
    String method();

    CompressionResult compress(CompressionRequest request);
}
