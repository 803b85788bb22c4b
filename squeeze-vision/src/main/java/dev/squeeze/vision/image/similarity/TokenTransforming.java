package dev.squeeze.vision.image.similarity;

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
import java.util.Optional;

/**
 * Token Transforming's many-to-many reduction ("Token Transforming: A Unified and Training-Free Token
 * Compression Framework for Vision Transformer Acceleration", Zeng et al., 2025, arXiv 2506.05709): every
 * output token is a soft, non-exclusive combination of many inputs, Y = W X with a dense (K, N) W.
 *
 * <p>No public code fixes W; this construction (our choice, stated in the catalog): K destinations = the
 * top-K tokens by the attention-pooling weights (the [CLS]-attention proxy); every non-destination source j
 * spreads its mass over all destinations by a_kj = softmax_k(cos(x_j, x_k) / tau), tau = 0.1; row k of W is
 * (s_k e_k + sum_j a_kj s_j e_j) normalised to sum 1 (size-weighted), so each source's size is shared and the
 * total conserved ({@link TokenTransform#dense}).
 */
public final class TokenTransforming implements VisualReducer, VisionMethod {
    private final float tau;

    /** The default temperature, tau = 0.1 (our choice). */
    public TokenTransforming() {
        this(0.1f);
    }

    public TokenTransforming(float tau) {
        this.tau = tau;
    }

    @Override
    public String name() {
        return "token-transforming";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.VIT)
                .mechanism(Mechanism.SIMILARITY)
                .paper(
                        "Token Transforming: A Unified and Training-Free Token Compression Framework for Vision Transformer Acceleration",
                        "Zeng et al.",
                        2025,
                        "https://arxiv.org/abs/2506.05709")
                .inputs("tokens", "cls-attention", "token-sizes")
                .implementation(TokenTransforming.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        return transform(in.tokens().tokens(), in.tokens().sizes(), in.clsAttention(), keep, tau);
    }

    public static TokenTransform transform(FloatMatrix x, float[] sizes, float[] importance, int keep, float tau) {
        int n = x.rows();
        int[] dest = TopK.topKSorted(importance, keep);
        boolean[] isDest = new boolean[n];
        for (int d : dest) isDest[d] = true;
        FloatMatrix cos = Selections.cosine(x);
        float[] w = new float[keep * n];
        float[] a = new float[keep];
        for (int j = 0; j < n; j++) {
            if (isDest[j]) continue;
            float mx = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < keep; k++) {
                a[k] = cos.get(j, dest[k]) / tau;
                mx = Math.max(mx, a[k]);
            }
            double sum = 0;
            for (int k = 0; k < keep; k++) {
                a[k] = (float) Math.exp(a[k] - mx);
                sum += a[k];
            }
            for (int k = 0; k < keep; k++) w[k * n + j] = (float) (a[k] / sum) * sizes[j];
        }
        for (int k = 0; k < keep; k++) {
            w[k * n + dest[k]] = sizes[dest[k]];
            double rs = 0;
            for (int j = 0; j < n; j++) rs += w[k * n + j];
            for (int j = 0; j < n; j++) w[k * n + j] /= (float) rs;
        }
        return TokenTransform.dense(new FloatMatrix(keep, n, w));
    }
}
