package dev.squeeze.core.catalog;

/** How a method decides what to drop or merge (the taxonomy of the token-compression surveys). */
public enum Mechanism {
    /** A fixed spatial/temporal transformation (pooling, quantisation, low-rank projection). */
    TRANSFORMATION,
    /** Similarity between tokens (merging duplicates, diversity). */
    SIMILARITY,
    /** Attention weights of the model (what the model itself looks at). */
    ATTENTION,
    /** Relevance to a query or task. */
    QUERY,
    /** Nothing is dropped: drafted tokens are proposed and the model verifies them (speculative decoding). */
    SPECULATION;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
