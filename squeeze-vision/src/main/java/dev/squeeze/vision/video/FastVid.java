package dev.squeeze.vision.video;

import dev.squeeze.core.select.TopK;
import dev.squeeze.core.transform.TokenTransform;
import java.util.ArrayList;
import java.util.List;

/**
 * FastVID ("FastVID: Dynamic Density Pruning for Fast Video Large Language Models", Shen et al., 2025, arXiv
 * 2503.11187):
 * <ol>
 *   <li>dynamic temporal segmentation: cut where the adjacent-frame similarity (cosine of mean tokens) is below
 *       {@code segmentTau} (default 0.9);</li>
 *   <li>salient tokens: in every frame the top {@code salientRatio} (default 0.3) tokens by saliency (the
 *       caller's scores, e.g. [CLS] attention; token L2 norm when none) are kept as they are;</li>
 *   <li>density merge: the other tokens of the segment are clustered by density peaks (DPC-KNN, k = 5,
 *       round(anchorRatio * count) centres, default 0.2) and each centre (anchor) absorbs its members with anchor
 *       weight w = max(1/(n+1), 0.6) for n members (the reference's rule), members sharing 1 - w.</li>
 * </ol>
 * The paper's anchor frames / density score details are simplified to DPC-KNN density peaks (our reading).
 */
public final class FastVid {
    private final float segmentTau, salientRatio, anchorRatio;

    public FastVid(float segmentTau, float salientRatio, float anchorRatio) {
        this.segmentTau = segmentTau;
        this.salientRatio = salientRatio;
        this.anchorRatio = anchorRatio;
    }

    public static FastVid defaults() {
        return new FastVid(0.9f, 0.3f, 0.2f);
    }

    public TokenTransform reduce(Clip clip, float[] saliency) {
        if (saliency != null && saliency.length != clip.size()) {
            throw new IllegalArgumentException(
                    "fastvid: saliency has " + saliency.length + " entries, clip has " + clip.size() + " tokens");
        }
        int[] starts = PruneVid.segments(clip, segmentTau);
        TokenTransform.Builder out = TokenTransform.builder(clip.size());
        int n = clip.perFrame();
        int salient = Math.max(0, Math.round(salientRatio * n));
        for (int s = 0; s < starts.length; s++) {
            int from = starts[s], to = s + 1 < starts.length ? starts[s + 1] - 1 : clip.frames() - 1;
            List<Integer> rest = new ArrayList<>();
            for (int t = from; t <= to; t++) {
                float[] score = new float[n];
                for (int p = 0; p < n; p++)
                    score[p] = saliency != null ? saliency[clip.index(t, p)] : norm(clip, clip.index(t, p));
                boolean[] keep = new boolean[n];
                if (salient > 0) for (int p : TopK.topKIndices(score, salient)) keep[p] = true;
                for (int p = 0; p < n; p++) {
                    if (keep[p]) out.row(new int[] {clip.index(t, p)}, new float[] {1f});
                    else rest.add(clip.index(t, p));
                }
            }
            int[] rows = rest.stream().mapToInt(Integer::intValue).toArray();
            for (int[] g : StaticSplit.clusters(clip, rows, Math.max(1, Math.round(anchorRatio * rows.length)), 5)) {
                int members = g.length - 1;
                float w = members == 0 ? 1f : Math.max(1f / (members + 1), 0.6f);
                float[] wt = new float[g.length];
                wt[0] = w;
                for (int e = 1; e < g.length; e++) wt[e] = (1f - w) / members;
                out.row(g, wt);
            }
        }
        return out.build();
    }

    private static float norm(Clip c, int row) {
        float[] x = c.tokens().data();
        double s = 0;
        for (int k = 0; k < c.dim(); k++) s += x[row * c.dim() + k] * x[row * c.dim() + k];
        return (float) Math.sqrt(s);
    }
}
