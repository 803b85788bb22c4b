package dev.squeeze.vision.video;

import dev.squeeze.core.transform.TokenTransform;
import java.util.ArrayList;
import java.util.List;

/**
 * PruneVid ("PruneVid: Visual Token Pruning for Efficient Video Large Language Models", Huang et al., 2024,
 * arXiv 2412.16117), stage 1 (before the LLM):
 * <ol>
 *   <li>temporal segmentation: a new segment starts where the cosine of adjacent frames' mean tokens drops
 *       below {@code segmentTau} (default 0.9; the paper clusters frames, this threshold cut is our simpler
 *       reading);</li>
 *   <li>inside a segment, a position is static when its same-position cosine between all adjacent frames is
 *       >= {@code staticTau} (default 0.8); static positions are averaged over time (weight 1/T each);</li>
 *   <li>the static and the dynamic tokens of each segment are clustered separately by DPC-KNN (k = 5) into
 *       round(clusterRatio * count) clusters (default 0.5) and each cluster is merged (mean).</li>
 * </ol>
 * Stage 2 (attention-based pruning inside the LLM) is the FastV-style selection of {@link dev.squeeze.vision.llm.FastV}.
 * A static clip collapses to exactly what one frame gives.
 */
public final class PruneVid {
    private final float segmentTau, staticTau, clusterRatio;

    public PruneVid(float segmentTau, float staticTau, float clusterRatio) {
        if (!(clusterRatio > 0f && clusterRatio <= 1f))
            throw new IllegalArgumentException("prunevid: clusterRatio must be in (0, 1], got " + clusterRatio);
        this.segmentTau = segmentTau;
        this.staticTau = staticTau;
        this.clusterRatio = clusterRatio;
    }

    public static PruneVid defaults() {
        return new PruneVid(0.9f, 0.8f, 0.5f);
    }

    /** Segment starts: frame indices where a new segment begins (always 0 first). */
    public static int[] segments(Clip clip, float tau) {
        List<Integer> s = new ArrayList<>();
        s.add(0);
        for (int t = 1; t < clip.frames(); t++) if (clip.frameCosine(t - 1, t) < tau) s.add(t);
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    public TokenTransform reduce(Clip clip) {
        int[] starts = segments(clip, segmentTau);
        // stage A: static positions time-averaged, dynamic tokens passed through
        TokenTransform.Builder a = TokenTransform.builder(clip.size());
        List<int[]> staticRows = new ArrayList<>(), dynamicRows = new ArrayList<>(); // (segment, row index in stage A)
        int row = 0;
        for (int s = 0; s < starts.length; s++) {
            int from = starts[s], to = s + 1 < starts.length ? starts[s + 1] - 1 : clip.frames() - 1;
            boolean[] st = StaticSplit.staticPositions(clip, from, to, staticTau);
            List<Integer> sr = new ArrayList<>(), dr = new ArrayList<>();
            for (int p = 0; p < clip.perFrame(); p++) {
                if (!st[p]) continue;
                int[] src = StaticSplit.timeRow(clip, from, to, p);
                float[] w = new float[src.length];
                java.util.Arrays.fill(w, 1f / src.length);
                a.row(src, w);
                sr.add(row++);
            }
            for (int t = from; t <= to; t++) {
                for (int p = 0; p < clip.perFrame(); p++) {
                    if (st[p]) continue;
                    a.row(new int[] {clip.index(t, p)}, new float[] {1f});
                    dr.add(row++);
                }
            }
            staticRows.add(sr.stream().mapToInt(Integer::intValue).toArray());
            dynamicRows.add(dr.stream().mapToInt(Integer::intValue).toArray());
        }
        TokenTransform stageA = a.build();
        Clip mid = new Clip(stageA.apply(clip.tokens()), 1, stageA.outputCount());
        // stage B: DPC-KNN merge inside each (segment, static/dynamic) set
        List<int[]> groups = new ArrayList<>();
        for (int s = 0; s < starts.length; s++) {
            for (int[] set : new int[][] {staticRows.get(s), dynamicRows.get(s)}) {
                if (set.length == 0) continue;
                int centres = Math.max(1, Math.round(clusterRatio * set.length));
                groups.addAll(StaticSplit.clusters(mid, set, centres, 5));
            }
        }
        float[] sizes = stageA.applyToSizes(ones(clip.size()));
        TokenTransform stageB = TokenTransform.merge(stageA.outputCount(), groups.toArray(new int[0][]), sizes);
        return stageB.after(stageA);
    }

    static float[] ones(int n) {
        float[] o = new float[n];
        java.util.Arrays.fill(o, 1f);
        return o;
    }
}
