package dev.squeeze.kv.evict;

import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import java.util.Optional;

/** Declares {@code streamingllm}: {@link StreamingLlmPress} and its catalog entry. */
public final class StreamingLlmFactory extends ScorePressFactory {
    public StreamingLlmFactory() {
        super(
                "streamingllm",
                "attention sinks (sinks=4) + recent window; " + COMMON,
                ScorePress.params(),
                StreamingLlmPress::new);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(entry(Mechanism.TRANSFORMATION, StreamingLlmPress.class)
                .paper(
                        "Efficient Streaming Language Models with Attention Sinks",
                        "Xiao et al.",
                        2023,
                        "https://arxiv.org/abs/2309.17453")
                .inputs("keys")
                .build());
    }
}
