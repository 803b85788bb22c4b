package dev.squeeze.kv.select;

import dev.squeeze.core.select.TopK;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.kv.KvMath;
import dev.squeeze.kv.TokenBudget;
import dev.squeeze.llm.kv.KvHook;
import dev.squeeze.llm.kv.LayerView;

/**
 * GemFilter as a press (an approximation for use through a spec): the filter layer's last-query scores
 * choose the prompt entries every layer keeps (one selection shared by all layers and heads). Unlike
 * {@link GemFilter#select} followed by a fresh run, the layers' hidden states were computed over the
 * whole prompt (no rerun is possible from inside a hook), and kept entries keep their original positions.
 */
public final class GemFilterPress implements KvHook {
    private final TokenBudget budget;
    private final int layer, kernel;
    private int[] kept;   // slots chosen at the filter layer
    private int keptFor;  // the store length they refer to

    public GemFilterPress(TokenBudget budget, int layer, int kernel) {
        this.budget = budget;
        this.layer = layer;
        this.kernel = kernel;
    }

    @Override
    public void afterPrefillLayer(LayerView v) {
        if (v.layer() < layer) return;
        if (v.layer() == layer) {
            float[] s = GemFilter.lastQueryLogits(v);
            float[] pooled = KvMath.avgPool(s, 0, s.length, kernel);
            pooled[pooled.length - 1] = Float.MAX_VALUE;
            kept = TopK.topKSorted(pooled, budget.target(s.length));
            keptFor = s.length;
            for (int l = 0; l <= layer; l++) apply(v, l);
        } else {
            apply(v, v.layer());
        }
    }

    private void apply(LayerView v, int l) {
        if (kept == null || kept.length == keptFor) return;
        for (int h = 0; h < v.config().nKvHeads(); h++) {
            var st = v.cache().store(l, h);
            if (st.length() != keptFor) continue;
            st.transform(TokenTransform.select(keptFor, kept), PositionMode.REPRESENTATIVE);
        }
    }

    @Override
    public void reset() { kept = null; }
}
