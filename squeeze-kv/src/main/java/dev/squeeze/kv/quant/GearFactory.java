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

/** Declares {@code gear}: {@link GearStore}s swapped in by a {@link StoreSwapPress}, and its catalog entry. */
public final class GearFactory implements PressFactory {
    @Override
    public String name() {
        return "gear";
    }

    @Override
    public String description() {
        return "GEAR: KIVI quantisation (bits=2|4|8, default 4; group=32; residual=32, residualDtype=fp32|fp16) + low-rank residual (rank=2, iterations=3) + sparse outliers (outlier=0.02), layers";
    }

    @Override
    public KvHook create(Map<String, String> params, KvModel model) {
        ModelShape c = model.shape();
        PressParams p = new PressParams(
                name(),
                params,
                List.of("bits", "group", "residual", "residualDtype", "rank", "iterations", "outlier", "layers"));
        int bits = p.bits("bits", 4, 2, 4, 8);
        int group = p.integer("group", 32, 1, c.seqLen());
        int residual = p.integer("residual", 32, 0, c.seqLen());
        int rank = p.integer("rank", 2, 0, Math.min(group, c.headDim()));
        int iterations = p.integer("iterations", 3, 1, 100);
        double outlier = p.real("outlier", 0.02, 0, true, 1, false);
        boolean fp16 = KiviFactory.fp16Residual(p);
        return new StoreSwapPress(
                "gear",
                LayerSet.from(p, c.nLayers()),
                (rope, l, h, hd, cap) -> new GearStore(hd, cap, bits, group, residual, fp16, outlier, rank, iterations),
                s -> s instanceof GearStore);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.KV)
                .mechanism(Mechanism.TRANSFORMATION)
                .paper(
                        "GEAR: An Efficient KV Cache Compression Recipe for Near-Lossless Generative Inference of LLM",
                        "Kang et al.",
                        2024,
                        "https://arxiv.org/abs/2403.05527")
                .inputs("keys", "values")
                .implementation(GearStore.class)
                .notesResource(getClass())
                .build());
    }
}
