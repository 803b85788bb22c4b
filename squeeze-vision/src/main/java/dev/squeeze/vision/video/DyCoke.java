package dev.squeeze.vision.video;

import dev.squeeze.core.transform.TokenTransform;
import java.util.ArrayList;
import java.util.List;

/**
 * DyCoke ("DyCoke: Dynamic Compression of Tokens for Fast Video Large Language Models", Tao et al., CVPR 2025,
 * arXiv 2411.15024).
 *
 * <p>Stage 1, temporal token merging before the LLM ({@link #temporalMerge}): frames are taken in windows of 4;
 * in each pair (f0, f1), (f2, f3) the second frame keeps only the (1 - p) fraction of its tokens least similar
 * (cosine) to the same position in the first; then f2's surviving tokens are compared with f0 the same way.
 * The default pruning rate p = 0.7 is our choice within the paper's reported range (unverified against the
 * reference). A fully static clip therefore keeps all of f0 and (1 - p) of each other frame: DyCoke prunes a
 * fixed rate, it does not collapse duplicates entirely.
 *
 * <p>Stage 2, decode-time dynamic KV pruning ({@link Decode}): at each decoding step the visual tokens are
 * re-selected (top-k by the step's attention) only when the cosine between this step's and the previous step's
 * attention over visual tokens falls below 0.9 (the reference threshold); otherwise the previous selection is
 * reused.
 */
public final class DyCoke {
    public static final float DEFAULT_PRUNE = 0.7f;
    public static final float DECODE_SIMILARITY = 0.9f;

    private DyCoke() {}

    public static TokenTransform temporalMerge(Clip clip, float pruneRate) {
        if (!(pruneRate >= 0f && pruneRate < 1f))
            throw new IllegalArgumentException("dycoke: prune rate must be in [0, 1), got " + pruneRate);
        int n = clip.perFrame();
        boolean[] kept = new boolean[clip.size()];
        java.util.Arrays.fill(kept, true);
        for (int w = 0; w < clip.frames(); w += 4) {
            prune(clip, kept, w, w + 1, pruneRate, n);
            prune(clip, kept, w + 2, w + 3, pruneRate, n);
            prune(clip, kept, w, w + 2, pruneRate, n);
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < kept.length; i++) if (kept[i]) out.add(i);
        return TokenTransform.select(
                clip.size(), out.stream().mapToInt(Integer::intValue).toArray());
    }

    /** In frame {@code second}, drop the most similar (to the same position of {@code first}) of its surviving tokens. */
    private static void prune(Clip clip, boolean[] kept, int first, int second, float rate, int n) {
        if (second >= clip.frames()) return;
        List<Integer> alive = new ArrayList<>();
        for (int p = 0; p < n; p++) if (kept[clip.index(second, p)]) alive.add(p);
        int drop = (int) Math.round(rate * alive.size());
        if (drop == 0) return;
        float[] sim = new float[alive.size()];
        for (int i = 0; i < sim.length; i++) sim[i] = clip.samePositionCosine(first, second, alive.get(i));
        for (int i : dev.squeeze.core.select.TopK.topKIndices(sim, drop))
            kept[clip.index(second, alive.get(i))] = false;
    }

    /** Decode-time dynamic selection of visual tokens (state across decoding steps). */
    public static final class Decode {
        private final int keep;
        private final float threshold;
        private float[] previous;
        private int[] selection;

        public Decode(int keep, float threshold) {
            if (keep < 1) throw new IllegalArgumentException("dycoke decode: keep must be >= 1, got " + keep);
            this.keep = keep;
            this.threshold = threshold;
        }

        /** The visual tokens to attend to at this step, given this step's (N) attention over visual tokens. */
        public int[] step(float[] attention) {
            if (attention.length < keep)
                throw new IllegalArgumentException(
                        "dycoke decode: " + attention.length + " visual tokens < keep " + keep);
            if (previous == null || previous.length != attention.length || cosine(previous, attention) < threshold) {
                selection = dev.squeeze.core.select.TopK.topKSorted(attention, keep);
            }
            previous = attention.clone();
            return selection.clone();
        }

        static float cosine(float[] a, float[] b) {
            double d = 0, na = 0, nb = 0;
            for (int i = 0; i < a.length; i++) {
                d += a[i] * b[i];
                na += a[i] * a[i];
                nb += b[i] * b[i];
            }
            return na == 0 || nb == 0 ? 0f : (float) (d / Math.sqrt(na * nb));
        }
    }
}
