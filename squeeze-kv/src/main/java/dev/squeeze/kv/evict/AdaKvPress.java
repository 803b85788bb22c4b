package dev.squeeze.kv.evict;

import dev.squeeze.core.select.TopK;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressParams;
import dev.squeeze.kv.internal.KvMath;
import java.util.Arrays;

/**
 * AdaKV (Feng et al., "Ada-KV: Optimizing KV Cache Eviction by Adaptive Budget Allocation for Efficient
 * LLM Inference", 2024, arXiv:2407.11550) over SnapKV scores: a layer's budget (heads x target) is spent
 * by one top-k across all its heads, after each head first receives a floor of {@code alpha} = 0.2 of
 * the per-head target (the paper's safeguard). Heads end with different lengths. SnapKV scores are
 * attention mass, comparable across heads. Prefill only.
 */
final class AdaKvPress extends SnapKvPress {
    private final double alpha;

    public AdaKvPress(PressParams p, ModelShape c) {
        super("adakv", p, c);
        this.alpha = p.real("alpha", 0.2, 0, true, 1, true);
    }

    @Override
    protected int[][] allocate(LayerView v, float[][] scores, int[] targets) {
        int H = scores.length;
        int[][] out = new int[H][];
        boolean[][] chosen = new boolean[H][];
        int total = 0, used = 0;
        for (int h = 0; h < H; h++) {
            if (scores[h] == null) continue;
            int n = scores[h].length;
            chosen[h] = new boolean[n];
            total += targets[h];
            int floor = (int) Math.min(targets[h], Math.ceil(alpha * targets[h]));
            if (floor > 0) for (int i : TopK.topKIndices(scores[h], floor)) chosen[h][i] = true;
            used += floor;
        }
        int rest = total - used;
        if (rest > 0) {
            // one top-rest over the entries not yet chosen, across the layer's heads
            float[][] open = new float[H][];
            for (int h = 0; h < H; h++) {
                if (scores[h] == null) continue;
                open[h] = scores[h].clone();
                for (int i = 0; i < open[h].length; i++) if (chosen[h][i]) open[h][i] = -Float.MAX_VALUE;
            }
            int[][] more = KvMath.pooledTopK(open, rest);
            for (int h = 0; h < H; h++) if (more[h] != null) for (int i : more[h]) chosen[h][i] = true;
        }
        for (int h = 0; h < H; h++) {
            if (chosen[h] == null) continue;
            int k = 0;
            int[] keep = new int[chosen[h].length];
            for (int i = 0; i < keep.length; i++) if (chosen[h][i]) keep[k++] = i;
            out[h] = Arrays.copyOf(keep, k);
        }
        return out;
    }
}
