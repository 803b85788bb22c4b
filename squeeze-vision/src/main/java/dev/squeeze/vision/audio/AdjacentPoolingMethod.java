package dev.squeeze.vision.audio;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.vision.VisionMethod;
import java.util.Optional;

/** Declares {@code audio-adjacent-pooling}, {@link AdjacentAffinityPooling}: adjacent token merging of audio tokens (it takes token sequences and scores, so it is called directly rather than through an image adapter). */
public final class AdjacentPoolingMethod implements VisionMethod {
    @Override
    public String name() {
        return "audio-adjacent-pooling";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.AUDIO)
                .mechanism(Mechanism.SIMILARITY)
                .paper(
                        "Accelerating Transducers through Adjacent Token Merging",
                        "Li et al.",
                        2023,
                        "https://arxiv.org/abs/2306.16009")
                .inputs("tokens", "token-sizes")
                .implementation(AdjacentAffinityPooling.class)
                .notesResource(getClass())
                .build());
    }
}
