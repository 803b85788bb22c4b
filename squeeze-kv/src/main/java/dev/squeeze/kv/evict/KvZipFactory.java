package dev.squeeze.kv.evict;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.PressFactory;
import dev.squeeze.kv.api.PressParams;
import java.util.Map;
import java.util.Optional;

/** Declares {@code kvzip}: {@link KvZipPress} and its catalog entry. */
public final class KvZipFactory implements PressFactory {
    @Override
    public String name() {
        return "kvzip";
    }

    @Override
    public String description() {
        return "KVzip: scores by the max attention of a reconstruction pass (\"Repeat the previous context:\" + the prompt), then evicts; "
                + "keep=F | ratio=R | budget=N, allocation=model|layer|head (default model), chunk=2048, lead=text|none (none: no repeat prompt), layers; prefill only";
    }

    @Override
    public KvHook create(Map<String, String> params, KvModel model) {
        return new KvZipPress(new PressParams(name(), params, KvZipPress.params()), model.shape());
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.KV)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "KVzip: Query-Agnostic KV Cache Compression with Context Reconstruction",
                        "Kim et al.",
                        2025,
                        "https://arxiv.org/abs/2505.23416")
                .inputs("model", "attention")
                .implementation(KvZipPress.class)
                .notesResource(getClass())
                .build());
    }
}
