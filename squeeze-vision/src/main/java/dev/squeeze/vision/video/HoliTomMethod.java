package dev.squeeze.vision.video;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.vision.VisionMethod;
import java.util.Optional;

/** Declares {@code holitom}, {@link HoliTom}: holistic token merging of clips (it takes clips, so it is called directly rather than through an image adapter). */
public final class HoliTomMethod implements VisionMethod {
    @Override
    public String name() {
        return "holitom";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.VIDEO)
                .mechanism(Mechanism.SIMILARITY)
                .paper(
                        "HoliTom: Holistic Token Merging for Fast Video Large Language Models",
                        "Shao et al.",
                        2025,
                        "https://arxiv.org/abs/2505.21334")
                .inputs("video-tokens", "last-token-attention")
                .implementation(HoliTom.class)
                .notesResource(getClass())
                .build());
    }
}
