package dev.squeeze.llm.runtime;

import dev.squeeze.llm.model.LlamaModel;
import java.util.List;

/**
 * Teacher-forced perplexity: each sequence (BOS first) is cut into windows of at most {@code context}
 * tokens, each window starting a fresh cache with BOS; every token after the first of a window is
 * predicted from the ones before it, fed one by one through {@link Session#step} (so decode-time presses
 * act at every step) or, in prefill mode, all at once through {@link Session#prefill} (hooks act after
 * each layer of the whole window).
 */
public final class Perplexity {
    private Perplexity() {}

    public record Result(double natsPerToken, double perplexity, long tokens, long peakKvBytes) {}

    public static Result evaluate(
            LlamaModel model, List<int[]> sequences, int context, SessionOptions options, boolean prefill) {
        int limit = model.config().seqLen();
        if (context < 2 || context > limit) {
            throw new IllegalArgumentException(
                    "context must be in [2, " + limit + "] (the model's seq_len), got " + context);
        }
        Session s = model.newSession(options);
        int vocab = model.config().vocabSize();
        double nll = 0;
        long count = 0;
        long peak = 0;
        int[] window = new int[context];
        for (int[] seq : sequences) {
            if (seq.length == 0) continue;
            int bos = seq[0]; // every window restarts from the sequence's first token (BOS)
            // windows: [BOS, seq[start .. start + context - 1)) starting at seq index 1
            int start = 1;
            while (start < seq.length) {
                int take = Math.min(context - 1, seq.length - start);
                window[0] = bos;
                System.arraycopy(seq, start, window, 1, take);
                int n = take + 1;
                s.reset();
                if (prefill) {
                    float[] all =
                            s.prefill(java.util.Arrays.copyOf(window, n), true).data();
                    for (int t = 0; t < n - 1; t++) nll += -logSoftmaxAt(all, t * vocab, vocab, window[t + 1]);
                } else {
                    for (int t = 0; t < n - 1; t++) {
                        float[] logits = s.step(window[t]);
                        nll += -logSoftmaxAt(logits, 0, vocab, window[t + 1]);
                    }
                }
                count += n - 1;
                peak = Math.max(peak, s.peakKvBytes());
                start += take;
            }
        }
        if (count == 0)
            throw new IllegalArgumentException("no tokens to score: every sequence is shorter than 2 tokens");
        double npt = nll / count;
        return new Result(npt, Math.exp(npt), count, peak);
    }

    /**
     * kvpress-style: each window's first {@code prefix} tokens are prefilled at once (presses compress after
     * each layer), then the rest is fed token by token (decode-time presses act at every step); only the
     * tokens after the prefix are scored, since the prefix's own predictions cannot see any compression.
     * Windows shorter than prefix + 1 tokens are skipped.
     */
    public static Result evaluateContinuation(
            LlamaModel model, List<int[]> sequences, int context, int prefix, SessionOptions options) {
        int limit = model.config().seqLen();
        if (context < 2 || context > limit) {
            throw new IllegalArgumentException(
                    "context must be in [2, " + limit + "] (the model's seq_len), got " + context);
        }
        if (prefix < 1 || prefix >= context)
            throw new IllegalArgumentException(
                    "prefix must be in [1, context - 1 = " + (context - 1) + "], got " + prefix);
        Session s = model.newSession(options);
        int vocab = model.config().vocabSize();
        double nll = 0;
        long count = 0, peak = 0;
        int[] window = new int[context];
        for (int[] seq : sequences) {
            if (seq.length == 0) continue;
            int bos = seq[0];
            for (int start = 1; start < seq.length; ) {
                int take = Math.min(context - 1, seq.length - start);
                window[0] = bos;
                System.arraycopy(seq, start, window, 1, take);
                int n = take + 1;
                start += take;
                if (n <= prefix) continue;
                s.reset();
                float[] logits = s.prefill(java.util.Arrays.copyOf(window, prefix), false)
                        .data();
                for (int t = prefix; t < n; t++) {
                    nll += -logSoftmaxAt(logits, 0, vocab, window[t]);
                    count++;
                    if (t + 1 < n) logits = s.step(window[t]);
                }
                peak = Math.max(peak, s.peakKvBytes());
            }
        }
        if (count == 0)
            throw new IllegalArgumentException("no tokens to score: no window is longer than the prefix " + prefix);
        double npt = nll / count;
        return new Result(npt, Math.exp(npt), count, peak);
    }

    /** log softmax(logits[off .. off+n))[target], computed in double. */
    public static double logSoftmaxAt(float[] logits, int off, int n, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, logits[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.exp(logits[off + i] - max);
        return logits[off + target] - max - Math.log(sum);
    }
}
