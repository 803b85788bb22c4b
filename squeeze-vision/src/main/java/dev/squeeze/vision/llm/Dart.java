package dev.squeeze.vision.llm;

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
 * DART ("Stop Looking for Important Tokens in Multimodal Language Models: Duplication Matters More", Wen et
 * al., 2025, arXiv 2502.11494): at an early LLM layer (2), pick a few pivot tokens by the norm of their keys
 * (K-norm), then keep the tokens least duplicated with the pivots (lowest maximum cosine similarity to any
 * pivot) until the budget is filled; pivots are kept.
 *
 * <p>Constants (our choice where the paper leaves them open; unverified against the reference): 8 pivots,
 * L2 key norm (head-concatenated keys of the last block run), cosine on the token features.
 */
public final class Dart implements VisualReducer, VisionMethod {
    private final int pivots;

    /** The default 8 pivots (our choice). */
    public Dart() {
        this(8);
    }

    public Dart(int pivots) {
        this.pivots = pivots;
    }

    @Override
    public String name() {
        return "dart";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.SIMILARITY)
                .paper(
                        "Stop Looking for Important Tokens in Multimodal Language Models: Duplication Matters More",
                        "Wen et al.",
                        2025,
                        "https://arxiv.org/abs/2502.11494")
                .inputs("tokens", "attention-keys")
                .implementation(Dart.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        return select(in.lastLayer().keys(), in.tokens().tokens(), keep, pivots);
    }

    public static TokenTransform select(FloatMatrix keys, FloatMatrix tokens, int keep, int pivots) {
        int n = tokens.rows();
        if (keys.rows() != n)
            throw new IllegalArgumentException("dart: keys has " + keys.rows() + " rows, tokens " + n);
        Selections.checkKeep("dart", keep, n);
        int p = Math.min(pivots, keep);
        float[] norm = new float[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = 0; c < keys.cols(); c++) s += (double) keys.get(i, c) * keys.get(i, c);
            norm[i] = (float) Math.sqrt(s);
        }
        int[] piv = TopK.topKIndices(norm, p);
        FloatMatrix cos = Selections.cosine(tokens);
        float[] dup = new float[n];
        boolean[] isPivot = new boolean[n];
        for (int v : piv) isPivot[v] = true;
        for (int i = 0; i < n; i++) {
            float m = Float.NEGATIVE_INFINITY;
            for (int v : piv) m = Math.max(m, cos.get(i, v));
            dup[i] = isPivot[i] ? Float.MAX_VALUE : -m; // pivots first, then least duplicated
        }
        return Selections.topK(dup, keep);
    }
}
