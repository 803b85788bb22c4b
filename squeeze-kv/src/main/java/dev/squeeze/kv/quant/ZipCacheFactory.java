package dev.squeeze.kv.quant;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressFactory;
import dev.squeeze.kv.api.PressParams;
import dev.squeeze.kv.internal.LayerSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Declares {@code zipcache}: {@link ZipCachePress} and its catalog entry. */
public final class ZipCacheFactory implements PressFactory {
    @Override
    public String name() {
        return "zipcache";
    }

    @Override
    public String description() {
        return "ZipCache mixed precision: hi=4 bits for salient, lo=2 bits for the low=0.4 least salient by normalised attention (probe=0.05 last + 0.05 random), every=100 decode steps rebuild, seed, layers";
    }

    @Override
    public KvHook create(Map<String, String> params, KvModel model) {
        ModelShape c = model.shape();
        PressParams p = new PressParams(name(), params, List.of("hi", "lo", "low", "probe", "every", "seed", "layers"));
        int hi = p.bits("hi", 4, 2, 4, 8);
        int lo = p.bits("lo", 2, 2, 4, 8);
        double low = p.real("low", 0.4, 0, true, 1, true);
        double probe = p.real("probe", 0.05, 0, false, 1, true);
        int every = p.integer("every", 100, 1, c.seqLen());
        int seed = p.integer("seed", 0, 0, Integer.MAX_VALUE);
        return new ZipCachePress(
                LayerSet.from(p, c.nLayers()), c.nLayers(), c.nKvHeads(), hi, lo, low, probe, every, seed);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.KV)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "ZipCache: Accurate and Efficient KV Cache Quantization with Salient Token Identification",
                        "He et al.",
                        2024,
                        "https://arxiv.org/abs/2405.14256")
                .inputs("attention", "keys", "values")
                .implementation(ZipCachePress.class)
                .notesResource(getClass())
                .build());
    }
}
