package dev.squeeze.eval.llm;

import dev.squeeze.llm.runtime.Sampler;
import dev.squeeze.llm.runtime.Session;

/**
 * How closely Squeeze's next-token distributions follow llama.cpp's on the same file and tokens: Squeeze prefills
 * the prompt, then is teacher-forced along llama.cpp's greedy tokens, and each step's log-softmax is compared with
 * the log of llama.cpp's probabilities.
 *
 * @param steps           distributions compared
 * @param maxAbsLogProb   largest |log p_squeeze - log p_llama| over tokens with p_llama >= {@link #FLOOR}
 * @param maxAbsLogProbTop the same over the likely tokens, p_llama >= {@link #TOP}
 * @param meanKl          mean KL(p_llama || p_squeeze) per step, in nats
 * @param top1Agreement   fraction of steps whose argmax is the same token
 */
public record LogitAgreement(
        int steps, double maxAbsLogProb, double maxAbsLogProbTop, double meanKl, double top1Agreement) {
    /** Probabilities below this are left out of the log comparison (their logs carry llama.cpp's float rounding). */
    public static final double FLOOR = 1e-7;
    /** Tokens at least this likely: the ones greedy or top-k sampling can pick. */
    public static final double TOP = 1e-2;

    public static LogitAgreement measure(Session s, int[] prompt, LlamaCppDriver.Distributions llama) {
        int vocab = s.model().config().vocabSize();
        s.reset();
        float[] logits = s.prefill(prompt, false).data();
        double worst = 0, worstTop = 0, kl = 0;
        int same = 0;
        double[] mine = new double[vocab];
        for (int step = 0; step < llama.tokens().length; step++) {
            logSoftmax(logits, mine);
            double[] p = llama.probabilities()[step];
            double stepKl = 0;
            int best = 0;
            for (int i = 0; i < vocab; i++) {
                if (p[i] > p[best]) best = i;
                if (p[i] >= FLOOR) worst = Math.max(worst, Math.abs(mine[i] - Math.log(p[i])));
                if (p[i] >= TOP) worstTop = Math.max(worstTop, Math.abs(mine[i] - Math.log(p[i])));
                if (p[i] > 0) stepKl += p[i] * (Math.log(p[i]) - mine[i]);
            }
            kl += stepKl;
            if (Sampler.argmax(logits, vocab) == best) same++;
            if (step + 1 < llama.tokens().length) logits = s.step(llama.tokens()[step]);
        }
        int n = llama.tokens().length;
        return new LogitAgreement(n, worst, worstTop, kl / n, same / (double) n);
    }

    private static void logSoftmax(float[] logits, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < out.length; i++) max = Math.max(max, logits[i]);
        double sum = 0;
        for (int i = 0; i < out.length; i++) sum += Math.exp(logits[i] - max);
        double lse = max + Math.log(sum);
        for (int i = 0; i < out.length; i++) out[i] = logits[i] - lse;
    }
}
