package dev.squeeze.kv.merge;

import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.kv.evict.ScorePress;
import dev.squeeze.kv.evict.ScorePressFactory;
import java.util.Optional;

/** Declares {@code ems}: {@link EmsPress} and its catalog entry. */
public final class EmsFactory extends ScorePressFactory {
    public EmsFactory() {
        super(
                "ems",
                "global-local score (window=32), evict then merge into the most similar kept key (sim=0.5), bias=true adds ln(size) to merged logits; keep=F | ratio=R | budget=N, sinks, every, decode, layers",
                ScorePress.params("window", "sim", "bias"),
                EmsPress::new);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(entry(Mechanism.SIMILARITY, EmsPress.class)
                .paper(
                        "EMS: Adaptive Evict-then-Merge Strategy for Head-wise KV Cache Compression Based on Global-Local Importance",
                        "Li et al.",
                        2024,
                        "https://arxiv.org/abs/2412.08521")
                .inputs("attention", "keys")
                .build());
    }
}
