package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.BipartiteSoftMatching;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.VisualTokens;
import java.util.Optional;

/**
 * ToMe ("Token Merging: Your ViT But Faster", Bolya et al., ICLR 2023, arXiv 2210.09461) used the way VLM token
 * reducers use it: once, on the vision encoder's output (before block 3), repeated bipartite soft matching
 * rounds (core {@link BipartiteSoftMatching}, cosine, alternate A/B split, r = min(N - K, floor(N / 2)) per round)
 * until exactly K tokens remain; size-weighted averages, proportional attention (ln size) in block 3 and the
 * pooling. The metric is the encoder-output tokens themselves (the keys ToMe uses inside a ViT block belong to a
 * block that has already run here); no [CLS] is protected (CCT has none). The in-every-block ToMe of the paper
 * is {@link ToMeSchedule}.
 */
public final class ToMeEncoder implements VisualReducer, VisionMethod {
    @Override
    public String name() {
        return "tome-encoder";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.SIMILARITY)
                .paper("Token Merging: Your ViT But Faster", "Bolya et al.", 2023, "https://arxiv.org/abs/2210.09461")
                .inputs("tokens", "token-sizes")
                .implementation(ToMeEncoder.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        return mergeRounds(in.tokens().tokens(), in.tokens().sizes(), Selections.keep(name(), budget, in.size()));
    }

    /**
     * Bipartite soft matching rounds (r = min(N - K, floor(N / 2)) each, cosine, no token protected) until exactly
     * {@code keep} tokens remain, as one composed transform (the identity when N <= keep).
     */
    public static TokenTransform mergeRounds(FloatMatrix x, float[] sizes, int keep) {
        int n = x.rows();
        TokenTransform t = TokenTransform.identity(n);
        boolean merged = false;
        while (x.rows() > keep) {
            int r = Math.min(x.rows() - keep, x.rows() / 2);
            TokenTransform m = BipartiteSoftMatching.merge(x, sizes, r, false);
            x = m.apply(x);
            sizes = m.applyToSizes(sizes);
            t = merged ? m.after(t) : m;
            merged = true;
        }
        return t;
    }
}
