package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.kernel.Similarity;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.DpcKnn;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.VisualTokens;
import java.util.Arrays;
import java.util.Optional;

/**
 * DPC-KNN clustered merge refined by K-Means: the clusters of DPC-KNN (core {@link DpcKnn}, k = 5 neighbours, as in
 * PruneVid's / HoliTom's merge step) seed Lloyd's algorithm, which then runs {@code iterations} rounds (default
 * 3): each cluster's size-weighted mean is computed and every token moves to the nearest mean (squared
 * Euclidean distance); finally each cluster is merged into its size-weighted mean (size = sum), with
 * proportional attention (ln size) downstream in block 3 and the pooling.
 *
 * <p>K-Means clustering of tokens, merged to the cluster centre, is Token Pooling ("Token Pooling in Vision
 * Transformers", Marin et al., WACV 2023, arXiv 2110.03860); the DPC-KNN initialisation and the 3 rounds are our
 * choices (Token Pooling initialises differently). A deviation from PruneVid's merge (which stops at the
 * nearest-centre assignment), reported as its own method. A cluster that empties during the rounds is dropped,
 * so the output may hold fewer than K tokens (never more).
 */
public final class DpcKnnKMeans implements VisualReducer, VisionMethod {
    public static final int NEIGHBOURS = 5;
    public static final int DEFAULT_ITERATIONS = 3;
    private final int iterations;

    public DpcKnnKMeans() {
        this(DEFAULT_ITERATIONS);
    }

    public DpcKnnKMeans(int iterations) {
        if (iterations < 0)
            throw new IllegalArgumentException("dpcknn-kmeans: iterations must be >= 0, got " + iterations);
        this.iterations = iterations;
    }

    @Override
    public String name() {
        return "dpcknn-kmeans";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.SIMILARITY)
                .paper("Token Pooling in Vision Transformers", "Marin et al.", 2023, "https://arxiv.org/abs/2110.03860")
                .inputs("tokens")
                .implementation(DpcKnnKMeans.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        FloatMatrix x = in.tokens().tokens();
        int k = Math.min(NEIGHBOURS, x.rows() - 1);
        int[] assignment = DpcKnn.cluster(x, keep, Math.max(1, k)).assignment();
        return refine(x, in.tokens().sizes(), assignment, keep, iterations);
    }

    /**
     * Lloyd rounds from an initial assignment (cluster numbers in [0, clusters)), then the merge.
     *
     * @param x          (N, D) tokens
     * @param sizes      (N) token sizes (the weights of the means)
     * @param assignment (N) initial cluster of each token; not modified
     * @return the merge of the final clusters, ordered by cluster number (empty clusters dropped)
     */
    public static TokenTransform refine(FloatMatrix x, float[] sizes, int[] assignment, int clusters, int iterations) {
        int n = x.rows();
        if (assignment.length != n)
            throw new IllegalArgumentException(
                    "dpcknn-kmeans: assignment has length " + assignment.length + ", expected N = " + n);
        int[] a = assignment.clone();
        for (int i = 0; i < n; i++) {
            if (a[i] < 0 || a[i] >= clusters)
                throw new IllegalArgumentException(
                        "dpcknn-kmeans: assignment[" + i + "] = " + a[i] + " outside [0, " + clusters + ")");
        }
        Similarity sim = Similarity.fast();
        for (int it = 0; it < iterations; it++) {
            int[][] groups = groups(a, clusters);
            FloatMatrix means = TokenTransform.merge(n, groups, sizes).apply(x); // (C', D), non-empty clusters
            int[] id = new int[groups.length]; // row of means -> cluster number
            for (int g = 0; g < groups.length; g++) id[g] = a[groups[g][0]];
            float[] d = sim.squaredDistances(x, means).data(); // (N, C')
            int m = groups.length;
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 1; j < m; j++) if (d[i * m + j] < d[i * m + best]) best = j;
                a[i] = id[best];
            }
        }
        return TokenTransform.merge(n, groups(a, clusters), sizes);
    }

    /** Members of each non-empty cluster, clusters ascending, members ascending. */
    static int[][] groups(int[] a, int clusters) {
        int[] counts = new int[clusters];
        for (int v : a) counts[v]++;
        int nonEmpty = 0;
        for (int c : counts) if (c > 0) nonEmpty++;
        int[] row = new int[clusters];
        Arrays.fill(row, -1);
        int[][] g = new int[nonEmpty][];
        for (int c = 0, r = 0; c < clusters; c++)
            if (counts[c] > 0) {
                row[c] = r;
                g[r++] = new int[counts[c]];
            }
        int[] fill = new int[nonEmpty];
        for (int i = 0; i < a.length; i++) {
            int r = row[a[i]];
            g[r][fill[r]++] = i;
        }
        return g;
    }
}
