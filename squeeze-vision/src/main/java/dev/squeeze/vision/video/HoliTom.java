package dev.squeeze.vision.video;

import dev.squeeze.core.select.TopK;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import java.util.ArrayList;
import java.util.List;

/**
 * HoliTom ("HoliTom: Holistic Token Merging for Fast Video Large Language Models", Shao et al., 2025, arXiv
 * 2505.21334):
 * <ol>
 *   <li>global temporal segmentation by dynamic programming: choose segment boundaries maximising the sum over
 *       segments of (positions whose adjacent-frame similarities all exceed tau) x (segment length - 1), i.e.
 *       the tokens time-merging saves (the reference scores x length; we use length - 1 so that single-frame
 *       segments score 0 instead of a vacuous N, which makes the objective favour real redundancy);</li>
 *   <li>static positions of a segment are averaged over time (1/T each);</li>
 *   <li>the remaining (dynamic) tokens of a segment are merged around DPC-KNN centres (k = 5,
 *       round(ratio * count) centres, default ratio 0.5): centre weight 0.6, members share 0.4 (anchor merge);</li>
 *   <li>inside the LLM ({@link #fold}): at a late layer (18 in the paper) prune half of the visual tokens by
 *       the last token's attention and fold each pruned token into its most similar kept one (size-weighted).</li>
 * </ol>
 * Default tau = 0.8 (our choice, unverified). A static clip collapses to exactly one frame's tokens.
 */
public final class HoliTom {
    public static final float ANCHOR_WEIGHT = 0.6f;
    private final float tau, ratio;
    private final int maxSegment;

    public HoliTom(float tau, float ratio, int maxSegment) {
        if (!(ratio > 0f && ratio <= 1f))
            throw new IllegalArgumentException("holitom: ratio must be in (0, 1], got " + ratio);
        if (maxSegment < 1) throw new IllegalArgumentException("holitom: maxSegment must be >= 1, got " + maxSegment);
        this.tau = tau;
        this.ratio = ratio;
        this.maxSegment = maxSegment;
    }

    public static HoliTom defaults() {
        return new HoliTom(0.8f, 0.5f, 64);
    }

    /** Segment starts chosen by the DP (always 0 first). */
    public int[] segments(Clip clip) {
        int t = clip.frames();
        double[] best = new double[t + 1];
        int[] from = new int[t + 1];
        for (int b = 1; b <= t; b++) {
            best[b] = Double.NEGATIVE_INFINITY;
            for (int a = Math.max(0, b - maxSegment); a < b; a++) { // segment [a, b-1]
                boolean[] st = StaticSplit.staticPositions(clip, a, b - 1, tau);
                int count = 0;
                for (boolean s : st) if (s) count++;
                double v = best[a] + (double) count * (b - 1 - a);
                if (v > best[b] || (v == best[b] && a < from[b])) {
                    best[b] = v;
                    from[b] = a;
                }
            }
        }
        List<Integer> starts = new ArrayList<>();
        for (int b = t; b > 0; b = from[b]) starts.add(0, from[b]);
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    public TokenTransform reduce(Clip clip) {
        int[] starts = segments(clip);
        TokenTransform.Builder out = TokenTransform.builder(clip.size());
        for (int s = 0; s < starts.length; s++) {
            int from = starts[s], to = s + 1 < starts.length ? starts[s + 1] - 1 : clip.frames() - 1;
            boolean[] st = StaticSplit.staticPositions(clip, from, to, tau);
            List<Integer> dyn = new ArrayList<>();
            for (int p = 0; p < clip.perFrame(); p++) {
                if (st[p]) {
                    int[] src = StaticSplit.timeRow(clip, from, to, p);
                    float[] w = new float[src.length];
                    java.util.Arrays.fill(w, 1f / src.length);
                    out.row(src, w);
                }
            }
            for (int t = from; t <= to; t++)
                for (int p = 0; p < clip.perFrame(); p++) if (!st[p]) dyn.add(clip.index(t, p));
            int[] rows = dyn.stream().mapToInt(Integer::intValue).toArray();
            for (int[] g : StaticSplit.clusters(clip, rows, Math.max(1, Math.round(ratio * rows.length)), 5)) {
                float[] w = new float[g.length];
                w[0] = g.length == 1 ? 1f : ANCHOR_WEIGHT;
                for (int e = 1; e < g.length; e++) w[e] = (1f - ANCHOR_WEIGHT) / (g.length - 1);
                out.row(g, w);
            }
        }
        return out.build();
    }

    /**
     * The inner-LLM step: keep the top half by last-token attention (original order); each pruned token is
     * folded into its most similar kept token (cosine), rows being size-weighted means.
     */
    public static TokenTransform fold(float[] lastTokenAttention, FloatMatrix tokens, float[] sizes) {
        int n = tokens.rows();
        if (lastTokenAttention.length != n)
            throw new IllegalArgumentException(
                    "holitom fold: attention has " + lastTokenAttention.length + " entries, tokens " + n);
        int keep = Math.max(1, (n + 1) / 2);
        int[] kept = TopK.topKSorted(lastTokenAttention, keep);
        int[] pruned = Selections.complement(n, kept);
        FloatMatrix cos = Selections.cosine(tokens);
        List<List<Integer>> groups = new ArrayList<>();
        for (int k : kept) {
            List<Integer> g = new ArrayList<>();
            g.add(k);
            groups.add(g);
        }
        for (int p : pruned) {
            int best = 0;
            for (int k = 1; k < kept.length; k++) if (cos.get(p, kept[k]) > cos.get(p, kept[best])) best = k;
            groups.get(best).add(p);
        }
        int[][] g = groups.stream()
                .map(l -> l.stream().mapToInt(Integer::intValue).sorted().toArray())
                .toArray(int[][]::new);
        return TokenTransform.merge(n, g, sizes);
    }
}
