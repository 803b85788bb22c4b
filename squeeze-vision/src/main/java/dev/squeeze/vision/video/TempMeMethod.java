package dev.squeeze.vision.video;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.vision.VisionMethod;
import java.util.Optional;

/** Declares {@code tempme}, {@link TempMe}: cross-clip merging (it takes clips, so it is called directly rather than through an image adapter). */
public final class TempMeMethod implements VisionMethod {
    @Override
    public String name() {
        return "tempme";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.VIDEO)
                .mechanism(Mechanism.SIMILARITY)
                .paper(
                        "TempMe: Video Temporal Token Merging for Efficient Text-Video Retrieval",
                        "Shen et al.",
                        2025,
                        "https://arxiv.org/abs/2409.01156")
                .inputs("video-tokens")
                .implementation(TempMe.class)
                .notesResource(getClass())
                .build());
    }
}
