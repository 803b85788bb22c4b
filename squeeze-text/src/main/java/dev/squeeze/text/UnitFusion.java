package dev.squeeze.text;

/** Replaces the lexical method's unit relevance (BM25 of the question) by another, e.g. a fusion with a semantic signal. */
@FunctionalInterface
interface UnitFusion {
    /**
     * @param layout   the segment's layout
     * @param lexical  (units) the lexical relevance: bm25(unit)/max + 0.7 bm25(paragraph)/max
     * @param question the question
     * @return (units) the relevance the coarse and fine stages use (higher = keep first)
     */
    float[] fuse(TextLayout layout, float[] lexical, String question, SegmentContext ctx);
}
