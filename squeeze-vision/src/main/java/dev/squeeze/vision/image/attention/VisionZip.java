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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * VisionZip ("VisionZip: Longer is Better but Not Necessary in Vision Language Models", Yang et al., CVPR 2025,
 * arXiv 2412.04467): dominant tokens = top by [CLS] attention of the penultimate layer; contextual tokens: the
 * remaining tokens are split into targets at a uniform stride and the others, each other token joins its most
 * similar target (cosine of head-mean keys) and each target with its members becomes one token.
 *
 * <p>Budget split: dominant : contextual = 54 : 10 (the reference default 54+10 of 576, also 108+20, 162+30),
 * i.e. dominant = round(K * 54 / 64), at least one contextual token when K >= 2. CCT adaptation: the
 * attention-pooling weights on block 1's output are the [CLS] attention; keys are block 1's. Merging is a
 * size-weighted mean (rows sum to 1): the reference adds the target to the members' mean (rows sum to 2); we
 * do not reproduce that quirk, which would double the residual-stream magnitude of those tokens.
 */
public final class VisionZip implements VisualReducer, VisionMethod {
    @Override
    public String name() {
        return "visionzip";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "VisionZip: Longer is Better but Not Necessary in Vision Language Models",
                        "Yang et al.",
                        2025,
                        "https://arxiv.org/abs/2412.04467")
                .inputs("tokens", "cls-attention", "attention-keys")
                .implementation(VisionZip.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        return reduce(
                in.clsAttention(), in.lastLayer().headMeanKeys(), in.tokens().sizes(), keep);
    }

    public static TokenTransform reduce(float[] cls, FloatMatrix keys, float[] sizes, int keep) {
        int n = cls.length;
        Selections.checkKeep("visionzip", keep, n);
        int contextual = keep >= 2 ? Math.max(1, keep - (int) Math.round(keep * 54.0 / 64.0)) : 0;
        int dominant = keep - contextual;
        int[] dom = TopK.topKSorted(cls, dominant);
        int[] rest = Selections.complement(n, dom);
        List<int[]> groups = new ArrayList<>();
        for (int d : dom) groups.add(new int[] {d});
        if (contextual > 0 && rest.length > 0) {
            int c = Math.min(contextual, rest.length);
            int[] targets = new int[c];
            boolean[] isTarget = new boolean[n];
            for (int i = 0; i < c; i++) {
                targets[i] = rest[(int) ((long) i * rest.length / c)];
                isTarget[targets[i]] = true;
            }
            FloatMatrix cos = Selections.cosine(keys);
            List<List<Integer>> members = new ArrayList<>();
            for (int i = 0; i < c; i++) {
                members.add(new ArrayList<>());
                members.get(i).add(targets[i]);
            }
            for (int j : rest) {
                if (isTarget[j]) continue;
                int best = 0;
                for (int i = 1; i < c; i++) if (cos.get(j, targets[i]) > cos.get(j, targets[best])) best = i;
                members.get(best).add(j);
            }
            for (List<Integer> m : members)
                groups.add(m.stream().mapToInt(Integer::intValue).sorted().toArray());
        }
        groups.sort((a, b) -> Integer.compare(a[0], b[0]));
        return TokenTransform.merge(n, groups.toArray(new int[0][]), sizes);
    }
}
