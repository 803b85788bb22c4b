package dev.squeeze.cachegen;

import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Perplexity;
import dev.squeeze.llm.runtime.Session;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Teacher-forced perplexity of a continuation after loading a stored cache vs. the full cache. The sequences
 * (each BOS + tokens) are concatenated and cut into windows of {@code context + continuation} tokens; per
 * window the first {@code context - 1} tokens are prefilled, their cache is encoded, decoded and restored into
 * a second session, and both sessions then run the last context token and the continuation token by token;
 * every continuation token is scored in both.
 */
public final class RoundTripPerplexity {
    private RoundTripPerplexity() {}

    /**
     * @param fullNats    nats/token with the full (never encoded) cache
     * @param loadedNats  nats/token after the round trip
     * @param bytes       stream bytes summed over windows
     * @param fp16Bytes   fp16 bytes of the same caches
     * @param cachedTokens tokens whose cache was stored, summed
     * @param scored      tokens scored
     * @param top1Agreement fraction of scored positions where both argmaxes agree
     */
    public record Result(
            double fullNats,
            double loadedNats,
            long bytes,
            long fp16Bytes,
            long cachedTokens,
            long scored,
            double top1Agreement) {
        public double pplRatio() {
            return Math.exp(loadedNats - fullNats);
        }

        public double compression() {
            return (double) fp16Bytes / bytes;
        }
    }

    public static Result evaluate(
            LlamaModel model,
            List<int[]> sequences,
            int context,
            int continuation,
            int maxWindows,
            CacheGenEncoder encoder)
            throws IOException {
        if (context < 2
                || continuation < 1
                || context + continuation > model.config().seqLen()) {
            throw new IllegalArgumentException("context (" + context + ") + continuation (" + continuation
                    + ") must fit seq_len " + model.config().seqLen() + ", context >= 2");
        }
        int total = 0;
        for (int[] s : sequences) total += s.length;
        int[] all = new int[total];
        int at = 0;
        for (int[] s : sequences) {
            System.arraycopy(s, 0, all, at, s.length);
            at += s.length;
        }
        ModelFingerprint fp = ModelFingerprint.of(model);
        int vocab = model.config().vocabSize();
        int w = context + continuation;
        Session a = model.newSession(), b = model.newSession();
        double nllA = 0, nllB = 0;
        long bytes = 0, fp16 = 0, cached = 0, scored = 0, agree = 0;
        for (int win = 0; win < maxWindows && (long) (win + 1) * w <= total; win++) {
            int[] tok = Arrays.copyOfRange(all, win * w, (win + 1) * w);
            int[] ctx = Arrays.copyOf(tok, context - 1);
            a.reset();
            a.prefill(ctx, false);
            KvSnapshot snap = KvSnapshot.of(a.cache(), ctx);
            EncodedStream enc = encoder.encode(snap, fp);
            bytes += enc.bytes();
            fp16 += snap.fp16Bytes();
            cached += ctx.length;
            KvSnapshot back;
            try (CacheGenReader r = CacheGenReader.of(enc.toByteArray(), "round-trip stream")) {
                back = r.decode(fp);
            }
            back.restoreInto(b);
            for (int t = context - 1; t < w - 1; t++) {
                float[] la = a.step(tok[t]);
                int argA = argmax(la, vocab);
                nllA -= Perplexity.logSoftmaxAt(la, 0, vocab, tok[t + 1]);
                float[] lb = b.step(tok[t]);
                nllB -= Perplexity.logSoftmaxAt(lb, 0, vocab, tok[t + 1]);
                if (argmax(lb, vocab) == argA) agree++;
                scored++;
            }
        }
        if (scored == 0)
            throw new IllegalArgumentException("the text holds fewer than " + w + " tokens: no window to score");
        return new Result(nllA / scored, nllB / scored, bytes, fp16, cached, scored, (double) agree / scored);
    }

    static int argmax(float[] v, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
