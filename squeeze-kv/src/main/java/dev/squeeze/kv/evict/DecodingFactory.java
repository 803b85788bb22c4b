package dev.squeeze.kv.evict;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.PressFactory;
import dev.squeeze.kv.api.Presses;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Declares {@code decoding:press=h2o,budget=64,every=16}: a decode-time press that lets the cache grow
 * {@code every} entries past {@code budget} and then re-compresses it to the budget with the named
 * scorer (kvpress's DecodingPress). Parameters other than press go to the scorer.
 */
public final class DecodingFactory implements PressFactory {
    static final Set<String> SCORERS =
            Set.of("streamingllm", "h2o", "tova", "knorm", "keydiff", "expectedattention", "random-kv");

    @Override
    public String name() {
        return "decoding";
    }

    @Override
    public String description() {
        return "decode-time re-compression: press=" + SCORERS
                + ", budget=N (required), every=N steps (default 16), plus the scorer's parameters";
    }

    @Override
    public KvHook create(Map<String, String> params, KvModel model) {
        String press = params.get("press");
        if (press == null || !SCORERS.contains(press)) {
            throw new IllegalArgumentException(
                    "press 'decoding': parameter press=" + press + " is invalid; expected one of " + SCORERS);
        }
        if (!params.containsKey("budget"))
            throw new IllegalArgumentException(
                    "press 'decoding' needs budget=N (the target size after each re-compression)");
        Map<String, String> inner = new LinkedHashMap<>(params);
        inner.remove("press");
        inner.putIfAbsent("every", "16");
        inner.put("decode", "true");
        return Presses.available().get(press).create(inner, model);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.KV)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "kvpress: LLM KV cache compression made easy (DecodingPress)",
                        "NVIDIA",
                        2024,
                        "https://github.com/NVIDIA/kvpress")
                .inputs("attention")
                .implementation(DecodingFactory.class)
                .notesResource(getClass())
                .build());
    }
}
