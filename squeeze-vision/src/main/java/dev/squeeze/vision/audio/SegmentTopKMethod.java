package dev.squeeze.vision.audio;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.vision.VisionMethod;
import java.util.Optional;

/** Declares {@code audio-segment-topk}, {@link SegmentTopK}: segment-wise top-k of audio tokens (it takes token sequences and scores, so it is called directly rather than through an image adapter). */
public final class SegmentTopKMethod implements VisionMethod {
    @Override
    public String name() {
        return "audio-segment-topk";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.AUDIO)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "LLMC+: Benchmarking Vision-Language Model Compression with a Plug-and-play Toolkit",
                        "Lv et al.",
                        2025,
                        "https://arxiv.org/abs/2508.09981")
                .inputs("tokens", "scores")
                .implementation(SegmentTopK.class)
                .notesResource(getClass())
                .build());
    }
}
