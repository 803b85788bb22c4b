package dev.squeeze.core.select;

import dev.squeeze.core.Args;
import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.kernel.Similarity;
import dev.squeeze.core.tensor.FloatMatrix;

/**
 * Greedy max-min diversity selection (the Max-Min Diversity Problem heuristic used by DivPrune) and greedy
 * k-center (Gonzalez, used by ToDRE stage 1). Both repeatedly add the token farthest from the selected
 * set; a running "distance to the nearest selected" vector makes each pick O(N), so K picks cost O(KN)
 * on top of the distances, where a loop that recomputes min over the selected set costs O(K^2 N).
 */
public final class MaxMinDiversity {
    private MaxMinDiversity() {}

    /**
     * DivPrune's selection on cosine distance D = 1 - cos(x_i, x_j). The first pick is the token whose
     * nearest neighbour is farthest (max_i min_{j != i} D_ij); then max-min. Returns indices in pick order.
     *
     * <p>Works on the upper triangle of the cosine Gram block: D is never materialised, nor the block mirrored
     * (row i's entries left of the diagonal are read from column i above it). min_j fl(1 - c_j) equals
     * fl(1 - max_j c_j) (rounding is monotone), so the first pick takes vectorised maxima of the similarities
     * (row i right of the diagonal, and a running maximum down each column for the part left of it), and the
     * picks then read 1 - c of one row each: the same picks, ties included, as {@link #fromDistances} on the
     * materialised D.
     */
    public static int[] divPrune(FloatMatrix x, int k) {
        Args.notNull("x", x);
        checkK(k, x.rows());
        Similarity sim = Similarity.fast();
        FloatMatrix cos = sim.cosineGramUpper(x); // c[i][j] for i <= j: half the multiply-adds, no mirror
        int n = cos.rows();
        float[] c = cos.data();
        Kernels kern = sim.kernels();
        float[] above = new float[n]; // above[j] = max_{i < j} c[i][j], built row by row
        java.util.Arrays.fill(above, Float.NEGATIVE_INFINITY);
        int first = 0;
        float best = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float nearest = above[i]; // max_{j != i} cos(x_i, x_j): the left part, complete once rows < i are done
            int right = i * n + i + 1, len = n - 1 - i;
            if (len > 0) {
                nearest = Math.max(nearest, kern.max(c, right, len));
                kern.maxInto(c, right, above, i + 1, len);
            }
            float nn = n == 1 ? 0f : 1f - nearest;
            if (nn > best) {
                best = nn;
                first = i;
            }
        }
        return cosinePicks(c, n, k, first, kern);
    }

    /**
     * {@link #maxMinPicks} on the upper triangle of a cosine block: row p of D is 1 - c[i][p] left of the diagonal
     * (a column read) and 1 - c[p][i] from it on. Taken tokens hold -inf in the running vector (min keeps it there
     * and every distance is finite), so the next pick is the kernels' argmax, lowest index first among ties: the
     * same pick as the untaken-only scan.
     */
    private static int[] cosinePicks(float[] c, int n, int k, int first, Kernels kern) {
        int[] picked = new int[k];
        float[] minDist = new float[n];
        oneMinusRow(c, n, first, minDist, false);
        picked[0] = first;
        minDist[first] = Float.NEGATIVE_INFINITY;
        for (int p = 1; p < k; p++) {
            int arg = kern.argmax(minDist, 0, n);
            picked[p] = arg;
            minDist[arg] = Float.NEGATIVE_INFINITY;
            if (p + 1 < k) oneMinusRow(c, n, arg, minDist, true);
        }
        return picked;
    }

    /** dist[i] = 1 - cos(x_p, x_i) for every i (or the min with it), from the upper triangle c[i][j], i <= j. */
    private static void oneMinusRow(float[] c, int n, int p, float[] dist, boolean min) {
        for (int i = 0; i < p; i++) {
            float v = 1f - c[i * n + p];
            dist[i] = min ? Math.min(dist[i], v) : v;
        }
        int row = p * n;
        if (min) for (int i = p; i < n; i++) dist[i] = Math.min(dist[i], 1f - c[row + i]);
        else for (int i = p; i < n; i++) dist[i] = 1f - c[row + i];
    }

    /**
     * Max-min selection on a precomputed (N, N) distance matrix.
     *
     * @param first the first pick, or -1 for "the token whose nearest neighbour is farthest"
     * @return indices in pick order
     */
    public static int[] fromDistances(FloatMatrix dist, int k, int first) {
        Args.notNull("dist", dist);
        int n = dist.rows();
        if (dist.cols() != n) throw new IllegalArgumentException("dist must be square, got " + dist);
        checkK(k, n);
        float[] d = dist.data();
        if (first < 0) {
            float best = Float.NEGATIVE_INFINITY;
            first = 0;
            for (int i = 0; i < n; i++) {
                float nn = Float.POSITIVE_INFINITY;
                for (int j = 0; j < n; j++) if (j != i) nn = Math.min(nn, d[i * n + j]);
                if (n == 1) nn = 0f;
                if (nn > best) {
                    best = nn;
                    first = i;
                }
            }
        } else {
            Args.inRange("first", first, 0, n - 1);
        }
        return maxMinPicks(d, n, k, first);
    }

    /**
     * Picks 1..k-1 after {@code first}: each time the untaken token farthest from its nearest pick, with a
     * running min-distance vector (O(N) per pick) over the distances m.
     */
    private static int[] maxMinPicks(float[] m, int n, int k, int first) {
        int[] picked = new int[k];
        boolean[] taken = new boolean[n];
        float[] minDist = new float[n];
        picked[0] = first;
        taken[first] = true;
        for (int i = 0; i < n; i++) minDist[i] = m[first * n + i];
        for (int p = 1; p < k; p++) {
            int arg = -1;
            float far = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++)
                if (!taken[i] && minDist[i] > far) {
                    far = minDist[i];
                    arg = i;
                }
            picked[p] = arg;
            taken[arg] = true;
            int row = arg * n;
            for (int i = 0; i < n; i++) minDist[i] = Math.min(minDist[i], m[row + i]);
        }
        return picked;
    }

    /**
     * Greedy k-center on squared Euclidean distance computed on the fly (no N x N matrix): start at
     * {@code first}, then repeatedly the point farthest from its nearest centre. O(K N D).
     *
     * @return indices in pick order
     */
    public static int[] kCenter(FloatMatrix x, int k, int first) {
        Args.notNull("x", x);
        int n = x.rows();
        checkK(k, n);
        Args.inRange("first", first, 0, n - 1);
        x.requireFinite("x");
        Kernels kern = KernelProvider.kernels();
        int dim = x.cols();
        float[] xd = x.data();
        float[] sq = new float[n];
        for (int i = 0; i < n; i++) sq[i] = kern.sumOfSquares(xd, i * dim, dim);
        float[] minDist = new float[n];
        java.util.Arrays.fill(minDist, Float.POSITIVE_INFINITY);
        boolean[] taken = new boolean[n];
        int[] picked = new int[k];
        int cur = first;
        for (int p = 0; p < k; p++) {
            picked[p] = cur;
            taken[cur] = true;
            int next = -1;
            float best = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (taken[i]) continue;
                float dd = Math.max(0f, sq[i] + sq[cur] - 2f * kern.dot(xd, i * dim, xd, cur * dim, dim));
                if (dd < minDist[i]) minDist[i] = dd;
                if (minDist[i] > best) {
                    best = minDist[i];
                    next = i;
                }
            }
            cur = next;
        }
        return picked;
    }

    private static void checkK(int k, int n) {
        if (n == 0) throw new IllegalArgumentException("x is an empty token set (N = 0)");
        if (k <= 0) throw new IllegalArgumentException("K must be > 0, got " + k);
        if (k > n) throw new IllegalArgumentException("K = " + k + " exceeds the N = " + n + " tokens available");
    }
}
