package dev.squeeze.vision.image.pool;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.VisualTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Average / 2-D pooling of visual tokens, as in LLaVolta's test-time visual context compression ("Efficient
 * Large Multi-modal Models via Visual Context Compression", Chen et al., NeurIPS 2024, arXiv 2406.20092),
 * which average-pools the visual tokens with a fixed stride.
 *
 * <p>The tokens must be a full {@code g x g} grid in raster order. When N/K factors into a window
 * {@code kh x kw} that tiles the grid (2 = 1x2, 4 = 2x2, 8 = 2x4, 16 = 4x4) the pooling is 2-D over
 * non-overlapping windows; otherwise (e.g. keep 75%) it is 1-D average pooling over raster order into K
 * contiguous, non-overlapping runs {@code [floor(iN/K), floor((i+1)N/K))}. Windows are size-weighted means.
 */
public final class GridPooling implements VisualReducer, VisionMethod {
    @Override
    public String name() {
        return "avgpool";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.TRANSFORMATION)
                .paper(
                        "Efficient Large Multi-modal Models via Visual Context Compression (LLaVolta)",
                        "Chen et al.",
                        2024,
                        "https://arxiv.org/abs/2406.20092")
                .inputs("tokens", "grid")
                .implementation(GridPooling.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        return pool(in.size(), keep, in.tokens().sizes());
    }

    /** The pooling transform of an N-token square grid down to K tokens. */
    public static TokenTransform pool(int n, int keep, float @Nullable [] sizes) {
        int g = (int) Math.round(Math.sqrt(n));
        if (g * g != n) throw new IllegalArgumentException("avgpool needs a square token grid, got N = " + n);
        if (keep < 1 || keep > n)
            throw new IllegalArgumentException("avgpool: keep must be in [1, " + n + "], got " + keep);
        int[][] groups = null;
        if (n % keep == 0) {
            int f = n / keep;
            int kh = 1;
            while (kh * kh < f) kh *= 2;
            if (kh * kh > f) kh /= 2; // f = kh * kw with kw in {kh, 2 kh}
            int kw = f / kh;
            if (kh * kw == f && g % kh == 0 && g % kw == 0) groups = windows(g, kh, kw);
        }
        if (groups == null) {
            groups = new int[keep][];
            for (int i = 0; i < keep; i++) {
                int lo = (int) ((long) i * n / keep), hi = (int) ((long) (i + 1) * n / keep);
                int[] w = new int[hi - lo];
                for (int j = lo; j < hi; j++) w[j - lo] = j;
                groups[i] = w;
            }
        }
        return TokenTransform.merge(n, groups, sizes);
    }

    private static int[][] windows(int g, int kh, int kw) {
        List<int[]> out = new ArrayList<>();
        for (int y = 0; y < g; y += kh) {
            for (int x = 0; x < g; x += kw) {
                int[] w = new int[kh * kw];
                int o = 0;
                for (int dy = 0; dy < kh; dy++) for (int dx = 0; dx < kw; dx++) w[o++] = (y + dy) * g + x + dx;
                out.add(w);
            }
        }
        return out.toArray(new int[0][]);
    }
}
