package dev.squeeze.kv.quant;

import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvCache;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.PromptPass;
import dev.squeeze.kv.api.RopeRotation;
import dev.squeeze.kv.internal.LayerSet;
import java.util.function.Predicate;

/**
 * Puts a compressed store in place of each (layer, KV head) store of the chosen layers, filled from the
 * current contents; later tokens are appended to it. Used by KIVI and GEAR. The swap happens once a prompt
 * has run through every layer ({@link #afterPrompt}: the prompt's own attention is full precision, as in
 * KIVI, and presses that evict there, such as KVzip, come first in a chain), or at the first decode step
 * of a sequence that was never prefilled. Runs after eviction presses when composed after them.
 */
class StoreSwapPress implements KvHook {
    /** Makes an empty compressed store for (layer, head, headDim, capacity); {@code rope} is the model's rotation. */
    public interface StoreMaker {
        HeadKvStore make(RopeRotation rope, int layer, int kvHead, int headDim, int capacity);
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

    @Override
    public void afterPrompt(PromptPass pass) {
        for (int l = 0; l < pass.cache().layers(); l++)
            swap(pass.cache(), pass.model().rope(), l);
    }

    @Override
    public boolean actsAfterPrompt() {
        return true;
    }

    @Override
    public void afterDecodeStep(LayerView v) {
        swap(v.cache(), v.rope(), v.layer());
    }

    private void swap(KvCache cache, RopeRotation rope, int layer) {
        if (!layers.contains(layer)) return;
        for (int h = 0; h < cache.kvHeads(); h++) {
            HeadKvStore old = cache.store(layer, h);
            if (isTarget.test(old)) continue;
            HeadKvStore s = maker.make(rope, layer, h, old.headDim(), old.capacity());
            s.replace(old.keys(), old.values(), old.positions());
            cache.setStore(layer, h, s);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
