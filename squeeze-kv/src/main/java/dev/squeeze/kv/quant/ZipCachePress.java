package dev.squeeze.kv.quant;

import dev.squeeze.core.select.TopK;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.internal.KvMath;
import dev.squeeze.kv.internal.LayerSet;
import java.util.SplittableRandom;

/**
 * ZipCache (He et al., 2024, arXiv:2405.14256) as a press: after prefill each layer's entries are ranked
 * by normalised attention (attention received from probe queries divided by the number of probes that
 * could see the entry, so early tokens are not favoured for being early), with probes = the last 5% of
 * the prompt queries plus a random 5% ({@code seed} = 0); the {@code low} = 40% least salient entries are
 * stored at {@code lo} = 2 bits, the rest at {@code hi} = 4 bits, in a {@link ZipCacheStore}. During
 * decoding every step's query is a probe; new entries stay fp32 until every {@code every} = 100 steps the
 * store is rebuilt with the updated saliency (already-quantised entries are re-quantised from their
 * dequantised values, a small deviation from the paper's streaming scheme).
 */
final class ZipCachePress implements KvHook {
    private final LayerSet layers;
    private final int hi, lo, every;
    private final double low, probeFraction;
    private final long seed;
    private final float[][][] acc, cnt; // (layer, kvHead, capacity)
    private int stepsSinceBuild;

    public ZipCachePress(
            LayerSet layers,
            int nLayers,
            int nKvHeads,
            int hi,
            int lo,
            double low,
            double probeFraction,
            int every,
            long seed) {
        this.layers = layers;
        this.hi = hi;
        this.lo = lo;
        this.low = low;
        this.probeFraction = probeFraction;
        this.every = every;
        this.seed = seed;
        acc = new float[nLayers][nKvHeads][];
        cnt = new float[nLayers][nKvHeads][];
    }

    @Override
    public void afterPrefillLayer(LayerView v) {
        if (!layers.contains(v.layer())) return;
        int T = v.queryCount();
        int nProbe = Math.max(1, (int) Math.ceil(probeFraction * T));
        boolean[] probe = new boolean[T];
        for (int t = Math.max(0, T - nProbe); t < T; t++) probe[t] = true;
        SplittableRandom rng = new SplittableRandom(seed + v.layer());
        int extra = Math.min(nProbe, T - nProbe);
        for (int added = 0; added < extra; ) {
            int t = rng.nextInt(T);
            if (!probe[t]) {
                probe[t] = true;
                added++;
            }
        }
        int g = v.shape().groupSize();
        for (int h = 0; h < v.shape().nKvHeads(); h++) {
            ensure(v, h);
            float[] a = acc[v.layer()][h], c = cnt[v.layer()][h];
            for (int t = 0; t < T; t++) {
                if (!probe[t]) continue;
                int vis = v.visibleCount(t, h);
                for (int qh = h * g; qh < (h + 1) * g; qh++) {
                    FloatMatrix row = v.attention(qh, t, t + 1);
                    for (int j = 0; j < vis; j++) a[j] += row.data()[j] / g;
                }
                for (int j = 0; j < vis; j++) c[j] += 1;
            }
            rebuild(v, h);
        }
    }

    @Override
    public void afterDecodeStep(LayerView v) {
        if (!layers.contains(v.layer())) return;
        for (int h = 0; h < v.shape().nKvHeads(); h++) {
            ensure(v, h);
            float[] s = KvMath.groupStepAttention(v, h);
            float[] a = acc[v.layer()][h], c = cnt[v.layer()][h];
            for (int j = 0; j < s.length; j++) {
                a[j] += s[j];
                c[j] += 1;
            }
        }
        if (v.layer() == v.shape().nLayers() - 1 || !layers.contains(v.layer() + 1)) stepsSinceBuild++;
        boolean due = stepsSinceBuild >= every;
        for (int h = 0; h < v.shape().nKvHeads(); h++) {
            if (due || !(v.store(h) instanceof ZipCacheStore)) rebuild(v, h);
        }
        if (due && v.layer() == lastLayer(v)) stepsSinceBuild = 0;
    }

    private int lastLayer(LayerView v) {
        for (int l = v.shape().nLayers() - 1; l >= 0; l--) if (layers.contains(l)) return l;
        return -1;
    }

    private void ensure(LayerView v, int h) {
        int l = v.layer(), cap = v.cache().capacity();
        if (acc[l][h] == null) {
            acc[l][h] = new float[cap];
            cnt[l][h] = new float[cap];
        }
    }

    private void rebuild(LayerView v, int h) {
        HeadKvStore old = v.store(h);
        int n = old.length();
        float[] a = acc[v.layer()][h], c = cnt[v.layer()][h];
        float[] sal = new float[n];
        for (int j = 0; j < n; j++) sal[j] = c[j] > 0 ? a[j] / c[j] : Float.MAX_VALUE;
        int nHi = n - (int) Math.floor(low * n);
        boolean[] salient = new boolean[n];
        if (nHi > 0) for (int j : TopK.topKIndices(sal, nHi)) salient[j] = true;
        ZipCacheStore z =
                old instanceof ZipCacheStore zs ? zs : new ZipCacheStore(old.headDim(), old.capacity(), hi, lo);
        z.build(old.keys(), old.values(), old.positions(), salient);
        if (z != old) v.swap(h, z);
    }

    @Override
    public void reset() {
        for (float[][] l : acc) java.util.Arrays.fill(l, null);
        for (float[][] l : cnt) java.util.Arrays.fill(l, null);
        stepsSinceBuild = 0;
    }
}
