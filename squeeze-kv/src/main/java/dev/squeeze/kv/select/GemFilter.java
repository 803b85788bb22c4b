package dev.squeeze.kv.select;

import dev.squeeze.core.select.TopK;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.internal.KvMath;

/**
 * GemFilter (Shi et al., "Discovering the Gems in Early Layers: Accelerating Long-Context LLMs with 1000x
 * Input Token Reduction", 2024, arXiv:2409.17167): run the prompt up to a filter layer (default
 * round(13/32 of the depth), the paper's layer 13 of 32 for Llama-3.1-8B), score every input token by the
 * last query's raw logits q_last·k summed over all query heads, smooth by average pooling
 * ({@code kernel} = 5, our choice), keep the top-k tokens in their original order (the last token
 * always), then run the model afresh on the selected tokens only (new positions 0..k-1).
 */
public final class GemFilter {
    private GemFilter() {}

    /**
     * The chosen input indices (ascending) and the tokens at them.
     *
     * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
     * maker nor its readers modify them.
     */
    public record Selection(int[] indices, int[] tokens) {}

    public static int defaultLayer(int nLayers) {
        return Math.min(nLayers - 1, (int) Math.round(13.0 / 32 * nLayers));
    }

    /** Scores of the prompt's tokens at {@code layer}: sum over query heads of q_last · k_j, (n). */
    static float[] lastQueryLogits(LayerView v) {
        ModelShape c = v.shape();
        int T = v.queryCount();
        int n = v.visibleCount(T - 1, 0);
        float[] sum = new float[n];
        float[] row = new float[n];
        for (int h = 0; h < c.nHeads(); h++) {
            HeadKvStore s = v.store(h / c.groupSize());
            s.scores(v.queries(), (T - 1) * c.qDim() + h * c.headDim(), n, row, 0);
            for (int j = 0; j < n; j++) sum[j] += row[j];
        }
        return sum;
    }

    /** Picks k of the prompt's tokens by the filter layer's last-query scores (one partial run). */
    public static Selection select(KvModel model, int[] prompt, int layer, int k, int kernel) {
        ModelShape c = model.shape();
        if (layer < 0 || layer >= c.nLayers())
            throw new IllegalArgumentException("filter layer " + layer + " is outside [0, " + c.nLayers() + ")");
        if (k < 1 || k > prompt.length)
            throw new IllegalArgumentException(
                    "GemFilter k = " + k + " must be in [1, " + prompt.length + "] (the prompt length)");
        float[][] scores = new float[1][];
        KvHook probe = new KvHook() {
            @Override
            public void afterPrefillLayer(LayerView v) {
                if (v.layer() == layer) scores[0] = lastQueryLogits(v);
            }
        };
        model.probe(prompt, probe);
        float[] pooled = KvMath.avgPool(scores[0], 0, scores[0].length, kernel);
        pooled[pooled.length - 1] = Float.MAX_VALUE;
        int[] idx = TopK.topKSorted(pooled, k);
        int[] toks = new int[k];
        for (int i = 0; i < k; i++) toks[i] = prompt[idx[i]];
        return new Selection(idx, toks);
    }
}
