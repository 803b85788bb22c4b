package dev.squeeze.kv.evict;

import dev.squeeze.kv.KvMath;
import dev.squeeze.kv.PressParams;
import dev.squeeze.llm.kv.LayerView;
import dev.squeeze.llm.kv.Phase;
import dev.squeeze.llm.model.LlamaConfig;

/**
 * H2O (Zhang et al., "H2O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language
 * Models", 2023, arXiv:2306.14048): score = attention each entry has received from every query so far
 * (prefill and decode), divided by the number of queries that could see it (kvpress's normalisation, so
 * early tokens are not favoured only for being old); keep heavy hitters plus a recent window of
 * {@code recent} entries (default: half the target, the paper's 50/50 split). GQA: group-mean attention.
 */
public final class H2OPress extends ScorePress {
    private final int recent; // -1: half the target
    private final float[][][] acc; // (layer, kvHead, capacity) accumulated attention
    private final float[][][] cnt; // (layer, kvHead, capacity) queries that saw the entry
    private final int[][] tracked; // (layer, kvHead) entries the state covers

    public H2OPress(PressParams p, LlamaConfig c) {
        super("h2o", p, c, 0);
        this.recent = p.integer("recent", -1, 0, c.seqLen());
        acc = new float[c.nLayers()][c.nKvHeads()][];
        cnt = new float[c.nLayers()][c.nKvHeads()][];
        tracked = new int[c.nLayers()][c.nKvHeads()];
    }

    @Override
    protected void observe(LayerView v) {
        int l = v.layer();
        for (int h = 0; h < config.nKvHeads(); h++) {
            int n = v.store(h).length();
            if (acc[l][h] == null || acc[l][h].length < v.cache().capacity()) {
                acc[l][h] = new float[v.cache().capacity()];
                cnt[l][h] = new float[v.cache().capacity()];
                tracked[l][h] = 0;
            }
            float[] a = acc[l][h], c = cnt[l][h];
            if (v.phase() == Phase.PREFILL) {
                int T = v.queryCount();
                int before = v.visibleCount(0, h) - 1;
                if (tracked[l][h] != before) resetFrom(l, h, 0);
                float[] s = KvMath.groupAttentionSum(v, h, 0, T);
                for (int j = 0; j < n; j++) {
                    a[j] += s[j];
                    c[j] += j < before ? T : T - (j - before);
                }
            } else {
                if (tracked[l][h] != n - 1) resetFrom(l, h, 0);
                float[] s = KvMath.groupStepAttention(v, h);
                for (int j = 0; j < n; j++) {
                    a[j] += s[j];
                    c[j] += 1;
                }
            }
            tracked[l][h] = n;
        }
    }

    private void resetFrom(int l, int h, int from) {
        java.util.Arrays.fill(acc[l][h], from, acc[l][h].length, 0f);
        java.util.Arrays.fill(cnt[l][h], from, cnt[l][h].length, 0f);
    }

    @Override
    protected float[] score(LayerView v, int kvHead) {
        int n = v.store(kvHead).length();
        float[] s = new float[n];
        float[] a = acc[v.layer()][kvHead], c = cnt[v.layer()][kvHead];
        for (int j = 0; j < n; j++) s[j] = c[j] > 0 ? a[j] / c[j] : 0f;
        return s;
    }

    @Override
    protected int window(LayerView v, int kvHead, int target) { return recent >= 0 ? Math.min(recent, target) : target / 2; }

    @Override
    protected void onEvict(int layer, int kvHead, int[] kept, int oldLength) {
        acc[layer][kvHead] = compact(acc[layer][kvHead], kept);
        cnt[layer][kvHead] = compact(cnt[layer][kvHead], kept);
        tracked[layer][kvHead] = kept.length;
    }

    @Override
    public void reset() {
        for (int[] t : tracked) java.util.Arrays.fill(t, 0);
        for (float[][] l : acc) java.util.Arrays.fill(l, null);
        for (float[][] l : cnt) java.util.Arrays.fill(l, null);
    }
}
