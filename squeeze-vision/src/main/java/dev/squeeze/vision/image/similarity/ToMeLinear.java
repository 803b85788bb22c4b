package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import java.util.Optional;

/** Declares {@code tome-linear}: ToMe in every block with the linearly decreasing schedule ({@link ToMeSchedule}). */
public final class ToMeLinear extends ToMeSchedule {
    public ToMeLinear() {
        super(Schedule.LINEAR);
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.VIT)
                .mechanism(Mechanism.SIMILARITY)
                .paper("Token Merging: Your ViT But Faster", "Bolya et al.", 2023, "https://arxiv.org/abs/2210.09461")
                .inputs("tokens", "attention-keys", "token-sizes")
                .implementation(ToMeSchedule.class)
                .notesResource(getClass())
                .build());
    }
}
