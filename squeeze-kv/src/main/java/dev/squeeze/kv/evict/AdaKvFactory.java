package dev.squeeze.kv.evict;

import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import java.util.Optional;

/** Declares {@code adakv}: {@link AdaKvPress} and its catalog entry. */
public final class AdaKvFactory extends ScorePressFactory {
    public AdaKvFactory() {
        super(
                "adakv",
                "SnapKV scores, one top-k across heads with a per-head floor (alpha=0.2); prefill; " + COMMON,
                ScorePress.params("window", "kernel", "alpha"),
                AdaKvPress::new);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(entry(Mechanism.ATTENTION, AdaKvPress.class)
                .paper(
                        "Ada-KV: Optimizing KV Cache Eviction by Adaptive Budget Allocation for Efficient LLM Inference",
                        "Feng et al.",
                        2024,
                        "https://arxiv.org/abs/2407.11550")
                .inputs("attention")
                .build());
    }
}
