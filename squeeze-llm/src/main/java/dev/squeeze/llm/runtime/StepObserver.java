package dev.squeeze.llm.runtime;

/** Called after every decode step and every prefill (after the presses ran): per-step observability. */
@FunctionalInterface
public interface StepObserver {
    /**
     * @param session   the session (read its {@link Session#cache()} for bytes and tokens per head)
     * @param position  the position the next token will take
     * @param tokens    tokens processed by this call (1 for a decode step)
     */
    void afterStep(Session session, int position, int tokens);
}
