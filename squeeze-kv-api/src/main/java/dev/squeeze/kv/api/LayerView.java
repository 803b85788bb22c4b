package dev.squeeze.kv.api;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenTransform;

/**
 * What a {@link KvHook} sees of one layer at one call. Valid only during the callback (buffers are reused).
 *
 * <p>Queries: {@link #queryCount()} rows (all prompt tokens of the chunk at prefill, 1 at decode) of
 * {@code n_heads * head_dim} RoPE-rotated values. Query t may see the first {@link #visibleCount} slots of
 * each store (causality inside a prefill chunk). Query head h reads KV head {@code h / groupSize}.
 */
public interface LayerView {

    Phase phase();

    int layer();

    /** The model's attention shape (heads, KV heads, head width, context). */
    ModelShape shape();

    KvCache cache();

    /** The model's RoPE, for presses that turn keys or queries (already rotated at their positions). */
    RopeRotation rope();

    default HeadKvStore store(int kvHead) {
        return cache().store(layer(), kvHead);
    }

    /** Number of queries in this call. */
    int queryCount();

    /** RoPE position of query t. */
    int queryPosition(int t);

    /** (queryCount, n_heads * head_dim) row-major, rotated; the runtime's buffer, read-only. */
    float[] queries();

    /** Slots of KV head {@code kvHead} that query t attended to (a prefix of the store). */
    int visibleCount(int t, int kvHead);

    /**
     * Softmax attention weights of queries [fromQuery, toQuery) of query head {@code qHead} over the store
     * of its KV head: (toQuery - fromQuery, visibleCount(toQuery - 1)) with zeros where causality hides a
     * slot. Computed on demand from the stored keys (what the runtime used, before any change by a hook).
     */
    FloatMatrix attention(int qHead, int fromQuery, int toQuery);

    /** The last query's attention weights for query head {@code qHead}, a copy (length visibleCount). */
    default float[] lastQueryAttention(int qHead) {
        int q = queryCount();
        return attention(qHead, q - 1, q).data();
    }

    /**
     * At {@link Phase#DECODE}: the buffer holding this step's attention weights, already computed by the
     * runtime (no extra work); query head h's weights are at {@link #stepAttentionOffset(int)} for
     * {@code visibleCount(0, h / groupSize)} slots. Stale for a head once its store was changed.
     * Throws at {@link Phase#PREFILL}.
     */
    float[] stepAttention();

    int stepAttentionOffset(int qHead);

    /** Replaces KV head {@code kvHead}'s contents by the transform (evict = select, merge = weighted rows). */
    default void transform(int kvHead, TokenTransform t, PositionMode mode) {
        store(kvHead).transform(t, mode);
    }

    /** Evicts: keeps only the given slots of KV head {@code kvHead}, in the order given (sort them to keep order). */
    default void keep(int kvHead, int[] slots) {
        store(kvHead).transform(TokenTransform.select(store(kvHead).length(), slots), PositionMode.REPRESENTATIVE);
    }

    /** Puts another store in place for KV head {@code kvHead} of this layer. */
    default void swap(int kvHead, HeadKvStore store) {
        cache().setStore(layer(), kvHead, store);
    }
}
