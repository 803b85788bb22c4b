package dev.squeeze.kv.merge;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.Phase;
import dev.squeeze.kv.api.PressParams;
import dev.squeeze.kv.evict.ScorePress;
import dev.squeeze.kv.internal.AttentionAccumulator;
import dev.squeeze.kv.internal.KvMath;
import dev.squeeze.kv.internal.SizedKvStore;

/**
 * EMS (Li et al., "EMS: Adaptive Evict-then-Merge Strategy for Head-wise KV Cache Compression Based on
 * Global-Local Importance", 2024, arXiv:2412.08521). Global-Local score = global importance (attention
 * accumulated over all queries, divided by how many could see each entry, which removes the causal-mask
 * bias) + local importance (attention from the last {@code window} = 32 queries, or the current query
 * at decode), each normalised to sum 1 over the head's entries. Per head the top target entries are kept
 * (the window always); every other entry is then merged into its most similar kept entry (cosine of
 * keys) when that similarity is at least {@code sim} = 0.5, else evicted. Merged entries are size-weighted
 * means in a {@link SizedKvStore} (ln size added to their logits). The paper's zero-class mechanism is a
 * GPU parallelisation device and is not reproduced; its exact score weighting is not public in the
 * abstract, so the equal-weight sum is our choice.
 */
final class EmsPress extends ScorePress {
    private final int windowSize;
    private final double sim;
    private final AttentionAccumulator acc;
    private final boolean sizeBias;

    public EmsPress(PressParams p, ModelShape c) {
        super("ems", p, c, 0);
        this.windowSize = p.integer("window", 32, 1, c.seqLen());
        this.sim = p.real("sim", 0.5, -1, true, 1, true);
        this.acc = new AttentionAccumulator(c.nLayers(), c.nKvHeads());
        this.sizeBias = p.bool("bias", true);
    }

    @Override
    protected void observe(LayerView v) {
        acc.observe(v);
    }

    private int localWindow(LayerView v, int target) {
        return v.phase() == Phase.DECODE ? 1 : Math.max(1, Math.min(Math.min(windowSize, target), v.queryCount()));
    }

    @Override
    protected int window(LayerView v, int kvHead, int target) {
        return Math.max(localWindow(v, target), super.window(v, kvHead, target));
    }

    @Override
    protected float[] score(LayerView v, int kvHead) {
        int n = v.store(kvHead).length();
        float[] global = acc.normalised(v.layer(), kvHead, n);
        int w = localWindow(v, target(v, kvHead, n));
        float[] local = v.phase() == Phase.DECODE
                ? KvMath.groupStepAttention(v, kvHead)
                : KvMath.groupAttentionSum(v, kvHead, v.queryCount() - w, v.queryCount());
        double gs = 0, ls = 0;
        for (int j = 0; j < n; j++) {
            gs += global[j];
            ls += local[j];
        }
        float[] s = new float[n];
        for (int j = 0; j < n; j++) s[j] = (float) ((gs > 0 ? global[j] / gs : 0) + (ls > 0 ? local[j] / ls : 0));
        return s;
    }

    @Override
    protected void reduce(LayerView v, int h, int[] keep, int n) {
        SizedKvStore st = SizedKvStore.copyOf(v.store(h));
        if (st != v.store(h)) v.swap(h, st);
        FloatMatrix k = st.keys();
        int d = k.cols();
        float[] kd = k.data();
        boolean[] kept = new boolean[n];
        for (int i : keep) kept[i] = true;
        int[] owner = new int[n]; // output row each source joins, -1 evicted
        int[] count = new int[keep.length];
        for (int r = 0; r < keep.length; r++) {
            owner[keep[r]] = r;
            count[r] = 1;
        }
        for (int i = 0; i < n; i++) {
            if (kept[i]) continue;
            float ni = KvMath.norm(kd, i * d, d);
            int best = -1;
            double bestSim = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < keep.length; r++) {
                int j = keep[r];
                double dot = 0;
                for (int c = 0; c < d; c++) dot += (double) kd[i * d + c] * kd[j * d + c];
                float nj = KvMath.norm(kd, j * d, d);
                double cs = (ni == 0 || nj == 0) ? 0 : dot / (ni * nj);
                if (cs > bestSim) {
                    bestSim = cs;
                    best = r;
                }
            }
            if (best >= 0 && bestSim >= sim) {
                owner[i] = best;
                count[best]++;
            } else owner[i] = -1;
        }
        int[][] groups = new int[keep.length][];
        for (int r = 0; r < keep.length; r++) {
            groups[r] = new int[count[r]];
            groups[r][0] = keep[r];
            count[r] = 1;
        }
        for (int i = 0; i < n; i++) if (!kept[i] && owner[i] >= 0) groups[owner[i]][count[owner[i]]++] = i;
        for (int[] g : groups) java.util.Arrays.sort(g, 1, g.length);
        // merge() wants each group's members; the first is the kept entry (its position is kept below)
        TokenTransform m = TokenTransform.merge(n, groups, st.sizes());
        float[] pos = st.positions();
        st.transform(m, PositionMode.REPRESENTATIVE);
        float[] newPos = new float[groups.length];
        for (int r = 0; r < groups.length; r++) newPos[r] = pos[groups[r][0]];
        float[] sizes = st.sizes();
        st.replace(st.keys(), st.values(), newPos);
        if (sizeBias) st.setSizes(sizes);
        acc.merge(v.layer(), h, groups);
    }

    @Override
    public void reset() {
        acc.reset();
    }
}
