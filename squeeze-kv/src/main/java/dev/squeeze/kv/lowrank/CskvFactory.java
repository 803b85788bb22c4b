package dev.squeeze.kv.lowrank;

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

/** Declares {@code cskv}: {@link CskvPress} (online calibration) and its catalog entry. */
public final class CskvFactory implements PressFactory {
    @Override
    public String name() {
        return "cskv";
    }

    @Override
    public String description() {
        return "CSKV channel shrinking: rank=R channels (or keep=F of head_dim), window=32 full-precision recent entries, bases fitted on the first prefill (online calibration), layers";
    }

    @Override
    public KvHook create(Map<String, String> params, KvModel model) {
        ModelShape c = model.shape();
        PressParams p = new PressParams(name(), params, List.of("rank", "keep", "window", "layers"));
        if (p.has("rank") == p.has("keep"))
            throw new IllegalArgumentException(
                    "press 'cskv' needs exactly one of rank=R (1..head_dim) or keep=F (0 < F <= 1)");
        int rank = p.has("rank")
                ? p.integer("rank", 1, 1, c.headDim())
                : (int) Math.max(1, Math.round(p.real("keep", 1, 0, false, 1, true) * c.headDim()));
        int window = p.integer("window", 32, 0, c.seqLen());
        return new CskvPress(LayerSet.from(p, c.nLayers()), rank, window, null);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.KV)
                .mechanism(Mechanism.TRANSFORMATION)
                .paper(
                        "CSKV: Training-Efficient Channel Shrinking for KV Cache in Long-Context Scenarios",
                        "Wang et al.",
                        2024,
                        "https://arxiv.org/abs/2409.10593")
                .inputs("keys", "values")
                .implementation(CskvPress.class)
                .notesResource(getClass())
                .build());
    }
}
