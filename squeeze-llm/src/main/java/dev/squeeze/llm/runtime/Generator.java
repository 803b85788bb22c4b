package dev.squeeze.llm.runtime;

import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.tokenizer.Tokenizer;
import dev.squeeze.llm.tokenizer.Utf8Stream;
import java.util.function.Consumer;

/** Prompt in, tokens out: prefill the prompt, then sample token by token, streaming text pieces. */
public final class Generator {
    private Generator() {}

    /**
     * What a generation produced.
     *
     * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
     * maker nor its readers modify them.
     *
     * @param stoppedAtContext true when generation ended because the model's context was full
     */
    public record Result(
            String text,
            int[] tokens,
            int promptTokens,
            double prefillSeconds,
            double decodeSeconds,
            boolean stoppedAtContext) {
        public double decodeTokensPerSecond() {
            return decodeSeconds == 0 ? 0 : tokens.length / decodeSeconds;
        }
    }

    /**
     * Generates up to {@code maxTokens} tokens after BOS + prompt (stops early at BOS or EOS, like llama2.c,
     * or when the context is full, which the result reports).
     * Text pieces go to {@code sink} as soon as they form complete UTF-8 characters.
     */
    public static Result generate(
            LlamaModel model, Session session, String prompt, int maxTokens, Sampler sampler, Consumer<String> sink) {
        if (maxTokens <= 0) throw new IllegalArgumentException("max tokens must be > 0, got " + maxTokens);
        Tokenizer tok = model.tokenizer();
        int[] promptIds = tok.encode(prompt, true);
        int limit = model.config().seqLen();
        if (promptIds.length >= limit) {
            throw new IllegalArgumentException(
                    "the prompt is " + promptIds.length + " tokens; the model's context is " + limit);
        }
        long t0 = System.nanoTime();
        float[] logits = session.prefill(promptIds, false).data();
        double prefillSeconds = (System.nanoTime() - t0) / 1e9;
        return sample(
                model,
                session,
                logits,
                promptIds[promptIds.length - 1],
                promptIds.length,
                maxTokens,
                prefillSeconds,
                sampler,
                sink);
    }

    /**
     * The decode half of generation: samples up to {@code maxTokens} tokens (fewer if the context fills) from a
     * session that already holds {@code contextTokens} tokens, {@code logits} being the prediction after the last
     * of them ({@code lastToken}). Shared by {@link #generate} and by callers that restore a stored cache.
     */
    public static Result sample(
            LlamaModel model,
            Session session,
            float[] logits,
            int lastToken,
            int contextTokens,
            int maxTokens,
            double prefillSeconds,
            Sampler sampler,
            Consumer<String> sink) {
        if (maxTokens <= 0) throw new IllegalArgumentException("max tokens must be > 0, got " + maxTokens);
        Tokenizer tok = model.tokenizer();
        int limit = model.config().seqLen();
        if (contextTokens >= limit) {
            throw new IllegalArgumentException(
                    "the context holds " + contextTokens + " tokens; the model's context is " + limit);
        }
        int steps = Math.min(maxTokens, limit - contextTokens);
        long t1 = System.nanoTime();
        int vocab = model.config().vocabSize();
        int[] out = new int[steps];
        int n = 0;
        int prev = lastToken;
        Utf8Stream utf8 = new Utf8Stream();
        StringBuilder text = new StringBuilder();
        while (n < steps) {
            int next = sampler.sample(logits, vocab);
            if (next == tok.bos() || next == tok.eos()) break;
            out[n++] = next;
            String piece = utf8.push(tok.decodeBytes(prev, next));
            if (!piece.isEmpty()) {
                text.append(piece);
                sink.accept(piece);
            }
            prev = next;
            if (n < steps) logits = session.step(next);
        }
        String rest = utf8.flush();
        if (!rest.isEmpty()) {
            text.append(rest);
            sink.accept(rest);
        }
        long t2 = System.nanoTime();
        boolean atContext = n == steps && steps < maxTokens;
        return new Result(
                text.toString(),
                java.util.Arrays.copyOf(out, n),
                contextTokens,
                prefillSeconds,
                (t2 - t1) / 1e9,
                atContext);
    }
}
