package dev.squeeze.kv.evict;

import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import java.util.Optional;

/** Declares {@code keydiff}: {@link KeyDiffPress} and its catalog entry. */
public final class KeyDiffFactory extends ScorePressFactory {
    public KeyDiffFactory() {
        super("keydiff", "keep keys least similar to the mean key; " + COMMON, ScorePress.params(), KeyDiffPress::new);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(entry(Mechanism.SIMILARITY, KeyDiffPress.class)
                .paper(
                        "KeyDiff: Key Similarity-Based KV Cache Eviction for Long-Context LLM Inference in Resource-Constrained Environments",
                        "Park et al.",
                        2025,
                        "https://arxiv.org/abs/2504.15364")
                .inputs("keys")
                .build());
    }
}
