package dev.squeeze.vision.audio;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.vision.VisionMethod;
import java.util.Optional;

/** Declares {@code lsh-cross-polytope}, {@link CrossPolytopeLsh}: LSH bucketing of tokens (it takes token sequences and scores, so it is called directly rather than through an image adapter). */
public final class CrossPolytopeLshMethod implements VisionMethod {
    @Override
    public String name() {
        return "lsh-cross-polytope";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.AUDIO)
                .mechanism(Mechanism.SIMILARITY)
                .paper(
                        "LSH-MoE: Communication-efficient MoE Training via Locality-Sensitive Hashing",
                        "Nie et al.",
                        2024,
                        "https://arxiv.org/abs/2411.08446")
                .inputs("tokens", "token-sizes")
                .implementation(CrossPolytopeLsh.class)
                .notesResource(getClass())
                .build());
    }
}
