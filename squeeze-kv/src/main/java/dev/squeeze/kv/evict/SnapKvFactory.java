package dev.squeeze.kv.evict;

import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import java.util.Optional;

/** Declares {@code snapkv}: {@link SnapKvPress} and its catalog entry. */
public final class SnapKvFactory extends ScorePressFactory {
    public SnapKvFactory() {
        super(
                "snapkv",
                "observation window (window=32) pooled attention (kernel=5), per-head top-k; prefill; " + COMMON,
                ScorePress.params("window", "kernel"),
                SnapKvPress::new);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(entry(Mechanism.ATTENTION, SnapKvPress.class)
                .paper(
                        "SnapKV: LLM Knows What You are Looking for Before Generation",
                        "Li et al.",
                        2024,
                        "https://arxiv.org/abs/2404.14469")
                .inputs("attention")
                .build());
    }
}
