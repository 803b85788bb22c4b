package dev.squeeze.kv.merge;

import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.Phase;
import dev.squeeze.kv.internal.SizedKvStore;
import java.util.ArrayList;
import java.util.List;

/**
 * RazorAttention (Tang et al., "RazorAttention: Efficient KV Cache Compression Through Retrieval Heads",
 * 2024, arXiv:2407.15891): retrieval heads ({@link RetrievalHeads}) keep their whole cache; every other
 * head keeps {@code sinks} = 4 attention sinks, a recent window, and one compensation token holding the
 * mean of the dropped keys and of the dropped values. The compensation token stands for its count of
 * tokens: the store is a {@link SizedKvStore}, which adds ln(count) to the token's attention logit
 * (merging is a size-weighted {@link TokenTransform#merge}, so later drops fold into it with the right
 * weights). Non-retrieval heads hold target = sinks + 1 + window entries. With {@code matchMemory} the
 * target of the non-retrieval heads is lowered so that the whole cache holds as many entries as a press
 * keeping {@code keep} of every head would.
 */
public final class RazorAttentionPress implements KvHook {
    private final ModelShape config;
    private final RetrievalHeads heads;
    private final Budget budget;
    private final int sinks;
    private final boolean matchMemory, atDecode;
    private final boolean[][] hasComp; // (layer, kvHead) slot `sinks` holds the compensation token

    public RazorAttentionPress(ModelShape config, RetrievalHeads heads, Budget budget, int sinks, boolean matchMemory) {
        this.config = config;
        this.heads = heads;
        this.budget = budget;
        this.sinks = sinks;
        this.matchMemory = matchMemory;
        this.atDecode = budget instanceof Budget.Count;
        this.hasComp = new boolean[config.nLayers()][config.nKvHeads()];
    }

    public RetrievalHeads heads() {
        return heads;
    }

    @Override
    public void afterPrefillLayer(LayerView v) {
        compress(v, 1);
    }

    @Override
    public void afterDecodeStep(LayerView v) {
        if (atDecode) compress(v, 1);
    }

    int target(LayerView v, int n) {
        int t = budget.resolveFloorCapped(
                budget instanceof Budget.Count || v.phase() == Phase.PREFILL ? n : v.queryPosition(0) + 1);
        if (!matchMemory) return t;
        double f = heads.kvFraction();
        if (f >= 1) return n;
        // f * n + (1 - f) * t' = t  ->  t' = (t - f n) / (1 - f)
        return (int) Math.max(sinks + 2, Math.floor((t - f * n) / (1 - f)));
    }

    private void compress(LayerView v, int slack) {
        int l = v.layer();
        for (int h = 0; h < config.nKvHeads(); h++) {
            if (heads.isRetrieval(l, h)) continue;
            int n = v.store(h).length();
            int t = Math.max(sinks + 2, target(v, n));
            if (n - t < slack) continue;
            int s = Math.min(sinks, n);
            int recent = t - s - 1;
            // groups: sinks, then the compensation token (old one + dropped), then the recent window
            List<int[]> groups = new ArrayList<>();
            for (int i = 0; i < s; i++) groups.add(new int[] {i});
            int dropFrom = s, dropTo = n - recent; // [dropFrom, dropTo) merge into the compensation token
            int[] g = new int[dropTo - dropFrom];
            for (int i = dropFrom; i < dropTo; i++) g[i - dropFrom] = i;
            groups.add(g);
            for (int i = dropTo; i < n; i++) groups.add(new int[] {i});
            SizedKvStore st = SizedKvStore.copyOf(v.store(h));
            if (st != v.store(h)) v.swap(h, st);
            TokenTransform m = TokenTransform.merge(n, groups.toArray(new int[0][]), st.sizes());
            st.transform(m, PositionMode.REPRESENTATIVE);
            hasComp[l][h] = true;
        }
    }

    @Override
    public void reset() {
        for (boolean[] b : hasComp) java.util.Arrays.fill(b, false);
    }
}
