package dev.squeeze.vision.audio;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * Adjacent affinity pooling for audio tokens (adjacent token merging as in A-ToMe, "Accelerating Transducers
 * through Adjacent Token Merging", Li et al., Interspeech 2023, arXiv 2306.16009): repeatedly merge the most
 * similar (cosine) pair of temporally adjacent tokens into their size-weighted mean until K tokens remain;
 * merges never reorder time. O(N log N) with a heap and lazy invalidation.
 */
public final class AdjacentAffinityPooling {
    private AdjacentAffinityPooling() {}

    public static TokenTransform pool(FloatMatrix x, float @Nullable [] sizes, int keep) {
        int n = x.rows();
        if (keep < 1 || keep > n)
            throw new IllegalArgumentException("adjacent pooling: keep must be in [1, " + n + "], got " + keep);
        x.requireFinite("audio tokens");
        int d = x.cols();
        double[][] sum = new double[n][d]; // size-weighted feature sums of each segment
        double[] size = new double[n];
        int[] next = new int[n], prev = new int[n], version = new int[n], start = new int[n];
        boolean[] alive = new boolean[n];
        for (int i = 0; i < n; i++) {
            double s = sizes == null ? 1 : sizes[i];
            size[i] = s;
            for (int c = 0; c < d; c++) sum[i][c] = s * x.get(i, c);
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
            alive[i] = true;
            start[i] = i;
        }
        record Edge(double sim, int left, int vl, int vr) {}
        PriorityQueue<Edge> heap = new PriorityQueue<>(
                (a, b) -> a.sim != b.sim ? Double.compare(b.sim, a.sim) : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < n; i++) heap.add(new Edge(cos(sum[i], sum[i + 1]), i, 0, 0));
        int count = n;
        while (count > keep) {
            Edge e = heap.poll();
            int l = e.left, r = next[l];
            if (!alive[l] || r < 0 || version[l] != e.vl || version[r] != e.vr) continue;
            for (int c = 0; c < d; c++) sum[l][c] += sum[r][c];
            size[l] += size[r];
            alive[r] = false;
            next[l] = next[r];
            if (next[r] >= 0) prev[next[r]] = l;
            version[l]++;
            count--;
            if (prev[l] >= 0) heap.add(new Edge(cos(sum[prev[l]], sum[l]), prev[l], version[prev[l]], version[l]));
            if (next[l] >= 0) heap.add(new Edge(cos(sum[l], sum[next[l]]), l, version[l], version[next[l]]));
        }
        int[][] groups = new int[count][];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (!alive[i]) continue;
            int end = next[i] < 0 ? n : next[i];
            int[] g = new int[end - i];
            for (int j = i; j < end; j++) g[j - i] = j;
            groups[k++] = g;
        }
        return TokenTransform.merge(n, groups, sizes);
    }

    private static double cos(double[] a, double[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int c = 0; c < a.length; c++) {
            dot += a[c] * b[c];
            na += a[c] * a[c];
            nb += b[c] * b[c];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
