package dev.squeeze.kv.api;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenTransform;
import java.util.Arrays;

/**
 * The default store: fp32 keys and values in (rows, headDim) arrays that grow by doubling up to the
 * capacity (so a long-context model does not reserve its whole context up front; growth happens
 * log2(capacity / 256) times at most, never in steady state).
 */
public final class DenseKvStore implements HeadKvStore {
    private static final Kernels K = KernelProvider.kernels();
    private final int headDim;
    private final int capacity;
    private float[] keys; // (rows, hd), rows <= capacity
    private float[] values; // (rows, hd)
    private float[] positions; // (rows)
    private int length;

    public DenseKvStore(int headDim, int capacity) {
        if (headDim <= 0) throw new IllegalArgumentException("headDim must be > 0, got " + headDim);
        if (capacity <= 0) throw new IllegalArgumentException("capacity must be > 0, got " + capacity);
        this.headDim = headDim;
        this.capacity = capacity;
        int rows = Math.min(capacity, 256);
        this.keys = new float[Math.multiplyExact(rows, headDim)];
        this.values = new float[keys.length];
        this.positions = new float[rows];
    }

    @Override
    public int headDim() {
        return headDim;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void append(float[] key, int keyOff, float[] value, int valueOff, float position) {
        if (length == capacity) {
            throw new IllegalStateException(
                    "KV store is full: capacity " + capacity + " entries (the session's cache capacity)");
        }
        if (length == positions.length) grow(length + 1);
        System.arraycopy(key, keyOff, keys, length * headDim, headDim);
        System.arraycopy(value, valueOff, values, length * headDim, headDim);
        positions[length] = position;
        length++;
    }

    @Override
    public float position(int slot) {
        checkSlot(slot);
        return positions[slot];
    }

    @Override
    public void scores(float[] query, int qOff, int count, float[] out, int outOff) {
        checkCount(count);
        for (int i = 0; i < count; i++) out[outOff + i] = K.dot(query, qOff, keys, i * headDim, headDim);
    }

    @Override
    public void weightedValues(float[] weights, int wOff, int count, float[] out, int outOff) {
        checkCount(count);
        Arrays.fill(out, outOff, outOff + headDim, 0f);
        for (int i = 0; i < count; i++) K.axpy(weights[wOff + i], values, i * headDim, out, outOff, headDim);
    }

    /**
     * query · key of one slot: for stores built on this one that read only some slots (sparse attention).
     * Not range-checked beyond the array: callers pass slots below {@link #length()}.
     */
    public float score(float[] query, int qOff, int slot) {
        return K.dot(query, qOff, keys, slot * headDim, headDim);
    }

    /** out[outOff .. +headDim) += weight * value of one slot (the companion of {@link #score}). */
    public void addWeightedValue(float weight, int slot, float[] out, int outOff) {
        K.axpy(weight, values, slot * headDim, out, outOff, headDim);
    }

    @Override
    public long bytes() {
        return 2L * Float.BYTES * headDim * length;
    }

    @Override
    public FloatMatrix keys() {
        return new FloatMatrix(length, headDim, Arrays.copyOf(keys, length * headDim));
    }

    @Override
    public FloatMatrix values() {
        return new FloatMatrix(length, headDim, Arrays.copyOf(values, length * headDim));
    }

    @Override
    public float[] positions() {
        return Arrays.copyOf(positions, length);
    }

    @Override
    public void replace(FloatMatrix k, FloatMatrix v, float[] pos) {
        int n = pos.length;
        if (k.rows() != n || v.rows() != n) {
            throw new IllegalArgumentException(
                    "replace: keys have " + k.rows() + " rows, values " + v.rows() + ", positions " + n);
        }
        if (n > 0 && (k.cols() != headDim || v.cols() != headDim)) {
            throw new IllegalArgumentException(
                    "replace: rows must have width headDim = " + headDim + ", got " + k.cols() + " and " + v.cols());
        }
        if (n > capacity)
            throw new IllegalArgumentException("replace: " + n + " entries exceed the capacity " + capacity);
        if (n > positions.length) grow(n);
        System.arraycopy(k.data(), 0, keys, 0, n * headDim);
        System.arraycopy(v.data(), 0, values, 0, n * headDim);
        System.arraycopy(pos, 0, positions, 0, n);
        length = n;
    }

    /**
     * Evictions (a selection whose kept slots ascend, as every press keeps them) compact the arrays in place: each
     * kept row moves down to its new slot, nothing is copied out and nothing allocated, so a press that evicts at
     * every decode step costs O(kept x head_dim) moves, not a copy of the store. Merges and reordering selections
     * take the general path ({@link HeadKvStore#transform}). Positions: a kept entry keeps its own (a selection row
     * has one source of weight 1, so both position modes agree).
     */
    @Override
    public void transform(TokenTransform t, PositionMode mode) {
        if (t.sourceCount() != length) {
            throw new IllegalArgumentException(
                    "transform reads N = " + t.sourceCount() + " entries but the store holds " + length);
        }
        int k = t.outputCount();
        if (!t.isSelection() || !ascending(t, k)) {
            HeadKvStore.super.transform(t, mode);
            return;
        }
        for (int r = 0; r < k; r++) {
            int src = t.firstSource(r); // >= r: kept slots ascend, so row r is read before anything overwrites it
            if (src == r) continue;
            System.arraycopy(keys, src * headDim, keys, r * headDim, headDim);
            System.arraycopy(values, src * headDim, values, r * headDim, headDim);
            positions[r] = positions[src];
        }
        length = k;
    }

    private static boolean ascending(TokenTransform t, int k) {
        for (int r = 1; r < k; r++) if (t.firstSource(r) <= t.firstSource(r - 1)) return false;
        return true;
    }

    @Override
    public void clear() {
        length = 0;
    }

    /** O(1): the dropped rows stay in the arrays and are overwritten by later appends. */
    @Override
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("truncate to " + newLength + " entries, the store holds " + length);
        }
        length = newLength;
    }

    private void grow(int need) {
        int rows = Math.min(capacity, Math.max(need, 2 * positions.length));
        keys = Arrays.copyOf(keys, Math.multiplyExact(rows, headDim));
        values = Arrays.copyOf(values, keys.length);
        positions = Arrays.copyOf(positions, rows);
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= length)
            throw new IllegalArgumentException("slot " + slot + " is outside [0, " + length + ")");
    }

    private void checkCount(int count) {
        if (count < 0 || count > length)
            throw new IllegalArgumentException("count " + count + " is outside [0, " + length + "]");
    }
}
