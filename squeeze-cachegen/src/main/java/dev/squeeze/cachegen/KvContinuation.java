package dev.squeeze.cachegen;

import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Generator;
import dev.squeeze.llm.runtime.Sampler;
import dev.squeeze.llm.runtime.Session;
import dev.squeeze.llm.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Generation that continues from a stored cache instead of recomputing its context: the stream is decoded
 * (after its model fingerprint and checksums are checked), every token but the last is restored into the
 * session, and the last context token plus the prompt (encoded without BOS; the tokenizer's dummy prefix gives
 * it a leading space) are prefilled; sampling then proceeds as in {@link Generator}.
 */
public final class KvContinuation {
    private KvContinuation() {}

    public static Generator.Result generate(
            LlamaModel model,
            Path kvFile,
            @Nullable String prompt,
            int maxTokens,
            Sampler sampler,
            Consumer<String> sink)
            throws IOException {
        if (maxTokens <= 0) throw new IllegalArgumentException("max tokens must be > 0, got " + maxTokens);
        long t0 = System.nanoTime();
        KvSnapshot snap;
        try (CacheGenReader r = CacheGenReader.open(kvFile)) {
            snap = r.decode(ModelFingerprint.of(model));
        }
        Session session = model.newSession();
        return continueFrom(model, session, snap, prompt, maxTokens, sampler, sink, t0);
    }

    static Generator.Result continueFrom(
            LlamaModel model,
            Session session,
            KvSnapshot snap,
            @Nullable String prompt,
            int maxTokens,
            Sampler sampler,
            Consumer<String> sink,
            long t0) {
        int T = snap.tokenCount();
        if (T == 0) throw new IllegalArgumentException("the stored cache holds no tokens");
        Tokenizer tok = model.tokenizer();
        int[] promptIds = prompt == null || prompt.isEmpty() ? new int[0] : tok.encode(prompt, false);
        int limit = model.config().seqLen();
        int used = T + promptIds.length;
        if (used >= limit) {
            throw new IllegalArgumentException("the stored cache (" + T + " tokens) and the prompt (" + promptIds.length
                    + " tokens) fill the model's context of " + limit + ": nothing can be generated");
        }
        snap.prefix(T - 1).restoreInto(session);
        int[] rest = new int[1 + promptIds.length];
        rest[0] = snap.tokens()[T - 1];
        System.arraycopy(promptIds, 0, rest, 1, promptIds.length);
        float[] logits = session.prefill(rest, false).data();
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        return Generator.sample(
                model, session, logits, rest[rest.length - 1], used, maxTokens, loadSeconds, sampler, sink);
    }
}
