package dev.squeeze.llm.runtime;

import java.util.SplittableRandom;

/** Picks the next token: argmax at temperature 0, else a draw from softmax(logits / T) with a seeded generator. */
public final class Sampler {
    private final float temperature;
    private final SplittableRandom random;
    private float[] probs = new float[0];

    public Sampler(float temperature, long seed) {
        if (!(temperature >= 0f) || !Float.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        this.temperature = temperature;
        this.random = new SplittableRandom(seed);
    }

    public static int argmax(float[] logits, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    public int sample(float[] logits, int n) {
        if (temperature == 0f) return argmax(logits, n);
        if (probs.length < n) probs = new float[n];
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, logits[i]);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            probs[i] = (float) Math.exp((logits[i] - max) / temperature);
            sum += probs[i];
        }
        double r = random.nextDouble() * sum;
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += probs[i];
            if (r < acc) return i;
        }
        return n - 1;
    }
}
