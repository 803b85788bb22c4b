package dev.squeeze.kv.evict;

import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import java.util.Optional;

/** Declares {@code tova}: {@link TovaPress} and its catalog entry. */
public final class TovaFactory extends ScorePressFactory {
    public TovaFactory() {
        super(
                "tova",
                "last query's head-mean attention, one top-k per layer; " + COMMON,
                ScorePress.params(),
                TovaPress::new);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(entry(Mechanism.ATTENTION, TovaPress.class)
                .paper("Transformers are Multi-State RNNs", "Oren et al.", 2024, "https://arxiv.org/abs/2401.06104")
                .inputs("attention")
                .build());
    }
}
