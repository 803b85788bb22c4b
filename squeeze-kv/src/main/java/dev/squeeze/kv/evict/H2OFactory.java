package dev.squeeze.kv.evict;

import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import java.util.Optional;

/** Declares {@code h2o}: {@link H2OPress} and its catalog entry. */
public final class H2OFactory extends ScorePressFactory {
    public H2OFactory() {
        super(
                "h2o",
                "heavy hitters by normalised accumulated attention + recent (recent=target/2), normalise=true (false: plain sum as in the paper); "
                        + COMMON,
                ScorePress.params("normalise"),
                H2OPress::new);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(entry(Mechanism.ATTENTION, H2OPress.class)
                .paper(
                        "H2O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models",
                        "Zhang et al.",
                        2023,
                        "https://arxiv.org/abs/2306.14048")
                .inputs("attention")
                .build());
    }
}
