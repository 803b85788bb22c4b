package dev.squeeze.llm.spec;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.catalog.MethodProvider;
import java.util.List;

/**
 * Declares {@code token-recycling}, {@link TokenRecycling}. It is not a KV press (it drives the decoding loop
 * through {@code Session.verifyTree}/{@code acceptTree} and runs without presses), so it has no press factory;
 * like CacheGen it is one method without a family SPI and registers itself as a {@link MethodProvider}. Family
 * {@link Family#DECODING} and mechanism {@link Mechanism#SPECULATION}: it drops no token and leaves the output
 * unchanged, it only needs fewer forward passes. Notes: {@code META-INF/squeeze/methods/token-recycling.txt}.
 */
public final class TokenRecyclingMethod implements MethodProvider {
    public static final String NAME = "token-recycling";

    public MethodInfo info() {
        return MethodInfo.builder(NAME)
                .family(Family.DECODING)
                .mechanism(Mechanism.SPECULATION)
                .paper(
                        "Turning Trash into Treasure: Accelerating Inference of Large Language Models with Token Recycling",
                        "Luo et al.",
                        2025,
                        "https://arxiv.org/abs/2408.08696")
                .inputs("model", "prompt")
                .implementation(TokenRecycling.class)
                .notesResource(getClass())
                .build();
    }

    @Override
    public List<MethodInfo> methods() {
        return List.of(info());
    }
}
