package dev.squeeze.vision.image.attention;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.TopK;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.VisualTokens;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * HiPrune ("HiPrune: Training-Free Visual Token Pruning via Hierarchical Attention in Vision Encoders", Liu et
 * al., 2025, arXiv 2508.00553): global attention of a layer = attention each token receives, averaged over
 * heads and queries. Anchors = top round(K * 0.1 / 5) tokens by a middle layer's global attention (at least 1);
 * buffers = the 4-neighbours of the anchors on the patch grid; registers = the top tokens by a deep layer's
 * global attention, filling the budget K.
 *
 * <p>CCT adaptation: the middle layer is block 1 and the deep layer block 2 (the last encoder block); grid
 * positions come from the tokens' position ids (raster order on the 16 x 16 grid).
 */
public final class HiPrune implements VisualReducer, VisionMethod {
    @Override
    public String name() {
        return "hiprune";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "HiPrune: Training-Free Visual Token Pruning via Hierarchical Attention in Vision Encoders",
                        "Liu et al.",
                        2025,
                        "https://arxiv.org/abs/2508.00553")
                .inputs("tokens", "attention-per-layer", "grid")
                .implementation(HiPrune.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        int deep = in.layers().size() - 1, middle = deep / 2 + (deep % 2); // encoder blocks 0..2: middle 1, deep 2
        return select(
                in.layers().get(middle).meanReceived(),
                in.layers().get(deep).meanReceived(),
                in.tokens().positions(),
                in.gridSide(),
                keep);
    }

    public static TokenTransform select(float[] middle, float[] deep, float[] positions, int grid, int keep) {
        int n = middle.length;
        Selections.checkKeep("hiprune", keep, n);
        int anchors = Math.max(1, (int) Math.round(keep * 0.1 / 5));
        int[] posToIdx = new int[grid * grid];
        java.util.Arrays.fill(posToIdx, -1);
        for (int i = 0; i < n; i++) posToIdx[(int) positions[i]] = i;
        Set<Integer> chosen = new LinkedHashSet<>();
        for (int a : TopK.topKIndices(middle, anchors)) {
            if (chosen.size() >= keep) break;
            chosen.add(a);
            int p = (int) positions[a], y = p / grid, x = p % grid;
            int[][] nb = {{y - 1, x}, {y + 1, x}, {y, x - 1}, {y, x + 1}};
            for (int[] q : nb) {
                if (chosen.size() >= keep) break;
                if (q[0] < 0 || q[0] >= grid || q[1] < 0 || q[1] >= grid) continue;
                int idx = posToIdx[q[0] * grid + q[1]];
                if (idx >= 0) chosen.add(idx);
            }
        }
        for (int r : TopK.topKIndices(deep, n)) {
            if (chosen.size() >= keep) break;
            chosen.add(r);
        }
        return Selections.keepSorted(
                n, chosen.stream().mapToInt(Integer::intValue).toArray());
    }
}
