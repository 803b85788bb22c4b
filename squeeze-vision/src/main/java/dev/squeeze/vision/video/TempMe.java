package dev.squeeze.vision.video;

import dev.squeeze.core.kernel.Similarity;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TempMe-style cross-clip merging ("TempMe: Video Temporal Token Merging for Efficient Text-Video Retrieval",
 * Shen et al., ICLR 2025, arXiv 2409.01156): clips start as single frames and are merged pairwise in a tree
 * (progressive multi-granularity); at each level, clip A's tokens are matched to clip B's (each A token to its
 * most similar B token, cosine) and every A token whose match has similarity >= {@code tau} is merged into it
 * (size-weighted mean); the other A tokens stay. The union is the merged clip for the next level.
 *
 * <p>TempMe merges a fixed count per level inside a trained ViT; this training-free variant uses a similarity
 * threshold (default 0.9, our choice) so that redundancy, not a quota, decides: a static clip collapses to one
 * frame's tokens (sizes T).
 */
public final class TempMe {
    private final float tau;

    public TempMe(float tau) {
        this.tau = tau;
    }

    public TokenTransform reduce(Clip clip) {
        FloatMatrix x = clip.tokens();
        float[] sizes = PruneVid.ones(clip.size());
        int[] clipOf = new int[clip.size()];
        for (int i = 0; i < clipOf.length; i++) clipOf[i] = i / clip.perFrame();
        TokenTransform total = null;
        int clips = clip.frames();
        Similarity sim = Similarity.fast();
        while (clips > 1) {
            int n = x.rows();
            FloatMatrix norm = sim.normalizeRows(x);
            List<List<Integer>> groups = new ArrayList<>();
            int[] newClip = new int[n];
            int[] groupOf = new int[n];
            Arrays.fill(groupOf, -1);
            for (int c = 0; c < clips; c += 2) {
                int[] a = members(clipOf, c), b = c + 1 < clips ? members(clipOf, c + 1) : new int[0];
                for (int j : b) {
                    groupOf[j] = groups.size();
                    groups.add(new ArrayList<>(List.of(j)));
                }
                for (int i : a) {
                    int best = -1;
                    float bs = Float.NEGATIVE_INFINITY;
                    for (int j : b) {
                        float s = sim.kernels().dot(norm.data(), i * x.cols(), norm.data(), j * x.cols(), x.cols());
                        if (s > bs) {
                            bs = s;
                            best = j;
                        }
                    }
                    if (best >= 0 && bs >= tau) groups.get(groupOf[best]).add(i);
                    else {
                        groupOf[i] = groups.size();
                        groups.add(new ArrayList<>(List.of(i)));
                    }
                }
            }
            int[][] g = new int[groups.size()][];
            int[] clipOfOut = new int[g.length];
            for (int k = 0; k < g.length; k++) {
                g[k] = groups.get(k).stream()
                        .mapToInt(Integer::intValue)
                        .sorted()
                        .toArray();
                clipOfOut[k] = clipOf[g[k][0]] / 2;
            }
            TokenTransform m = TokenTransform.merge(n, g, sizes);
            x = m.apply(x);
            sizes = m.applyToSizes(sizes);
            total = total == null ? m : m.after(total);
            clipOf = clipOfOut;
            clips = (clips + 1) / 2;
        }
        return total == null ? TokenTransform.identity(clip.size()) : total;
    }

    private static int[] members(int[] clipOf, int c) {
        return java.util.stream.IntStream.range(0, clipOf.length)
                .filter(i -> clipOf[i] == c)
                .toArray();
    }
}
