package dev.squeeze.vision.video;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.vision.VisionMethod;
import java.util.Optional;

/** Declares {@code dycoke}, {@link DyCoke}: temporal token merging and decode-time re-selection (it takes clips, so it is called directly rather than through an image adapter). */
public final class DyCokeMethod implements VisionMethod {
    @Override
    public String name() {
        return "dycoke";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.VIDEO)
                .mechanism(Mechanism.SIMILARITY)
                .paper(
                        "DyCoke: Dynamic Compression of Tokens for Fast Video Large Language Models",
                        "Tao et al.",
                        2025,
                        "https://arxiv.org/abs/2411.15024")
                .inputs("video-tokens", "decode-attention")
                .implementation(DyCoke.class)
                .notesResource(getClass())
                .build());
    }
}
