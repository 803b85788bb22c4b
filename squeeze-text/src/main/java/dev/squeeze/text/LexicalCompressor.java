package dev.squeeze.text;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The default method: offline, model-free, query-aware coarse-to-fine compression in the spirit of
 * LongLLMLingua (Jiang et al., 2023, arXiv:2310.06839) with lexical statistics in place of a language model.
 *
 * <ol>
 *   <li><b>Units.</b> {@link TextLayout} splits the text into sentences/lines (units) and blank-line
 *   paragraphs (documents); fenced code blocks and Markdown headings are single units kept whole.</li>
 *   <li><b>Coarse (question given).</b> Okapi BM25 (k1 = 1.2, b = 0.75, idf = ln(1 + (N - df + 0.5)/(df + 0.5)))
 *   of the question against every unit and against every paragraph; unit relevance =
 *   bm25(unit)/max + {@value #PARAGRAPH_WEIGHT} x bm25(paragraph)/max. Without a question, unit relevance is
 *   the unit's mean token information (below), like LLMLingua's perplexity ranking of contexts.</li>
 *   <li><b>Dynamic ratios.</b> Units are taken whole in relevance order until a share of the budget
 *   ({@value #INTACT_SHARE_QUESTION} with a question, {@value #INTACT_SHARE_NO_QUESTION} without) is used, so the
 *   most relevant units are kept verbatim (rate 1); the rest of the budget goes to single tokens of the
 *   remaining units ranked by information + unit relevance (the LongLLMLingua idea of per-document rates
 *   falling with rank).</li>
 *   <li><b>Fine: information score.</b> A documented proxy for self-information -log p(w), not a language
 *   model: info(w) = idf(w)/max idf x (0.5 + 0.5 x prior(w)), where idf is the BM25 idf of w over the units of
 *   this very text (words present in every sentence carry little information) and prior(w) is a corpus
 *   frequency proxy from the BPE vocabulary: BPE merges are learned in frequency order, so a word that is a
 *   single early token of cl100k_base is common: prior = ln(1 + id)/ln(vocabulary) for single-token words and 1
 *   for words split into several tokens. Words of the question get +{@value #QUERY_BOOST} x idf/max idf / (1 + k) at their k-th occurrence.</li>
 *   <li><b>Rate control.</b> The kept text is counted exactly with the request's BPE; a bracketed search moves
 *   the cut along the priority order (first guess calibrated on the whole text's exact count) until the count is
 *   at most the budget and at most floor(0.8% of the text) below it, then up to 8 smaller pieces past the cut
 *   are tried one by one to fill what is left (short texts, coarse pieces).</li>
 * </ol>
 * Forced content (numbers, URLs, IDs, entities, force tokens; headings and code blocks as structure) is
 * never dropped; if it alone exceeds the budget the call fails. Stateless and thread-safe.
 */
public final class LexicalCompressor extends AbstractPromptCompressor {
    public static final String NAME = "lexical";
    static final double K1 = 1.2, B = 0.75;
    static final double PARAGRAPH_WEIGHT = 0.7;
    static final double INTACT_SHARE_QUESTION = 0.7;
    static final double INTACT_SHARE_NO_QUESTION = 0.3;
    static final double QUERY_BOOST = 1.0;
    private static final int MAX_ROUNDS = 16;
    private static final int FILL_TRIES = 8;

    /** Per-instance, bounded memo of (token count, first id) per surface form and vocabulary: requests share words. */
    private final java.util.Map<TokenEncoding, java.util.concurrent.ConcurrentHashMap<String, Integer>> bpeMemo =
            new java.util.EnumMap<>(java.util.Map.of(
                    TokenEncoding.CL100K_BASE,
                    new java.util.concurrent.ConcurrentHashMap<>(),
                    TokenEncoding.O200K_BASE,
                    new java.util.concurrent.ConcurrentHashMap<>()));

    static final int MEMO_LIMIT = 200_000;

    @Override
    public String method() {
        return NAME;
    }

    /** Word-level pruning fills the budget to within a word; a large shortfall is an unfittable unit (an error). */
    @Override
    protected boolean fillsBudget() {
        return true;
    }

    /** (tokens &lt;&lt; 24) | first token id of {@code s}, memoised. */
    private int bpeInfo(TokenCounter counter, String s) {
        java.util.concurrent.ConcurrentHashMap<String, Integer> memo = bpeMemo.get(counter.encoding());
        Integer v = memo.get(s);
        if (v != null) return v;
        int[] ids = counter.encode(s);
        int packed = (Math.min(ids.length, 255) << 24) | (ids.length == 0 ? 0 : Math.min(ids[0], 0xFFFFFF));
        if (memo.size() < MEMO_LIMIT) memo.put(s, packed);
        return packed;
    }

    @Override
    protected String compressSegment(String text, int target, int segmentTokens, SegmentContext ctx) {
        return compressSegment(text, target, segmentTokens, ctx, null);
    }

    /**
     * The phases, with {@code fusion} (when given, and only with a question) replacing the units' BM25 relevance by
     * its own before the budget is spent: how {@link SemanticCompressor} reuses this method.
     */
    String compressSegment(
            String text, int target, int segmentTokens, SegmentContext ctx, @Nullable UnitFusion fusion) {
        TextLayout L = TextLayout.scan(text, ctx.forced());
        boolean structure = !"false".equals(ctx.option("structure", "true"));
        String question = ctx.question();
        PieceStats stats = pieceStatistics(L, text, ctx.counter());
        float[] unitScore = unitRelevance(L, stats, question);
        if (fusion != null && question != null) unitScore = fusion.fuse(L, unitScore, question, ctx);
        Forced forced = forcedPieces(L, stats.cost(), structure, target);
        Priority priority = priorityOrder(L, stats, unitScore, forced, structure, target, question != null);
        return rateControl(L, priority, forced, stats.cost(), target, segmentTokens, ctx.counter());
    }

    /** Phase 1 (per piece): estimated token cost, information score; per unit: its length in words. */
    private record PieceStats(float[] cost, float[] info, float[] idf, float maxIdf, int[] unitLen) {}

    /** Phase 3: the pieces that must stay and their estimated cost. */
    private record Forced(boolean[] pieces, double cost) {}

    /** Phase 4: the other pieces in keep order (whole top units first, then single pieces), with cumulative cost. */
    private record Priority(int[] order, int count, double[] cum) {}

    /**
     * Phase 1: document frequencies over units, one encode per distinct term (token cost and BPE-frequency prior),
     * idf within the text, and each piece's information idf/max x (0.5 + 0.5 prior).
     */
    private PieceStats pieceStatistics(TextLayout L, String text, TokenCounter counter) {
        final int P = L.pieces, T = L.terms.size(), U = L.units;
        // Document frequencies over units; unit lengths in words.
        int[] df = new int[T];
        int[] lastUnit = new int[T];
        Arrays.fill(lastUnit, -1);
        int[] unitLen = new int[U];
        for (int p = 0; p < P; p++) {
            int t = L.term[p];
            if (t < 0) continue;
            int u = L.unit[p];
            if (lastUnit[t] != u) {
                df[t]++;
                lastUnit[t] = u;
            }
            if (L.kind[p] == TextLayout.WORD) unitLen[u]++;
        }
        // Per term: token cost estimate and BPE-frequency prior (one encode per distinct term).
        float[] termCost = new float[T];
        float[] prior = new float[T];
        boolean[] seen = new boolean[T];
        double logVocab = Math.log(counter.vocabularySize());
        float[] cost = new float[P];
        for (int p = 0; p < P; p++) {
            if ((p & 0xFFF) == 0) Cancellation.check("while pricing words");
            int t = L.term[p];
            if (t < 0) { // code block
                cost[p] = counter.count(text.substring(L.start[p], L.end[p]));
                continue;
            }
            if (!seen[t]) {
                seen[t] = true;
                String surface = text.substring(L.start[p], L.end[p]);
                int packed = bpeInfo(counter, L.kind[p] == TextLayout.PUNCT ? surface : " " + surface);
                int n = packed >>> 24, id = packed & 0xFFFFFF;
                termCost[t] = Math.max(1, n);
                prior[t] = n == 1 ? (float) Math.min(1.0, Math.log1p(id) / logVocab) : 1f;
            }
            cost[p] = termCost[t];
        }
        float[] idf = new float[T];
        float maxIdf = 1e-6f;
        for (int t = 0; t < T; t++) {
            idf[t] = (float) Math.log(1.0 + (U - df[t] + 0.5) / (df[t] + 0.5));
            maxIdf = Math.max(maxIdf, idf[t]);
        }
        float[] info = new float[P];
        for (int p = 0; p < P; p++) {
            int t = L.term[p];
            info[p] = t < 0 ? 0f : idf[t] / maxIdf * (0.5f + 0.5f * prior[t]);
        }
        return new PieceStats(cost, info, idf, maxIdf, unitLen);
    }

    /**
     * Phase 2: unit relevance. With a question: BM25 of its terms against units and paragraphs (unit + weighted
     * paragraph score), and the question's words get a diminishing information boost (in {@code stats.info()});
     * without one: the unit's mean information.
     */
    private static float[] unitRelevance(TextLayout L, PieceStats stats, String question) {
        final int P = L.pieces, T = L.terms.size(), U = L.units;
        float[] info = stats.info(), idf = stats.idf();
        float maxIdf = stats.maxIdf();
        float[] unitScore = new float[U];
        if (question != null) {
            int[] q = questionTerms(L, question);
            boolean[] isQ = new boolean[T];
            for (int t : q) isQ[t] = true;
            // Diminishing: the k-th occurrence gets 1/(1+k) of the boost, so fragments do not fill with copies
            // of the question's words (the question is sent with the context anyway).
            int[] seenQ = new int[T];
            for (int p = 0; p < P; p++) {
                int t = L.term[p];
                if (t >= 0 && isQ[t]) info[p] += (float) (QUERY_BOOST * idf[t] / maxIdf / (1 + seenQ[t]++));
            }
            float[] bu = bm25(L, q, U, L.unit, stats.unitLen(), T);
            int[] paraOfPiece = new int[P];
            int[] paraLen = new int[L.paragraphs];
            for (int p = 0; p < P; p++) {
                int para = L.unitPara[L.unit[p]];
                paraOfPiece[p] = para;
                if (L.kind[p] == TextLayout.WORD) paraLen[para]++;
            }
            float[] bp = bm25(L, q, L.paragraphs, paraOfPiece, paraLen, T);
            float mu = max(bu), mp = max(bp);
            for (int u = 0; u < U; u++) {
                unitScore[u] =
                        (mu > 0 ? bu[u] / mu : 0f) + (float) PARAGRAPH_WEIGHT * (mp > 0 ? bp[L.unitPara[u]] / mp : 0f);
            }
        } else {
            for (int u = 0; u < U; u++) {
                float s = 0f;
                for (int p = L.unitFirst[u]; p < L.unitEnd[u]; p++) s += info[p];
                int n = L.unitEnd[u] - L.unitFirst[u];
                unitScore[u] = n == 0 ? 0f : s / n;
            }
        }
        return unitScore;
    }

    /** Phase 3: forced pieces (and, with structure on, headings and code); their cost must fit the target. */
    private static Forced forcedPieces(TextLayout L, float[] cost, boolean structure, int target) {
        final int P = L.pieces;
        boolean[] forced = new boolean[P];
        double forcedCost = 0;
        for (int p = 0; p < P; p++) {
            int f = L.flags[p];
            if ((f & TextLayout.FORCED) != 0 || (structure && (f & TextLayout.FORCED_IF_STRUCTURE) != 0)) {
                forced[p] = true;
                forcedCost += cost[p];
            }
        }
        if (forcedCost > target) {
            throw new IllegalArgumentException(
                    "forced content (numbers/URLs/IDs/entities/headings/code asked to be kept) "
                            + "needs about " + Math.round(forcedCost) + " tokens, more than the budget of " + target
                            + " tokens; raise the rate or keep less");
        }
        return new Forced(forced, forcedCost);
    }

    /**
     * Phase 4: coarse, whole units in relevance order up to the intact share of what the forced pieces leave;
     * fine, the remaining pieces (code excepted, it is atomic) by information + unit relevance.
     */
    private static Priority priorityOrder(
            TextLayout L,
            PieceStats stats,
            float[] unitScore,
            Forced forcedPieces,
            boolean structure,
            int target,
            boolean hasQuestion) {
        final int P = L.pieces, U = L.units;
        float[] cost = stats.cost(), info = stats.info();
        boolean[] forced = forcedPieces.pieces();
        double avail = target - forcedPieces.cost();
        int[] unitOrder = rankDescending(unitScore, U);
        int[] order = new int[P];
        int m = 0;
        boolean[] unitTaken = new boolean[U];
        double intactLimit = avail * (hasQuestion ? INTACT_SHARE_QUESTION : INTACT_SHARE_NO_QUESTION);
        double used = 0;
        for (int r = 0; r < U; r++) {
            int u = unitOrder[r];
            if (L.unitKind[u] == TextLayout.UNIT_CODE && !structure) continue;
            double c = 0;
            for (int p = L.unitFirst[u]; p < L.unitEnd[u]; p++) if (!forced[p]) c += cost[p];
            if (c == 0 || used + c > intactLimit) continue;
            used += c;
            unitTaken[u] = true;
            for (int p = L.unitFirst[u]; p < L.unitEnd[u]; p++) if (!forced[p]) order[m++] = p;
        }
        // Fine: remaining pieces by information + unit relevance.
        float maxUnit = Math.max(1e-6f, max(unitScore));
        float lambda = hasQuestion ? 1.0f : 0.5f;
        float[] prio = new float[P];
        int[] rest = new int[P];
        int nr = 0;
        for (int p = 0; p < P; p++) {
            if (forced[p] || unitTaken[L.unit[p]]) continue;
            if (L.kind[p] == TextLayout.CODE) continue; // code is atomic: never a fine-grained candidate
            prio[p] = info[p] + lambda * unitScore[L.unit[p]] / maxUnit;
            rest[nr++] = p;
        }
        int[] restOrder = rankDescending(prio, rest, nr);
        for (int i = 0; i < nr; i++) order[m++] = restOrder[i];

        double[] cum = new double[m + 1];
        for (int i = 0; i < m; i++) cum[i + 1] = cum[i] + cost[order[i]];
        return new Priority(order, m, cum);
    }

    /**
     * Phase 5: rate control against exact counts, a bracketed search on the cut k of the priority order (lo is
     * the largest cut known to fit, hi the smallest known not to; guesses rescale the estimates by what was
     * measured), then a fill: smaller pieces past the cut that still fit (short texts, coarse pieces).
     */
    private static String rateControl(
            TextLayout L,
            Priority priority,
            Forced forcedPieces,
            float[] cost,
            int target,
            int segmentTokens,
            TokenCounter counter) {
        final int P = L.pieces, m = priority.count();
        int[] order = priority.order();
        double[] cum = priority.cum();
        boolean[] forced = forcedPieces.pieces();
        double forcedCost = forcedPieces.cost();
        int slack = (int) (0.008 * segmentTokens);
        boolean[] keep = new boolean[P];
        int lo = -1, hi = m + 1;
        String loOut = null, hiOut = null;
        // First guess calibrated on the whole text, whose exact count is known: estimates x bias = exact.
        double allCost = 0;
        for (int p = 0; p < P; p++) allCost += cost[p];
        double bias = allCost > 0 ? segmentTokens / allCost : 1.0;
        int k = upperIndex(cum, (target - slack / 2.0) / bias - forcedCost);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Cancellation.check("in rate control, round " + round);
            System.arraycopy(forced, 0, keep, 0, P);
            for (int i = 0; i < k; i++) keep[order[i]] = true;
            String out = render(L, keep);
            int n = counter.count(out);
            if (n <= target) {
                if (k > lo) {
                    lo = k;
                    loOut = out;
                }
                if (n >= target - slack) break;
            } else if (k < hi) {
                hi = k;
                hiOut = out;
            }
            if (hi - lo <= 1) break;
            double estimated = forcedCost + cum[k];
            double scale = estimated > 0 && n > 0 ? n / estimated : 1.0;
            int guess = upperIndex(cum, (target - slack / 2.0) / scale - forcedCost);
            k = Math.max(lo + 1, Math.min(hi - 1, guess));
        }
        if (loOut == null) return hiOut;
        return fill(L, order, m, lo, loOut, forced, cost, keep, target, slack, counter);
    }

    /** Phase 6: the piece at the cut overshoots; up to {@value #FILL_TRIES} smaller pieces after it may still fit. */
    private static String fill(
            TextLayout L,
            int[] order,
            int m,
            int lo,
            String loOut,
            boolean[] forced,
            float[] cost,
            boolean[] keep,
            int target,
            int slack,
            TokenCounter counter) {
        final int P = L.pieces;
        int n = counter.count(loOut);
        if (n < target - slack) {
            System.arraycopy(forced, 0, keep, 0, P);
            for (int i = 0; i < lo; i++) keep[order[i]] = true;
            for (int i = lo + 1, tries = 0; i < m && tries < FILL_TRIES && n < target - slack; i++) {
                if (cost[order[i]] > target - n) continue;
                Cancellation.check("while filling the budget");
                tries++;
                keep[order[i]] = true;
                String out = render(L, keep);
                int c = counter.count(out);
                if (c <= target) {
                    loOut = out;
                    n = c;
                } else keep[order[i]] = false;
            }
        }
        return loOut;
    }

    /** Unique question terms that occur in the text (ids of {@code L.terms}); words only. */
    private static int[] questionTerms(TextLayout L, String question) {
        TextLayout q = TextLayout.scan(question, ForcedContent.none());
        int[] ids = new int[q.pieces];
        int n = 0;
        for (int p = 0; p < q.pieces; p++) {
            if (q.kind[p] != TextLayout.WORD && q.kind[p] != TextLayout.URL) continue;
            int t = L.terms.find(question, q.start[p], q.end[p]);
            if (t < 0) continue;
            boolean dup = false;
            for (int i = 0; i < n; i++)
                if (ids[i] == t) {
                    dup = true;
                    break;
                }
            if (!dup) ids[n++] = t;
        }
        return Arrays.copyOf(ids, n);
    }

    /** Okapi BM25 of the query terms against documents given by {@code docOfPiece}. */
    private static float[] bm25(TextLayout L, int[] q, int docs, int[] docOfPiece, int[] docLen, int T) {
        float[] score = new float[docs];
        if (q.length == 0 || docs == 0) return score;
        int[] slot = new int[T];
        Arrays.fill(slot, -1);
        for (int j = 0; j < q.length; j++) slot[q[j]] = j;
        int[] tf = new int[docs * q.length];
        int[] df = new int[q.length];
        for (int p = 0; p < L.pieces; p++) {
            int t = L.term[p];
            if (t < 0 || slot[t] < 0) continue;
            int idx = docOfPiece[p] * q.length + slot[t];
            if (tf[idx]++ == 0) df[slot[t]]++;
        }
        double avg = 0;
        for (int d = 0; d < docs; d++) avg += docLen[d];
        avg = Math.max(1e-9, avg / docs);
        for (int j = 0; j < q.length; j++) {
            double idf = Math.log(1.0 + (docs - df[j] + 0.5) / (df[j] + 0.5));
            for (int d = 0; d < docs; d++) {
                int f = tf[d * q.length + j];
                if (f == 0) continue;
                double norm = K1 * (1 - B + B * docLen[d] / avg);
                score[d] += (float) (idf * f * (K1 + 1) / (f + norm));
            }
        }
        return score;
    }

    /** Kept pieces with their original separators when adjacent, else the strongest break dropped between them. */
    static String render(TextLayout L, boolean[] keep) {
        String s = L.text;
        StringBuilder sb = new StringBuilder(s.length() / 2 + 16);
        int prev = -1;
        for (int p = 0; p < L.pieces; p++) {
            if (!keep[p]) continue;
            if (prev >= 0) {
                if (prev == p - 1) sb.append(s, L.end[prev], L.start[p]);
                else if (L.paraBefore[p] > L.paraBefore[prev]) sb.append("\n\n");
                else if (L.nlBefore[p] > L.nlBefore[prev]) sb.append('\n');
                else if ((L.flags[p] & TextLayout.SPACE_BEFORE) != 0 || hasSpace(s, L.end[prev], L.start[p]))
                    sb.append(' ');
            }
            sb.append(s, L.start[p], L.end[p]);
            prev = p;
        }
        return sb.toString();
    }

    private static boolean hasSpace(String s, int from, int to) {
        for (int i = from; i < to; i++) if (Character.isWhitespace(s.charAt(i))) return true;
        return false;
    }

    /** Largest k with cum[k] <= limit (cum is non-decreasing, cum[0] = 0). */
    static int upperIndex(double[] cum, double limit) {
        int lo = 0, hi = cum.length - 1;
        if (limit < 0) return 0;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (cum[mid] <= limit + 1e-9) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    private static float max(float[] a) {
        float m = 0f;
        for (float v : a) m = Math.max(m, v);
        return m;
    }

    /** Indices 0..n-1 by score descending, ties by index (stable), via one primitive sort. */
    static int[] rankDescending(float[] score, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        return rankDescending(score, idx, n);
    }

    static int[] rankDescending(float[] score, int[] items, int n) {
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            int it = items[i];
            int bits = Float.floatToIntBits(-score[it]);
            bits ^= (bits >> 31) & 0x7fffffff; // monotone int order of floats
            keys[i] = ((long) bits << 32) | (it & 0xffffffffL);
        }
        Arrays.sort(keys);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = (int) keys[i];
        return out;
    }
}
