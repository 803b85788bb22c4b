package dev.squeeze.text;

import dev.squeeze.text.extractive.SentenceScorer;
import dev.squeeze.text.semantic.SoftTermRelevance;
import dev.squeeze.text.semantic.TermUnits;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The default method ("semantic"): query-aware coarse-to-fine compression that finds the sentences a question asks
 * about even when they share no word with it, at near-lexical speed, offline and with no model at run time. This
 * project's own method, assembled from published parts:
 * <ul>
 *   <li>the shape, from LongLLMLingua (Jiang et al., 2023, arXiv:2310.06839): rank coarse units against the question,
 *   keep the best ones whole, spend the rest of the budget on single tokens ranked by information and by their unit's
 *   rank; here every phase is {@link LexicalCompressor}'s (layout, BM25, information proxy, rate control), reused,
 *   only the unit relevance differs;</li>
 *   <li>the semantic signal, from Model2Vec (Tulkens and van Dongen, 2024): static token vectors distilled from
 *   all-MiniLM-L6-v2 and shipped with squeeze-text ({@link dev.squeeze.text.semantic.StaticTokenEmbeddings}), matched
 *   token by token against the question with ColBERT's MaxSim (Khattab and Zaharia, 2020), standardised per question
 *   token ({@link SoftTermRelevance}); a unit's semantic relevance is its own + 0.7
 *   x its paragraph's, as in the lexical score;</li>
 *   <li>the fusion (ours): relevance(u) = {@value #BM25_WEIGHT} x lexical(u) / max lexical + max(0, semantic(u)) / max
 *   semantic, where lexical is the lexical method's unit score (BM25 of the unit + 0.7 x BM25 of its paragraph). The
 *   weight was chosen on the paraphrase task's first 24 needles together with NQ-open: 0.25 and below lose NQ answers at
 *   rate 0.25, 1 and above lose paraphrased needles at rate 0.1 (docs/PERFORMANCE.md); the paragraph term keeps the
 *   sentences of the paragraph a question is about (without it the README's example loses its answer);</li>
 *   <li>an optional cascade: the units ranked first by that relevance, up to about {@value #RERANK_TOKENS} tokens
 *   (4 characters a token), are re-ranked by a sentence scorer (the full all-MiniLM-L6-v2 on the pure-Java encoder with
 *   {@code rerank=minilm}) and put, in its order, above the rest.</li>
 * </ul>
 * Without a question the method is the lexical one (units ranked by their mean information). Thread-safe.
 */
public final class SemanticCompressor extends AbstractPromptCompressor {
    public static final String NAME = "semantic";
    /** Weight of the normalised lexical relevance against the normalised semantic one. */
    public static final double BM25_WEIGHT = 0.5;
    /** Default size of the re-ranked shortlist, in estimated tokens. */
    public static final int RERANK_TOKENS = 4096;

    private final LexicalCompressor lexical = new LexicalCompressor();
    private final SoftTermRelevance relevance;
    private final double bm25Weight;
    private final @Nullable SentenceScorer reranker;
    private final int rerankTokens;

    private SemanticCompressor(Builder b) {
        this.relevance = b.relevance != null ? b.relevance : SoftTermRelevance.miniLm();
        this.bm25Weight = b.bm25Weight;
        this.reranker = b.reranker;
        this.rerankTokens = b.rerankTokens;
    }

    /** The default: shipped static embeddings, no re-ranking. */
    public SemanticCompressor() {
        this(builder());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String method() {
        return NAME;
    }

    /** Word-level pruning fills the budget to within a word; a large shortfall is an unfittable unit (an error). */
    @Override
    protected boolean fillsBudget() {
        return true;
    }

    @Override
    protected String compressSegment(String text, int target, int segmentTokens, SegmentContext ctx) {
        return lexical.compressSegment(text, target, segmentTokens, ctx, this::relevance);
    }

    private float[] relevance(TextLayout L, float[] lex, String question, SegmentContext ctx) {
        float[] fused = fuse(lex, semantic(relevance.score(question, termUnits(L)), L.unitPara), bm25Weight);
        if (reranker == null) return fused;
        Cancellation.check("before re-ranking");
        return rerank(L, fused, question, reranker, rerankTokens);
    }

    /** Per unit: its own semantic relevance + 0.7 x its paragraph's, as the lexical score. */
    static float[] semantic(SoftTermRelevance.Relevance r, int[] unitParagraph) {
        float[] out = r.units().clone();
        if (r.groups().length == 0) return out;
        for (int u = 0; u < out.length; u++)
            out[u] += (float) (LexicalCompressor.PARAGRAPH_WEIGHT * r.groups()[unitParagraph[u]]);
        return out;
    }

    /** w x lexical / max lexical + max(0, semantic) / max semantic, per unit (a zero maximum contributes nothing). */
    static float[] fuse(float[] lexical, float[] semantic, double w) {
        float maxLex = 0f, maxSem = 0f;
        for (float x : lexical) maxLex = Math.max(maxLex, x);
        for (float x : semantic) maxSem = Math.max(maxSem, x);
        float[] out = new float[lexical.length];
        for (int u = 0; u < out.length; u++) {
            double b = maxLex > 0 ? lexical[u] / maxLex : 0, s = maxSem > 0 ? Math.max(0f, semantic[u]) / maxSem : 0;
            out[u] = (float) (w * b + s);
        }
        return out;
    }

    /**
     * The cascade: the text units first in {@code fused} order, while their characters fit 4 x {@code tokens}, scored by
     * {@code scorer}; they get top x (1 + (score - min) / (max - min)), top = the largest fused value, so they rank
     * above every other unit, in the scorer's order.
     */
    static float[] rerank(TextLayout L, float[] fused, String question, SentenceScorer scorer, int tokens) {
        int[] order = LexicalCompressor.rankDescending(fused, L.units);
        long chars = 4L * tokens, used = 0;
        List<Integer> picked = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int u : order) {
            if (L.unitKind[u] != TextLayout.UNIT_TEXT || L.unitFirst[u] == L.unitEnd[u]) continue;
            int from = L.start[L.unitFirst[u]], to = L.end[L.unitEnd[u] - 1];
            if (used + (to - from) > chars) break;
            used += to - from;
            picked.add(u);
            texts.add(L.text.substring(from, to));
        }
        float[] out = fused.clone();
        if (picked.isEmpty()) return out;
        float[] s = scorer.score(question, texts);
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY, top = 1e-6f;
        for (float x : s) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        for (float x : fused) top = Math.max(top, x);
        float span = hi > lo ? hi - lo : 1f;
        for (int i = 0; i < picked.size(); i++) out[picked.get(i)] = top * (1f + (s[i] - lo) / span);
        return out;
    }

    /** The layout's words (and URLs) as terms of units; punctuation and code are left out. */
    static TermUnits termUnits(TextLayout L) {
        int[] pieceTerm = new int[L.pieces];
        for (int p = 0; p < L.pieces; p++) {
            byte k = L.kind[p];
            pieceTerm[p] = k == TextLayout.WORD || k == TextLayout.URL ? L.term[p] : -1;
        }
        String[] terms = new String[L.terms.size()];
        for (int t = 0; t < terms.length; t++) terms[t] = L.terms.term(t);
        return new TermUnits(L.units, L.pieces, L.unit, pieceTerm, terms, L.paragraphs, L.unitPara);
    }

    /** Settings of the semantic method; every one has the documented default. */
    public static final class Builder {
        private @Nullable SoftTermRelevance relevance;
        private double bm25Weight = BM25_WEIGHT;
        private @Nullable SentenceScorer reranker;
        private int rerankTokens = RERANK_TOKENS;

        private Builder() {}

        /** The semantic signal (default: the shipped all-MiniLM-L6-v2 static embeddings). */
        public Builder relevance(SoftTermRelevance r) {
            this.relevance = Objects.requireNonNull(r, "relevance");
            return this;
        }

        /** Weight of the lexical relevance in the fusion, finite and >= 0 (default {@value #BM25_WEIGHT}). */
        public Builder bm25Weight(double w) {
            if (!(w >= 0) || Double.isInfinite(w))
                throw new IllegalArgumentException("bm25Weight must be a finite number >= 0, got " + w);
            this.bm25Weight = w;
            return this;
        }

        /** Re-ranks a shortlist with this scorer (none by default). */
        public Builder reranker(SentenceScorer s) {
            this.reranker = Objects.requireNonNull(s, "reranker");
            return this;
        }

        /** Size of the re-ranked shortlist in estimated tokens, >= 1 (default {@value #RERANK_TOKENS}). */
        public Builder rerankTokens(int n) {
            if (n < 1) throw new IllegalArgumentException("rerankTokens must be >= 1, got " + n);
            this.rerankTokens = n;
            return this;
        }

        public SemanticCompressor build() {
            return new SemanticCompressor(this);
        }
    }
}
