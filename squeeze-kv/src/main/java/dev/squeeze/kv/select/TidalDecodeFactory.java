package dev.squeeze.kv.select;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressFactory;
import dev.squeeze.kv.api.PressParams;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Declares {@code tidaldecode}: {@link TidalDecodePress} and its catalog entry. */
public final class TidalDecodeFactory implements PressFactory {
    @Override
    public String name() {
        return "tidaldecode";
    }

    @Override
    public String description() {
        return "sparse decode attention: k=N tokens (or keep=F) per head chosen at selection layers (full=2, correction=auto|-1|L); memory unchanged";
    }

    @Override
    public KvHook create(Map<String, String> params, KvModel model) {
        ModelShape c = model.shape();
        PressParams p = new PressParams(name(), params, List.of("k", "keep", "full", "correction"));
        if (p.has("k") == p.has("keep"))
            throw new IllegalArgumentException(
                    "press 'tidaldecode' needs exactly one of k=N tokens or keep=F (0 < F <= 1)");
        int k = p.integer("k", 1, 1, c.seqLen());
        double keep = p.real("keep", 0, 0, false, 1, true);
        int full = p.integer("full", Math.min(2, c.nLayers() - 1), 0, c.nLayers() - 1);
        String corr = p.string("correction", "auto");
        int correction;
        if (corr.equals("auto")) correction = TidalDecodePress.defaultCorrection(c.nLayers(), full);
        else correction = p.integer("correction", -1, -1, c.nLayers() - 1);
        return new TidalDecodePress(c, k, keep, full, correction);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.KV)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "TidalDecode: Fast and Accurate LLM Decoding with Position Persistent Sparse Attention",
                        "Yang et al.",
                        2024,
                        "https://arxiv.org/abs/2410.05076")
                .inputs("attention")
                .implementation(TidalDecodePress.class)
                .notesResource(getClass())
                .build());
    }
}
