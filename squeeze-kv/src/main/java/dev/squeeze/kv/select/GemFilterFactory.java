package dev.squeeze.kv.select;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressFactory;
import dev.squeeze.kv.api.PressParams;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Declares {@code gemfilter}: {@link GemFilterPress} (the spec form of {@link GemFilter}) and its catalog entry. */
public final class GemFilterFactory implements PressFactory {
    @Override
    public String name() {
        return "gemfilter";
    }

    @Override
    public String description() {
        return "GemFilter selection at layer=round(13/32 L) by last-query logits (kernel=5), shared by all layers; keep=F | ratio=R | budget=N; the prompt's entries are replaced by a rerun on the chosen tokens (new positions)";
    }

    @Override
    public KvHook create(Map<String, String> params, KvModel model) {
        ModelShape c = model.shape();
        PressParams p = new PressParams(name(), params, List.of("keep", "ratio", "budget", "layer", "kernel"));
        Budget b = p.budget(c.seqLen());
        int layer = p.integer("layer", GemFilter.defaultLayer(c.nLayers()), 0, c.nLayers() - 1);
        int kernel = p.integer("kernel", 5, 1, 63);
        return new GemFilterPress(b, layer, kernel);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.KV)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "Discovering the Gems in Early Layers: Accelerating Long-Context LLMs with 1000x Input Token Reduction",
                        "Shi et al.",
                        2024,
                        "https://arxiv.org/abs/2409.17167")
                .inputs("model", "queries", "keys")
                .implementation(GemFilter.class)
                .notesResource(getClass())
                .build());
    }
}
