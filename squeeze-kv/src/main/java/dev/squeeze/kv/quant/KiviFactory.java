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
import java.util.Set;

/** Declares {@code kivi}: {@link KiviStore}s swapped in by a {@link StoreSwapPress}, and its catalog entry. */
public final class KiviFactory implements PressFactory {
    @Override
    public String name() {
        return "kivi";
    }

    @Override
    public String description() {
        return "KIVI quantised cache (Algorithm 1): bits=2|4|8 (default 2); keys per channel over group=32 tokens, values per token; residual=32 (a multiple of group): "
                + "full-precision keys l mod R, values the last R, held at residualDtype=fp32|fp16; preRope=false (true: keys quantised before RoPE, KVQuant's Sec. 3.2); layers";
    }

    @Override
    public KvHook create(Map<String, String> params, KvModel model) {
        ModelShape c = model.shape();
        PressParams p = new PressParams(
                name(), params, List.of("bits", "group", "residual", "residualDtype", "preRope", "layers"));
        int bits = p.bits("bits", 2, 2, 4, 8);
        int group = p.integer("group", 32, 1, c.seqLen());
        int residual = p.integer("residual", 32, 0, c.seqLen());
        try {
            KiviStore.checkGroupAndResidual(group, residual);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("press 'kivi': " + e.getMessage(), e);
        }
        boolean fp16 = fp16Residual(p);
        boolean preRope = p.bool("preRope", false);
        return new StoreSwapPress(
                "kivi",
                LayerSet.from(p, c.nLayers()),
                (rope, l, h, hd, cap) -> new KiviStore(hd, cap, bits, group, residual, fp16, preRope ? rope : null),
                s -> s instanceof KiviStore);
    }

    /** residualDtype=fp32 (default, this runtime's precision) or fp16 (KIVI's model precision). */
    static boolean fp16Residual(PressParams p) {
        return p.choice("residualDtype", "fp32", Set.of("fp32", "fp16")).equals("fp16");
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.KV)
                .mechanism(Mechanism.TRANSFORMATION)
                .paper(
                        "KIVI: A Tuning-Free Asymmetric 2bit Quantization for KV Cache",
                        "Liu et al.",
                        2024,
                        "https://arxiv.org/abs/2402.02750")
                .inputs("keys", "values")
                .implementation(KiviStore.class)
                .notesResource(getClass())
                .build());
    }
}
