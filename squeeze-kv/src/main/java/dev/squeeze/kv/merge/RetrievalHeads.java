package dev.squeeze.kv.merge;

import dev.squeeze.core.select.TopK;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import java.util.SplittableRandom;

/**
 * RazorAttention's retrieval heads, found by probing the model: a random token sequence of
 * {@code length} tokens is fed twice after BOS; for every query in the second copy the echo score is the
 * attention its head pays to the same token in the first copy, the induction score the attention to the
 * token that followed it there. Scores are averaged over the second copy. The heads with the top
 * {@code inductionFraction} induction scores and the top {@code echoFraction} echo scores (at least one
 * each) are retrieval heads; a KV head is one when any query head of its group is.
 *
 * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
 * maker nor its readers modify them.
 *
 * @param induction (n_layers, n_heads) mean induction score
 * @param echo      (n_layers, n_heads) mean echo score
 * @param kvRetrieval (n_layers, n_kv_heads) retrieval KV heads
 */
public record RetrievalHeads(float[][] induction, float[][] echo, boolean[][] kvRetrieval) {

    /** Fraction of KV heads that are retrieval heads. */
    public double kvFraction() {
        int n = 0, r = 0;
        for (boolean[] l : kvRetrieval)
            for (boolean b : l) {
                n++;
                if (b) r++;
            }
        return (double) r / n;
    }

    public boolean isRetrieval(int layer, int kvHead) {
        return kvRetrieval[layer][kvHead];
    }

    public static RetrievalHeads probe(
            KvModel model, int length, double inductionFraction, double echoFraction, long seed) {
        ModelShape c = model.shape();
        if (length < 2) throw new IllegalArgumentException("probe length must be >= 2, got " + length);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] first = new int[length];
        int lo = Math.min(3, c.vocabSize() - 1);
        for (int i = 0; i < length; i++) first[i] = lo + rng.nextInt(c.vocabSize() - lo);
        return probe(model, first, inductionFraction, echoFraction);
    }

    /**
     * The same probe on a given first copy (RazorAttention's is random tokens; an in-distribution text shows what
     * a model that does not copy random tokens does on text): BOS + first + first.
     */
    public static RetrievalHeads probe(KvModel model, int[] first, double inductionFraction, double echoFraction) {
        ModelShape c = model.shape();
        int length = first.length;
        if (2 * length + 1 > c.seqLen())
            throw new IllegalArgumentException(
                    "probe length " + length + " needs 2 x length + 1 <= seq_len = " + c.seqLen());
        if (length < 2) throw new IllegalArgumentException("probe length must be >= 2, got " + length);
        int[] seq = new int[2 * length + 1];
        seq[0] = 1;
        for (int i = 0; i < length; i++) {
            seq[1 + i] = first[i];
            seq[1 + length + i] = first[i];
        }
        float[][] ind = new float[c.nLayers()][c.nHeads()];
        float[][] echo = new float[c.nLayers()][c.nHeads()];
        KvHook probe = new KvHook() {
            @Override
            public void afterPrefillLayer(LayerView v) {
                int first = 1 + length; // first query of the second copy
                for (int h = 0; h < c.nHeads(); h++) {
                    FloatMatrix a = v.attention(h, first, seq.length);
                    double si = 0, se = 0;
                    for (int i = 0; i < length; i++) {
                        int earlier = 1 + i; // same token in the first copy
                        se += a.get(i, earlier);
                        si += a.get(i, earlier + 1); // the token that followed it
                    }
                    ind[v.layer()][h] = (float) (si / length);
                    echo[v.layer()][h] = (float) (se / length);
                }
            }
        };
        model.probe(seq, probe);
        int H = c.nLayers() * c.nHeads();
        boolean[][] kv = new boolean[c.nLayers()][c.nKvHeads()];
        mark(ind, Math.max(1, (int) Math.ceil(inductionFraction * H)), c, kv);
        mark(echo, Math.max(1, (int) Math.ceil(echoFraction * H)), c, kv);
        return new RetrievalHeads(ind, echo, kv);
    }

    private static void mark(float[][] score, int k, ModelShape c, boolean[][] kv) {
        float[] flat = new float[c.nLayers() * c.nHeads()];
        for (int l = 0; l < c.nLayers(); l++)
            for (int h = 0; h < c.nHeads(); h++) flat[l * c.nHeads() + h] = score[l][h];
        for (int i : TopK.topKIndices(flat, Math.min(k, flat.length))) {
            int l = i / c.nHeads(), h = i % c.nHeads();
            kv[l][h / c.groupSize()] = true;
        }
    }
}
