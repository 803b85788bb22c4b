package dev.squeeze.text.semantic;

/**
 * A text cut into units (sentences, lines) of pieces, each piece a term (a lower-cased word) or nothing: the input of
 * {@link SoftTermRelevance}. Arrays are shared, not copied; callers must not modify them while a score is computed.
 *
 * @param units     number of units
 * @param pieces    number of pieces (the arrays may be longer)
 * @param pieceUnit (pieces) the unit of each piece, in [0, units)
 * @param pieceTerm (pieces) the term of each piece, an index of {@code terms}, or -1 for a piece that is not a word
 * @param terms     the distinct terms
 */
public record TermUnits(int units, int pieces, int[] pieceUnit, int[] pieceTerm, String[] terms) {
    public TermUnits {
        if (units < 0 || pieces < 0 || pieces > pieceUnit.length || pieces > pieceTerm.length) {
            throw new IllegalArgumentException("units " + units + " / pieces " + pieces + " do not fit arrays of "
                    + pieceUnit.length + " and " + pieceTerm.length);
        }
    }
}
