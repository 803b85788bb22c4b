package dev.squeeze.vision.video;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.vision.VisionMethod;
import java.util.Optional;

/** Declares {@code fastvid}, {@link FastVid}: dynamic density pruning of clips (it takes clips, so it is called directly rather than through an image adapter). */
public final class FastVidMethod implements VisionMethod {
    @Override
    public String name() {
        return "fastvid";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.VIDEO)
                .mechanism(Mechanism.SIMILARITY)
                .paper(
                        "FastVID: Dynamic Density Pruning for Fast Video Large Language Models",
                        "Shen et al.",
                        2025,
                        "https://arxiv.org/abs/2503.11187")
                .inputs("video-tokens", "saliency")
                .implementation(FastVid.class)
                .notesResource(getClass())
                .build());
    }
}
