package dev.squeeze.vision.video;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.VisualTokens;
import java.util.Optional;

/**
 * {@link PruneVid} on a one-frame clip at the encoder output: with a single frame every position is "static",
 * so PruneVid reduces to its spatial step, DPC-KNN (k = 5) clustering of the frame's tokens into K clusters
 * merged by mean (with proportional attention downstream). Reported as an image method to show what the video
 * reducers' merge step does on stills.
 */
public final class PruneVidImage implements VisualReducer, VisionMethod {
    @Override
    public String name() {
        return "prunevid";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.VIDEO)
                .mechanism(Mechanism.SIMILARITY)
                .paper(
                        "PruneVid: Visual Token Pruning for Efficient Video Large Language Models",
                        "Huang et al.",
                        2024,
                        "https://arxiv.org/abs/2412.16117")
                .inputs("video-tokens")
                .implementation(PruneVid.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        if (in.size() != in.originalCount())
            throw new IllegalArgumentException(
                    "prunevid image: expects the unreduced " + in.originalCount() + " tokens, got " + in.size());
        Clip clip = new Clip(in.tokens().tokens(), 1, in.size());
        return new PruneVid(0.9f, 0.8f, keep / (float) in.size()).reduce(clip);
    }
}
