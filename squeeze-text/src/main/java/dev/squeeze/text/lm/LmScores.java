package dev.squeeze.text.lm;

import java.util.Arrays;

/** Perplexity helpers shared by the causal-LM methods (windowing over the model's context). */
final class LmScores {
    private LmScores() {}

    /** Losses of a long sequence, cut into windows of the model's context length (each window restarts after BOS). */
    static float[] losses(CausalLm lm, int[] ids) {
        int w = lm.contextLength();
        if (ids.length <= w) return lm.tokenLosses(ids);
        float[] out = new float[ids.length];
        for (int s = 0; s < ids.length; s += w) {
            int e = Math.min(ids.length, s + w);
            float[] l = lm.tokenLosses(Arrays.copyOfRange(ids, s, e));
            System.arraycopy(l, 0, out, s, e - s);
        }
        return out;
    }

    /**
     * Losses of {@code target} given {@code pinned} then {@code prefix}. When they do not fit the window, the
     * start of {@code prefix} is dropped first so that {@code pinned} (the question) stays in view; only when
     * pinned + target alone overflow does it fall back to the end of pinned + prefix.
     */
    static float[] conditional(CausalLm lm, int[] pinned, int[] prefix, int[] target) {
        int room = lm.contextLength() - pinned.length - target.length;
        if (pinned.length == 0 || room < 0 || prefix.length <= room)
            return conditional(lm, concat(pinned, prefix), target);
        return conditional(lm, concat(pinned, Arrays.copyOfRange(prefix, prefix.length - room, prefix.length)), target);
    }

    /** Losses of {@code target} given {@code prefix} (prefix tokens scored too but not returned). */
    static float[] conditional(CausalLm lm, int[] prefix, int[] target) {
        int[] all = new int[prefix.length + target.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(target, 0, all, prefix.length, target.length);
        int w = lm.contextLength();
        if (all.length > w) { // keep the end of the prefix that fits
            int drop = all.length - w;
            if (drop > prefix.length) return losses(lm, target);
            all = Arrays.copyOfRange(all, drop, all.length);
        }
        float[] l = lm.tokenLosses(all);
        return Arrays.copyOfRange(l, l.length - target.length, l.length);
    }

    static double mean(float[] v) {
        if (v.length == 0) return 0;
        double s = 0;
        for (float x : v) s += x;
        return s / v.length;
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * Tokens that forced content pins: with {@code numbers}, every token whose piece has a digit (so a number
     * split into digit tokens survives whole); with force tokens, every token whose stripped piece equals one.
     */
    static boolean[] forced(CausalLm lm, int[] ids, dev.squeeze.text.ForcedContent fc) {
        boolean[] out = new boolean[ids.length];
        if (fc == null || (!fc.numbers() && fc.tokens().isEmpty())) return out;
        for (int i = 0; i < ids.length; i++) {
            String piece = lm.decode(new int[] {ids[i]});
            if (fc.numbers() && piece.chars().anyMatch(Character::isDigit)) out[i] = true;
            else if (fc.tokens().contains(piece.strip())) out[i] = true;
        }
        return out;
    }
}
