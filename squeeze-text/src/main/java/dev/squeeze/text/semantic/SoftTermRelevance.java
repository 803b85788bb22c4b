package dev.squeeze.text.semantic;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.encoder.distill.StaticEmbeddings;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Relevance of text units to a question from static token embeddings, by soft term matching: a paraphrase shares
 * meaning, not words, with its question, and single static token vectors carry enough of it to find the sentence.
 * <ol>
 *   <li>The question's distinct subword tokens j (those with a vector), each with the weight w_j = ||v_j||^{@value
 *   #WEIGHT_POWER}: Model2Vec's vectors are SIF-weighted (frequent tokens are short), and the power lets the rare,
 *   content-bearing tokens decide.</li>
 *   <li>For each unit u and question token j, MaxSim(u, j) = max over the unit's tokens t of cos(v_j, v_t), floored at 0:
 *   the late interaction of ColBERT (Khattab and Zaharia, SIGIR 2020, arXiv:2004.12832), here on static vectors.</li>
 *   <li>Each question token's MaxSim is standardised over the units of the text (z-score; the standard deviation is
 *   at least {@value #MIN_DEVIATION}): a token that matches every unit about equally, such as "the", says nothing,
 *   while one that a few units match far better than the rest says much (the role idf plays in BM25).</li>
 *   <li>relevance(u) = sum_j w_j z(u, j) / sum_j w_j.</li>
 * </ol>
 * Groups of units (paragraphs) are scored the same way, the MaxSim taken over all their words and standardised over
 * the groups.
 * Words are turned into subword ids once per distinct word, through the embeddings' own tokenizer, and remembered
 * (at most {@value #MEMO_LIMIT} words per instance, then forgotten all at once); similarities are computed once per distinct subword of the text
 * with the core kernels. Thread-safe.
 */
public final class SoftTermRelevance {
    /** Power of a question token's vector norm in its weight (chosen on the paraphrase task's development needles). */
    public static final double WEIGHT_POWER = 4;
    /** Floor of a question token's standard deviation over units, so that near-constant tokens cannot blow up. */
    public static final double MIN_DEVIATION = 0.02;

    static final int MEMO_LIMIT = 200_000;
    private static final int BLOCK = 256;
    private static final int[] NONE = new int[0];

    private final StaticEmbeddings embeddings;
    private final Kernels kernels;
    private final ConcurrentHashMap<String, int[]> memo = new ConcurrentHashMap<>();

    public SoftTermRelevance(StaticEmbeddings embeddings) {
        this(embeddings, KernelProvider.kernels());
    }

    SoftTermRelevance(StaticEmbeddings embeddings, Kernels kernels) {
        this.embeddings = embeddings;
        this.kernels = kernels;
    }

    /** The shipped all-MiniLM-L6-v2 static embeddings ({@link StaticTokenEmbeddings#miniLm()}). */
    public static SoftTermRelevance miniLm() {
        return new SoftTermRelevance(StaticTokenEmbeddings.miniLm());
    }

    /** Relevance of the units, and of their groups when the text has any, to a question. */
    public record Relevance(float[] units, float[] groups) {}

    /**
     * Relevance of every unit, and of every group of units (paragraphs; empty when {@code text} has none), to
     * {@code question}: zeros when the question has no token with a vector.
     */
    public Relevance score(String question, TermUnits text) {
        final int U = text.units(), G = text.groups(), D = embeddings.dims();
        int[] q = questionIds(question);
        final int Q = q.length;
        if (Q == 0 || U == 0) return new Relevance(new float[U], new float[G]);
        float[] qv = new float[Q * D];
        double[] w = new double[Q];
        double wSum = 0;
        for (int j = 0; j < Q; j++) {
            double norm = unitRow(q[j], qv, j * D);
            w[j] = Math.pow(norm, WEIGHT_POWER);
            wSum += w[j];
        }
        if (wSum == 0) return new Relevance(new float[U], new float[G]);
        for (int j = 0; j < Q; j++) w[j] /= wSum;
        float[] termSim = termSimilarities(text.terms(), qv, Q);
        float[] units = standardisedMaxSim(text, termSim, w, U, null);
        float[] groups = G == 0 ? new float[0] : standardisedMaxSim(text, termSim, w, G, text.unitGroup());
        return new Relevance(units, groups);
    }

    /** (terms, Q): per term, the best cosine of any of its subwords with each question token. */
    private float[] termSimilarities(String[] terms, float[] qv, int Q) {
        final int D = embeddings.dims();
        int[][] termIds = new int[terms.length][];
        int[] local = new int[embeddings.vocabSize()];
        Arrays.fill(local, -1);
        int total = 0;
        for (int t = 0; t < terms.length; t++) {
            termIds[t] = ids(terms[t]);
            total += termIds[t].length;
        }
        int[] distinct = new int[total];
        int n = 0;
        for (int[] ids : termIds) {
            for (int id : ids) {
                if (local[id] >= 0) continue;
                local[id] = n;
                distinct[n++] = id;
            }
        }
        // Cosines of the distinct subwords in blocks of BLOCK: (block, D) x (Q, D)^T, so the scratch stays small.
        float[] sim = new float[Math.max(1, n) * Q];
        float[] rows = new float[Math.min(Math.max(1, n), BLOCK) * D];
        float[] block = new float[Math.min(Math.max(1, n), BLOCK) * Q];
        for (int r0 = 0; r0 < n; r0 += BLOCK) {
            int m = Math.min(BLOCK, n - r0);
            Arrays.fill(rows, 0, m * D, 0f);
            for (int r = 0; r < m; r++) unitRow(distinct[r0 + r], rows, r * D);
            kernels.dotBlock(rows, qv, block, m, Q, D);
            System.arraycopy(block, 0, sim, r0 * Q, m * Q);
        }
        float[] termSim = new float[terms.length * Q];
        for (int t = 0; t < terms.length; t++) {
            for (int id : termIds[t]) {
                int r = local[id] * Q;
                for (int j = 0; j < Q; j++) termSim[t * Q + j] = Math.max(termSim[t * Q + j], sim[r + j]);
            }
        }
        return termSim;
    }

    /**
     * MaxSim per (item, question token), floored at 0, over the items the pieces fall in (units, or the groups
     * {@code unitGroup} maps units to); each question token standardised over the items that have words; the weighted sum.
     */
    private static float[] standardisedMaxSim(
            TermUnits text, float[] termSim, double[] w, int items, int @Nullable [] unitGroup) {
        final int Q = w.length;
        float[] out = new float[items];
        float[] best = new float[items * Q];
        boolean[] hasTerm = new boolean[items];
        int[] pieceUnit = text.pieceUnit(), pieceTerm = text.pieceTerm();
        for (int p = 0; p < text.pieces(); p++) {
            int t = pieceTerm[p];
            if (t < 0) continue;
            int i = unitGroup == null ? pieceUnit[p] : unitGroup[pieceUnit[p]];
            hasTerm[i] = true;
            int b = i * Q, s = t * Q;
            for (int j = 0; j < Q; j++) if (termSim[s + j] > best[b + j]) best[b + j] = termSim[s + j];
        }
        int counted = 0;
        double[] mean = new double[Q], sq = new double[Q];
        for (int i = 0; i < items; i++) {
            if (!hasTerm[i]) continue;
            counted++;
            for (int j = 0; j < Q; j++) {
                double x = best[i * Q + j];
                mean[j] += x;
                sq[j] += x * x;
            }
        }
        if (counted == 0) return out;
        double[] scale = new double[Q];
        for (int j = 0; j < Q; j++) {
            mean[j] /= counted;
            double sd = Math.sqrt(Math.max(0, sq[j] / counted - mean[j] * mean[j]));
            scale[j] = w[j] / Math.max(MIN_DEVIATION, sd);
        }
        for (int i = 0; i < items; i++) {
            double s = 0;
            for (int j = 0; j < Q; j++) s += (best[i * Q + j] - mean[j]) * scale[j];
            out[i] = (float) s;
        }
        return out;
    }

    /** Distinct ids of the question's tokens that have a vector, in order of appearance. */
    private int[] questionIds(String question) {
        int[] all = embeddings.tokenizer().encode(question, false).ids();
        int[] out = new int[all.length];
        int n = 0;
        outer:
        for (int id : all) {
            if (!embeddings.has(id)) continue;
            for (int i = 0; i < n; i++) if (out[i] == id) continue outer;
            out[n++] = id;
        }
        return Arrays.copyOf(out, n);
    }

    /** Subword ids of one word that have a vector, remembered per instance. */
    private int[] ids(String term) {
        int[] v = memo.get(term);
        if (v != null) return v;
        int[] all = embeddings.tokenizer().encode(term, false).ids();
        int n = 0;
        for (int id : all) if (embeddings.has(id)) n++;
        if (n == 0) v = NONE;
        else if (n == all.length) v = all;
        else {
            v = new int[n];
            n = 0;
            for (int id : all) if (embeddings.has(id)) v[n++] = id;
        }
        if (memo.size() >= MEMO_LIMIT) memo.clear(); // bounded: start over rather than stop learning new words
        memo.put(term, v);
        return v;
    }

    /** Writes the L2-normalised vector of {@code id} at out[off, off + dims) and returns its norm before normalising. */
    private double unitRow(int id, float[] out, int off) {
        int d = embeddings.dims();
        embeddings.addTo(id, 1f, out, off);
        double norm = Math.sqrt(kernels.sumOfSquares(out, off, d));
        if (norm > 0) kernels.scale(out, off, d, (float) (1 / norm));
        return norm;
    }
}
