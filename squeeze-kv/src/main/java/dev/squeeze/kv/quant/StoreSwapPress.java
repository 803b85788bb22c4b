package dev.squeeze.kv.quant;

import dev.squeeze.kv.LayerSet;
import dev.squeeze.llm.kv.HeadKvStore;
import dev.squeeze.llm.kv.KvHook;
import dev.squeeze.llm.kv.LayerView;

import java.util.function.Predicate;

/**
 * Puts a compressed store in place of each (layer, KV head) store of the chosen layers, filled from the
 * current contents (after prefill, or at the first decode step); later tokens are appended to it. Used
 * by KIVI, GEAR and CSKV. Runs after eviction presses when composed after them.
 */
public class StoreSwapPress implements KvHook {
    /** Makes an empty compressed store for (layer, head, headDim, capacity). */
    public interface StoreMaker {
        HeadKvStore make(LayerView v, int layer, int kvHead, int headDim, int capacity);
    }

    private final String name;
    private final LayerSet layers;
    private final StoreMaker maker;
    private final Predicate<HeadKvStore> isTarget;

    public StoreSwapPress(String name, LayerSet layers, StoreMaker maker, Predicate<HeadKvStore> isTarget) {
        this.name = name;
        this.layers = layers;
        this.maker = maker;
        this.isTarget = isTarget;
    }

    @Override public void afterPrefillLayer(LayerView v) { swap(v); }

    @Override public void afterDecodeStep(LayerView v) { swap(v); }

    private void swap(LayerView v) {
        if (!layers.contains(v.layer())) return;
        for (int h = 0; h < v.config().nKvHeads(); h++) {
            HeadKvStore old = v.store(h);
            if (isTarget.test(old)) continue;
            HeadKvStore s = maker.make(v, v.layer(), h, old.headDim(), old.capacity());
            s.replace(old.keys(), old.values(), old.positions());
            v.swap(h, s);
        }
    }

    @Override
    public String toString() { return name; }
}
