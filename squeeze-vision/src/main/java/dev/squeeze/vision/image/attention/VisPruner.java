package dev.squeeze.vision.image.attention;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.TopK;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.VisualTokens;
import java.util.Arrays;
import java.util.Optional;

/**
 * VisPruner ("Beyond Text-Visual Attention: Exploiting Visual Cues for Effective Token Pruning in VLMs", Zhang
 * et al., ICCV 2025, arXiv 2412.01818 v2 / project VisPruner): important tokens = top by the visual encoder's
 * [CLS] attention; diverse tokens = the remaining tokens with duplicates removed by similarity: repeatedly split
 * the remainder alternately into A and B, and drop the A tokens most similar (cosine) to some B token, until
 * the diverse budget is met.
 *
 * <p>Constants (our choice, unverified against the reference): important = round(K / 2), diverse = the rest;
 * cosine on the encoder-output features; each round drops at most |A| tokens. CCT adaptation: the
 * attention-pooling weights are the [CLS] attention.
 */
public final class VisPruner implements VisualReducer, VisionMethod {
    @Override
    public String name() {
        return "vispruner";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "Beyond Text-Visual Attention: Exploiting Visual Cues for Effective Token Pruning in VLMs",
                        "Zhang et al.",
                        2025,
                        "https://arxiv.org/abs/2412.01818")
                .inputs("tokens", "cls-attention")
                .implementation(VisPruner.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        return select(in.clsAttention(), in.tokens().tokens(), keep);
    }

    public static TokenTransform select(float[] cls, FloatMatrix x, int keep) {
        int n = cls.length;
        Selections.checkKeep("vispruner", keep, n);
        int important = Math.max(1, Math.round(keep / 2f));
        int[] imp = TopK.topKSorted(cls, important);
        int[] rest = Selections.complement(n, imp);
        int diverse = keep - important;
        FloatMatrix cos = Selections.cosine(x);
        while (rest.length > diverse) {
            int na = (rest.length + 1) / 2, nb = rest.length / 2;
            if (nb == 0) {
                rest = new int[0];
                break;
            }
            float[] best = new float[na];
            for (int a = 0; a < na; a++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int b = 0; b < nb; b++) m = Math.max(m, cos.get(rest[2 * a], rest[2 * b + 1]));
                best[a] = m;
            }
            int drop = Math.min(na, rest.length - diverse);
            int[] dropA = TopK.topKIndices(best, drop);
            boolean[] gone = new boolean[rest.length];
            for (int a : dropA) gone[2 * a] = true;
            int[] next = new int[rest.length - drop];
            int o = 0;
            for (int i = 0; i < rest.length; i++) if (!gone[i]) next[o++] = rest[i];
            rest = next;
        }
        int[] all = Arrays.copyOf(imp, imp.length + rest.length);
        System.arraycopy(rest, 0, all, imp.length, rest.length);
        return Selections.keepSorted(n, all);
    }
}
