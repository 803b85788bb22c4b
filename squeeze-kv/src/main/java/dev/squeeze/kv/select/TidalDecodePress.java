package dev.squeeze.kv.select;

import dev.squeeze.core.select.TopK;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.internal.KvMath;
import java.util.Arrays;

/**
 * TidalDecode (Yang et al., "TidalDecode: Fast and Accurate LLM Decoding with Position Persistent Sparse
 * Attention", 2024, arXiv:2410.05076). Prefill is dense. At each decode step layers
 * [0, {@code full}) (default 2) attend fully; the token-selection layers ({@code full} and the
 * {@code correction} layer, default round(13/32 of the depth) as in the paper's Llama-3-8B setting, or the
 * next layer when that is not later) also attend fully and pick, per KV head, the top-{@code k} entries
 * of their group-mean attention (plus the current token); every following layer up to the next
 * selection layer attends only to those slots (position persistence). The cache keeps every entry:
 * memory is not saved, memory traffic is ({@link #trafficFraction()}).
 */
public final class TidalDecodePress implements KvHook {
    private final ModelShape config;
    private final int k;
    private final double keep; // > 0: k = keep * entries
    private final int full;
    private final boolean[] selectionLayer;
    private long rowsFull, rowsRead;
    private int[] buf = new int[0];

    public TidalDecodePress(ModelShape config, int k, double keep, int full, int correction) {
        this.config = config;
        this.k = k;
        this.keep = keep;
        this.full = full;
        int L = config.nLayers();
        if (full < 0 || full >= L)
            throw new IllegalArgumentException("full must be in [0, " + (L - 1) + "], got " + full);
        selectionLayer = new boolean[L];
        selectionLayer[full] = true;
        if (correction >= 0) {
            if (correction >= L)
                throw new IllegalArgumentException(
                        "correction layer " + correction + " is outside [0, " + (L - 1) + "]");
            selectionLayer[correction] = true;
        }
    }

    /** Default correction layer for a depth: round(13/32 L), pushed past {@code full}; -1 when there is no room. */
    public static int defaultCorrection(int nLayers, int full) {
        int c = (int) Math.round(13.0 / 32 * nLayers);
        if (c <= full) c = full + 1;
        return c < nLayers - 1 ? c : -1;
    }

    /** Key/value rows read at decode steps over rows a dense cache would read (1 = no saving). */
    public double trafficFraction() {
        return rowsFull == 0 ? 1 : (double) rowsRead / rowsFull;
    }

    @Override
    public void afterPrefillLayer(LayerView v) {
        for (int h = 0; h < config.nKvHeads(); h++) {
            HeadKvStore s = v.store(h);
            if (v.layer() > full && !(s instanceof SparseReadKvStore)) {
                SparseReadKvStore sp = new SparseReadKvStore(s.headDim(), s.capacity());
                sp.replace(s.keys(), s.values(), s.positions());
                v.swap(h, sp);
            } else if (s instanceof SparseReadKvStore sp) {
                sp.clearSelection();
            }
        }
    }

    @Override
    public void afterDecodeStep(LayerView v) {
        int l = v.layer();
        for (int h = 0; h < config.nKvHeads(); h++) {
            int n = v.visibleCount(0, h);
            rowsFull += 2L * n * config.groupSize();
            HeadKvStore s = v.store(h);
            boolean sparse = s instanceof SparseReadKvStore && l > full && !selectionLayer[l];
            int read = sparse ? selectedCount(n) : n;
            rowsRead += 2L * read * config.groupSize();
        }
        if (!selectionLayer[l]) return;
        int next = l + 1;
        for (int h = 0; h < config.nKvHeads(); h++) {
            float[] a = KvMath.groupStepAttention(v, h);
            int n = a.length;
            int kk = Math.min(n, selectedCount(n));
            int[] top = TopK.topKIndices(a, kk); // best first
            if (buf.length < kk + 1) buf = new int[kk + 1];
            boolean hasLast = false;
            for (int i : top) hasLast |= i == n - 1;
            int cnt = 0;
            for (int i = 0; i < (hasLast ? kk : kk - 1); i++) buf[cnt++] = top[i];
            if (!hasLast) buf[cnt++] = n - 1; // the current token is always read
            Arrays.sort(buf, 0, cnt);
            for (int m = next; m < config.nLayers() && !selectionLayer[m]; m++) {
                HeadKvStore st = v.cache().store(m, h);
                // the following layers append this step's token before attending: width n
                SparseReadKvStore sp;
                if (st instanceof SparseReadKvStore x) {
                    sp = x;
                } else { // decoding without a prefill: switch now
                    sp = new SparseReadKvStore(st.headDim(), st.capacity());
                    sp.replace(st.keys(), st.values(), st.positions());
                    v.cache().setStore(m, h, sp);
                }
                sp.select(buf, cnt, n);
            }
        }
    }

    private int selectedCount(int n) {
        int c = keep > 0 ? (int) Math.max(1, Math.floor(keep * n)) : k;
        return Math.min(n, c);
    }
}
