package dev.squeeze.llm.runtime;

import dev.squeeze.llm.model.LlamaModel;
import java.util.List;

/**
 * A compressed cache against the full one, teacher-forced and token by token (decode-time presses act at
 * every step): two sessions read the same windows (BOS + up to context - 1 tokens of each sequence) and
 * every prediction is compared.
 */
public final class Fidelity {
    private Fidelity() {}

    /**
     * @param referenceNats  nats/token of the reference session
     * @param candidateNats  nats/token of the candidate session
     * @param pplRatio       exp(candidate - reference): the perplexity ratio
     * @param agreement      fraction of positions where both sessions' argmax agree
     * @param kl             mean KL(reference || candidate) of the next-token distributions, nats
     * @param tokens         scored predictions
     * @param referencePeakKvBytes largest reference cache at the end of a step
     * @param candidatePeakKvBytes largest candidate cache at the end of a step
     */
    public record Result(
            double referenceNats,
            double candidateNats,
            double pplRatio,
            double agreement,
            double kl,
            long tokens,
            long referencePeakKvBytes,
            long candidatePeakKvBytes) {}

    public static Result compare(
            LlamaModel model, List<int[]> sequences, int context, SessionOptions reference, SessionOptions candidate) {
        int limit = model.config().seqLen();
        if (context < 2 || context > limit) {
            throw new IllegalArgumentException(
                    "context must be in [2, " + limit + "] (the model's seq_len), got " + context);
        }
        Session ref = model.newSession(reference);
        Session cand = model.newSession(candidate);
        int vocab = model.config().vocabSize();
        double refNll = 0, candNll = 0, kl = 0;
        long agree = 0, count = 0, refPeak = 0, candPeak = 0;
        double[] p = new double[vocab];
        int[] window = new int[context];
        for (int[] seq : sequences) {
            if (seq.length == 0) continue;
            for (int start = 1; start < seq.length; ) {
                int take = Math.min(context - 1, seq.length - start);
                window[0] = seq[0];
                System.arraycopy(seq, start, window, 1, take);
                start += take;
                ref.reset();
                cand.reset();
                for (int t = 0; t < take; t++) {
                    float[] a = ref.step(window[t]);
                    float[] b = cand.step(window[t]);
                    int target = window[t + 1];
                    double la = logSumExp(a, vocab), lb = logSumExp(b, vocab);
                    refNll += la - a[target];
                    candNll += lb - b[target];
                    double klt = 0;
                    for (int i = 0; i < vocab; i++) {
                        double lpa = a[i] - la;
                        p[i] = Math.exp(lpa);
                        klt += p[i] * (lpa - (b[i] - lb));
                    }
                    kl += klt;
                    if (Sampler.argmax(a, vocab) == Sampler.argmax(b, vocab)) agree++;
                    count++;
                }
                refPeak = Math.max(refPeak, ref.peakKvBytes());
                candPeak = Math.max(candPeak, cand.peakKvBytes());
            }
        }
        if (count == 0)
            throw new IllegalArgumentException("no tokens to score: every sequence is shorter than 2 tokens");
        double rn = refNll / count, cn = candNll / count;
        return new Result(rn, cn, Math.exp(cn - rn), (double) agree / count, kl / count, count, refPeak, candPeak);
    }

    private static double logSumExp(float[] x, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[i]);
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.exp(x[i] - max);
        return max + Math.log(s);
    }
}
