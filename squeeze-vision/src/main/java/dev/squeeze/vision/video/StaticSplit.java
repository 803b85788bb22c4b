package dev.squeeze.vision.video;

import dev.squeeze.core.select.DpcKnn;
import dev.squeeze.core.tensor.FloatMatrix;
import java.util.ArrayList;
import java.util.List;

/** Shared pieces of the video methods: static-position detection, time averaging and DPC-KNN merge rows. */
final class StaticSplit {
    private StaticSplit() {}

    /** Positions whose same-position cosine between every pair of adjacent frames in [from, to] is >= tau. */
    static boolean[] staticPositions(Clip clip, int from, int to, float tau) {
        boolean[] s = new boolean[clip.perFrame()];
        for (int p = 0; p < s.length; p++) {
            boolean ok = true;
            for (int t = from; t < to && ok; t++) ok = clip.samePositionCosine(t, t + 1, p) >= tau;
            s[p] = ok;
        }
        return s;
    }

    /** A row averaging position p over frames [from, to] with weight 1/T each. */
    static int[] timeRow(Clip clip, int from, int to, int p) {
        int[] r = new int[to - from + 1];
        for (int t = from; t <= to; t++) r[t - from] = clip.index(t, p);
        return r;
    }

    /** DPC-KNN clusters of the given clip rows: groups of clip indices, one per centre (centre first). */
    static List<int[]> clusters(Clip clip, int[] rows, int centres, int k) {
        List<int[]> out = new ArrayList<>();
        if (rows.length == 0) return out;
        centres = Math.max(1, Math.min(centres, rows.length));
        FloatMatrix sub = clip.tokens().selectRows(rows);
        DpcKnn.Clustering c = DpcKnn.cluster(sub, centres, rows.length == 1 ? 1 : Math.min(k, rows.length - 1));
        int[][] g = c.groups();
        for (int ci = 0; ci < g.length; ci++) {
            int centre = c.centers()[ci];
            int[] grp = new int[g[ci].length];
            grp[0] = rows[centre];
            int o = 1;
            for (int m : g[ci]) if (m != centre) grp[o++] = rows[m];
            out.add(grp);
        }
        return out;
    }
}
