package dev.squeeze.kv.internal;

import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.Phase;
import java.util.Arrays;

/**
 * Attention each entry received from every query so far (prefill and decode; group-mean over a GQA
 * group) and how many queries could see it, per (layer, KV head) slot. The owner must report its own
 * transforms ({@link #keep}, {@link #merge}); if the store changed behind its back the state restarts.
 */
public final class AttentionAccumulator {
    private final float[][][] acc; // (layer, kvHead, capacity)
    private final float[][][] cnt;
    private final int[][] tracked;

    public AttentionAccumulator(int nLayers, int nKvHeads) {
        acc = new float[nLayers][nKvHeads][];
        cnt = new float[nLayers][nKvHeads][];
        tracked = new int[nLayers][nKvHeads];
    }

    public void observe(LayerView v) {
        int l = v.layer();
        for (int h = 0; h < v.shape().nKvHeads(); h++) {
            int n = v.store(h).length();
            int cap = v.cache().capacity();
            if (acc[l][h] == null) {
                acc[l][h] = new float[cap];
                cnt[l][h] = new float[cap];
                tracked[l][h] = 0;
            }
            float[] a = acc[l][h], c = cnt[l][h];
            if (v.phase() == Phase.PREFILL) {
                int T = v.queryCount();
                int before = v.visibleCount(0, h) - 1;
                if (tracked[l][h] != before) clear(l, h);
                float[] s = KvMath.groupAttentionSum(v, h, 0, T);
                for (int j = 0; j < n; j++) {
                    a[j] += s[j];
                    c[j] += j < before ? T : T - (j - before);
                }
            } else {
                if (tracked[l][h] != n - 1) clear(l, h);
                float[] s = KvMath.groupStepAttention(v, h);
                for (int j = 0; j < n; j++) {
                    a[j] += s[j];
                    c[j] += 1;
                }
            }
            tracked[l][h] = n;
        }
    }

    private void clear(int l, int h) {
        Arrays.fill(acc[l][h], 0f);
        Arrays.fill(cnt[l][h], 0f);
    }

    /** Accumulated attention divided by the number of queries that saw each entry: (n). */
    public float[] normalised(int layer, int kvHead, int n) {
        float[] s = new float[n];
        float[] a = acc[layer][kvHead], c = cnt[layer][kvHead];
        for (int j = 0; j < n; j++) s[j] = c[j] > 0 ? a[j] / c[j] : 0f;
        return s;
    }

    /** Accumulated attention, not normalised (the original H2O score): (n). */
    public float[] raw(int layer, int kvHead, int n) {
        return java.util.Arrays.copyOf(acc[layer][kvHead], n);
    }

    /** The head kept the given ascending slots. */
    public void keep(int layer, int kvHead, int[] kept) {
        float[] a = acc[layer][kvHead], c = cnt[layer][kvHead];
        for (int i = 0; i < kept.length; i++) {
            a[i] = a[kept[i]];
            c[i] = c[kept[i]];
        }
        Arrays.fill(a, kept.length, a.length, 0f);
        Arrays.fill(c, kept.length, c.length, 0f);
        tracked[layer][kvHead] = kept.length;
    }

    /** The head's entries became the groups (output k merges groups[k], the first member is the kept one). */
    public void merge(int layer, int kvHead, int[][] groups) {
        float[] a = acc[layer][kvHead].clone(), c = cnt[layer][kvHead].clone();
        float[] na = acc[layer][kvHead], nc = cnt[layer][kvHead];
        Arrays.fill(na, 0f);
        Arrays.fill(nc, 0f);
        for (int k = 0; k < groups.length; k++) {
            for (int j : groups[k]) na[k] += a[j];
            nc[k] = c[groups[k][0]];
        }
        tracked[layer][kvHead] = groups.length;
    }

    public void reset() {
        for (int[] t : tracked) Arrays.fill(t, 0);
        for (float[][] l : acc) Arrays.fill(l, null);
        for (float[][] l : cnt) Arrays.fill(l, null);
    }
}
