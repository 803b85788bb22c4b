package dev.squeeze.kv.evict;

import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import java.util.Optional;

/** Declares {@code expectedattention}: {@link ExpectedAttentionPress} and its catalog entry. */
public final class ExpectedAttentionFactory extends ScorePressFactory {
    public ExpectedAttentionFactory() {
        super(
                "expectedattention",
                "expected attention of future queries (future=512, vnorm=true, covariance=true, epsilon=0, sinks=4); "
                        + COMMON,
                ScorePress.params("future", "vnorm", "covariance", "epsilon"),
                ExpectedAttentionPress::new);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(entry(Mechanism.ATTENTION, ExpectedAttentionPress.class)
                .paper(
                        "Expected Attention: KV Cache Compression by Estimating Attention from Future Queries Distribution",
                        "Devoto et al.",
                        2025,
                        "https://arxiv.org/abs/2510.00636")
                .inputs("queries", "keys", "values")
                .build());
    }
}
