package dev.squeeze.kv.api;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenTransform;

/**
 * The keys and values one KV head holds in one layer: an ordered list of entries (slots 0..length-1),
 * each a key (already RoPE-rotated at its position), a value and its position id. The slot index is only
 * storage order; the position id is what RoPE used, so evicted or merged entries keep correct positions.
 *
 * <p>Attention reads the store only through {@link #scores} and {@link #weightedValues}, so a quantised
 * or low-rank store can compute both from its packed representation and report its real
 * {@link #bytes()}. A store needs only the primitive methods; {@link #transform} and {@link #reposition}
 * have default implementations through {@link #keys()}/{@link #values()}/{@link #replace}.
 *
 * <p>Stores are single-threaded; a store is owned by one {@link KvCache}.
 */
public interface HeadKvStore {

    /** Width of each key and value. */
    int headDim();

    /** Entries held now. */
    int length();

    /** Most entries this store can hold; {@link #append} beyond it fails. */
    int capacity();

    /**
     * Adds one entry at slot {@link #length()}.
     *
     * @param key      key[keyOff .. +headDim), already rotated to {@code position}
     * @param value    value[valueOff .. +headDim)
     * @param position RoPE position id of the token
     */
    void append(float[] key, int keyOff, float[] value, int valueOff, float position);

    /** Position id of the entry in {@code slot}. */
    float position(int slot);

    /**
     * out[outOff + i] = query · key_i (raw, unscaled) for slots i in [0, count). The runtime then scales by
     * 1/sqrt(headDim) and applies softmax. A store whose entries stand for several tokens may add a per-entry
     * bias here (proportional attention: ln(size) x sqrt(headDim), so that it survives the scaling as ln(size)).
     */
    void scores(float[] query, int qOff, int count, float[] out, int outOff);

    /** out[outOff .. +headDim) = sum over slots i in [0, count) of weights[wOff + i] * value_i (overwrites out). */
    void weightedValues(float[] weights, int wOff, int count, float[] out, int outOff);

    /** Bytes of key and value payload this store really holds now (scales, zero points, residuals included; position ids excluded). */
    long bytes();

    /** Keys as floats (dequantised if stored packed), (length, headDim), a copy. */
    FloatMatrix keys();

    /** Values as floats, (length, headDim), a copy. */
    FloatMatrix values();

    /** Position ids, (length), a copy. */
    float[] positions();

    /** Replaces every entry: keys and values (n, headDim), positions (n). n may be 0. */
    void replace(FloatMatrix keys, FloatMatrix values, float[] positions);

    /** Removes every entry. */
    void clear();

    /**
     * Keeps the first {@code length} entries and drops the rest (a rollback: speculative decoding appends draft
     * entries, then keeps only the accepted ones). The default rewrites the contents through {@link #replace}.
     */
    default void truncate(int length) {
        if (length < 0 || length > length()) {
            throw new IllegalArgumentException("truncate to " + length + " entries, the store holds " + length());
        }
        if (length == length()) return;
        int hd = headDim();
        FloatMatrix k = keys(), v = values();
        replace(
                new FloatMatrix(length, hd, java.util.Arrays.copyOf(k.data(), length * hd)),
                new FloatMatrix(length, hd, java.util.Arrays.copyOf(v.data(), length * hd)),
                java.util.Arrays.copyOf(positions(), length));
    }

    /**
     * Replaces the contents by M·K, M·V (evict = select, merge = weighted rows); positions follow the
     * transform ({@code mode}: kept entries keep theirs, merged ones take the representative's or the
     * weighted mean). Keys are not re-rotated: a merged key is the weighted mean of rotated keys.
     */
    default void transform(TokenTransform t, PositionMode mode) {
        if (t.sourceCount() != length()) {
            throw new IllegalArgumentException(
                    "transform reads N = " + t.sourceCount() + " entries but the store holds " + length());
        }
        float[] pos = positions();
        FloatMatrix k = t.apply(keys());
        FloatMatrix v = t.apply(values());
        float[] newPos = new float[t.outputCount()];
        int[] rep = t.representatives();
        for (int r = 0; r < newPos.length; r++) {
            if (mode == PositionMode.REPRESENTATIVE) {
                newPos[r] = pos[rep[r]];
            } else {
                int[] src = t.rowSources(r);
                float[] w = t.rowWeights(r);
                double num = 0, den = 0;
                for (int e = 0; e < src.length; e++) {
                    num += w[e] * pos[src[e]];
                    den += w[e];
                }
                newPos[r] = den == 0 ? pos[rep[r]] : (float) (num / den);
            }
        }
        replace(k, v, newPos);
    }

    /** Re-rotates every key from its position to {@code newPositions[slot]} and records the new ids. */
    default void reposition(float[] newPositions, RopeRotation rope) {
        if (newPositions.length != length()) {
            throw new IllegalArgumentException(
                    "newPositions has " + newPositions.length + " entries, the store holds " + length());
        }
        float[] pos = positions();
        FloatMatrix k = keys();
        for (int i = 0; i < pos.length; i++) rope.rotateBy(k.data(), i * headDim(), newPositions[i] - pos[i]);
        replace(k, values(), newPositions.clone());
    }

    /** Makes empty stores; the runtime asks for one per (layer, KV head). */
    @FunctionalInterface
    interface Factory {
        HeadKvStore create(int layer, int kvHead, int headDim, int capacity);

        /** The default: dense fp32 keys and values. */
        static Factory dense() {
            return (layer, head, hd, cap) -> new DenseKvStore(hd, cap);
        }
    }
}
