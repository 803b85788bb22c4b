package dev.squeeze.kv.evict;

import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import java.util.Optional;

/** Declares {@code pyramidkv}: {@link PyramidKvPress} and its catalog entry. */
public final class PyramidKvFactory extends ScorePressFactory {
    public PyramidKvFactory() {
        super(
                "pyramidkv",
                "SnapKV with linearly decreasing layer budgets (beta=20, window=32, kernel=5); prefill; " + COMMON,
                ScorePress.params("window", "kernel", "beta"),
                PyramidKvPress::new);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(entry(Mechanism.ATTENTION, PyramidKvPress.class)
                .paper(
                        "PyramidKV: Dynamic KV Cache Compression based on Pyramidal Information Funneling",
                        "Cai et al.",
                        2024,
                        "https://arxiv.org/abs/2406.02069")
                .inputs("attention")
                .build());
    }
}
