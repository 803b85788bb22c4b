package dev.squeeze.text.semantic;

/**
 * A text cut into units (sentences, lines) of pieces, each piece a term (a lower-cased word) or nothing, the units
 * optionally grouped (paragraphs): the input of {@link SoftTermRelevance}. Arrays are shared, not copied; callers must
 * not modify them while a score is computed.
 *
 * @param units     number of units
 * @param pieces    number of pieces (the arrays may be longer)
 * @param pieceUnit (pieces) the unit of each piece, in [0, units)
 * @param pieceTerm (pieces) the term of each piece, an index of {@code terms}, or -1 for a piece that is not a word
 * @param terms     the distinct terms
 * @param groups    number of groups (0: none)
 * @param unitGroup (units) the group of each unit, in [0, groups); ignored when there are no groups
 */
public record TermUnits(
        int units, int pieces, int[] pieceUnit, int[] pieceTerm, String[] terms, int groups, int[] unitGroup) {
    public TermUnits {
        if (units < 0 || pieces < 0 || pieces > pieceUnit.length || pieces > pieceTerm.length) {
            throw new IllegalArgumentException("units " + units + " / pieces " + pieces + " do not fit arrays of "
                    + pieceUnit.length + " and " + pieceTerm.length);
        }
        if (groups < 0 || (groups > 0 && unitGroup.length < units)) {
            throw new IllegalArgumentException(
                    groups + " groups for " + units + " units need a group per unit, got " + unitGroup.length);
        }
        for (int p = 0; p < pieces; p++) {
            if (pieceUnit[p] < 0 || pieceUnit[p] >= units)
                throw new IllegalArgumentException("piece " + p + " is in unit " + pieceUnit[p] + " of " + units);
            if (pieceTerm[p] < -1 || pieceTerm[p] >= terms.length) {
                throw new IllegalArgumentException("piece " + p + " has term " + pieceTerm[p] + " of " + terms.length);
            }
        }
        for (int u = 0; groups > 0 && u < units; u++) {
            if (unitGroup[u] < 0 || unitGroup[u] >= groups)
                throw new IllegalArgumentException("unit " + u + " is in group " + unitGroup[u] + " of " + groups);
        }
    }

    /** Units without groups. */
    public TermUnits(int units, int pieces, int[] pieceUnit, int[] pieceTerm, String[] terms) {
        this(units, pieces, pieceUnit, pieceTerm, terms, 0, new int[0]);
    }
}
