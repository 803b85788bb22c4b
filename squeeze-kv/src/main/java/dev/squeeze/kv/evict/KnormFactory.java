package dev.squeeze.kv.evict;

import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import java.util.Optional;

/** Declares {@code knorm}: {@link KnormPress} and its catalog entry. */
public final class KnormFactory extends ScorePressFactory {
    public KnormFactory() {
        super("knorm", "keep the smallest key norms; " + COMMON, ScorePress.params(), KnormPress::new);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(entry(Mechanism.TRANSFORMATION, KnormPress.class)
                .paper(
                        "A Simple and Effective L2 Norm-Based Strategy for KV Cache Compression",
                        "Devoto et al.",
                        2024,
                        "https://arxiv.org/abs/2406.11430")
                .inputs("keys")
                .build());
    }
}
