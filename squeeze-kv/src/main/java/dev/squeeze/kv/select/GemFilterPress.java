package dev.squeeze.kv.select;

import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.TopK;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvCache;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.PromptPass;
import dev.squeeze.kv.internal.KvMath;
import dev.squeeze.kv.internal.PromptSlots;
import org.jspecify.annotations.Nullable;

/**
 * GemFilter as a press: at the filter layer the last query's scores choose the prompt tokens (as
 * {@link GemFilter#select}); once the prompt has run, its entries are removed and the chosen tokens run
 * afresh from the prompt's start (new positions, as the paper's rerun), so the cache holds the rerun's
 * entries. Differences from the paper's pipeline: the first pass runs every layer, not only up to the filter
 * layer (a hook cannot stop it), and the prompt's logits, which give the first generated token, come from the
 * full prompt rather than the rerun (later tokens see only the rerun's cache).
 */
final class GemFilterPress implements KvHook {
    private final Budget budget;
    private final int layer, kernel;
    private int @Nullable [] chosen; // prompt indices chosen at the filter layer, ascending

    public GemFilterPress(Budget budget, int layer, int kernel) {
        this.budget = budget;
        this.layer = layer;
        this.kernel = kernel;
    }

    @Override
    public void afterPrefillLayer(LayerView v) {
        if (v.layer() != layer) return;
        float[] s = GemFilter.lastQueryLogits(v); // over every visible entry; the prompt's are the last T
        int T = v.queryCount(), off = s.length - T;
        float[] pooled = KvMath.avgPool(s, off, s.length, kernel);
        pooled[pooled.length - 1] = Float.MAX_VALUE;
        chosen = TopK.topKSorted(pooled, budget.resolveFloorCapped(T));
    }

    @Override
    public boolean actsAfterPrompt() {
        return true;
    }

    @Override
    public void afterPrompt(PromptPass pass) {
        int[] prompt = pass.prompt();
        if (chosen == null || chosen.length == prompt.length) return;
        int start = pass.promptStart();
        KvCache cache = pass.cache();
        for (int l = 0; l < cache.layers(); l++)
            for (int h = 0; h < cache.kvHeads(); h++) {
                HeadKvStore st = cache.store(l, h);
                PromptSlots.truncate(st, PromptSlots.firstAtOrAfter(st, start));
            }
        int[] tokens = new int[chosen.length];
        for (int i = 0; i < tokens.length; i++) tokens[i] = prompt[chosen[i]];
        pass.setPosition(start);
        pass.run(tokens, new KvHook() {});
        chosen = null;
    }

    @Override
    public void reset() {
        chosen = null;
    }
}
