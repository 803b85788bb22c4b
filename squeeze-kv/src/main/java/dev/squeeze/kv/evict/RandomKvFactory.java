package dev.squeeze.kv.evict;

import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import java.util.Optional;

/** Declares {@code random-kv}: {@link RandomPress} and its catalog entry. */
public final class RandomKvFactory extends ScorePressFactory {
    public RandomKvFactory() {
        super("random-kv", "uniform random eviction (seed=0); " + COMMON, ScorePress.params("seed"), RandomPress::new);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(entry(Mechanism.TRANSFORMATION, RandomPress.class)
                .paper(
                        "kvpress: LLM KV cache compression made easy (RandomPress baseline)",
                        "NVIDIA",
                        2024,
                        "https://github.com/NVIDIA/kvpress")
                .inputs("keys")
                .build());
    }
}
