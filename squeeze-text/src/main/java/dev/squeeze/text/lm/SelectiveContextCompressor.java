package dev.squeeze.text.lm;

import dev.squeeze.text.AbstractPromptCompressor;
import dev.squeeze.text.SegmentContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Selective Context (Li et al., "Compressing Context to Enhance Inference Efficiency of Large Language
 * Models", EMNLP 2023, arXiv:2310.06201). Self-information of each token I(x_t) = -ln p(x_t | x_&lt;t) from a
 * causal LM; a lexical unit's information is the sum over its tokens; the least informative units are dropped
 * (the paper's percentile filter, reduce ratio = 1 - rate), with the cut placed where the request's budget is met
 * in its own tokens ({@link BudgetFit}: the most informative units kept while the exact count fits, then later,
 * shorter units that still fit; an error when the units cannot come within 0.02 of the segment's tokens). Units: {@code token}, {@code sentence} (split after . ! ? and newlines) or {@code phrase}.
 * Deviation: the paper's phrases are spaCy noun chunks; no parser is bundled here, so a phrase is a
 * clause-delimited span (split after , ; : and sentence ends). The paper's filter counts
 * units, so its achieved token rate differs from the request; here the cut counts tokens. Forced content (numbers: tokens with a
 * digit; force tokens: tokens whose piece equals one) is kept even inside dropped units.
 */
public final class SelectiveContextCompressor extends AbstractPromptCompressor {
    public static final String NAME = "selective-context";

    public enum Unit {
        TOKEN,
        PHRASE,
        SENTENCE
    }

    private final CausalLm lm;
    private final Unit unit;

    public SelectiveContextCompressor(CausalLm lm, Unit unit) {
        this.lm = Objects.requireNonNull(lm, "lm");
        this.unit = Objects.requireNonNull(unit, "unit");
    }

    @Override
    public String method() {
        return NAME;
    }

    @Override
    protected String compressSegment(String text, int target, int segmentTokens, SegmentContext ctx) {
        int[] ids = lm.encode(text);
        float[] info = LmScores.losses(lm, ids);
        List<int[]> units = units(ids);
        double[] unitInfo = new double[units.size()];
        for (int u = 0; u < unitInfo.length; u++) {
            double s = 0;
            for (int i = units.get(u)[0]; i < units.get(u)[1]; i++) s += info[i];
            unitInfo[u] = s;
        }
        // the percentile filter keeps the most informative units; its cut is where the exact budget is met
        boolean[] forced = LmScores.forced(lm, ids, ctx.forced());
        Integer[] order = new Integer[unitInfo.length];
        for (int u = 0; u < order.length; u++) order[u] = u;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(unitInfo[b], unitInfo[a]));
        List<int[]> ranked = new ArrayList<>();
        for (int u : order) {
            List<Integer> pos = new ArrayList<>();
            for (int i = units.get(u)[0]; i < units.get(u)[1]; i++) if (!forced[i]) pos.add(i);
            if (!pos.isEmpty())
                ranked.add(pos.stream().mapToInt(Integer::intValue).toArray());
        }
        return lm.decode(BudgetFit.select(
                ids, BudgetFit.fit(NAME, lm, ctx.counter(), ids, forced, ranked, target, segmentTokens)));
    }

    /** Token ranges of the units. */
    List<int[]> units(int[] ids) {
        List<int[]> out = new ArrayList<>();
        if (unit == Unit.TOKEN) {
            for (int i = 0; i < ids.length; i++) out.add(new int[] {i, i + 1});
            return out;
        }
        int start = 0;
        for (int i = 0; i < ids.length; i++) {
            String piece = lm.decode(new int[] {ids[i]});
            if (endsUnit(piece)) {
                out.add(new int[] {start, i + 1});
                start = i + 1;
            }
        }
        if (start < ids.length) out.add(new int[] {start, ids.length});
        return out;
    }

    private boolean endsUnit(String piece) {
        String p = piece.strip();
        if (piece.contains("\n")) return true;
        if (p.isEmpty()) return false;
        char last = p.charAt(p.length() - 1);
        if (last == '.' || last == '!' || last == '?') return true;
        return unit == Unit.PHRASE && (last == ',' || last == ';' || last == ':');
    }
}
