package dev.squeeze.kv.select;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.llm.kv.HeadKvStore;

import java.util.Arrays;

/**
 * A dense fp32 store that can be told, for one attention call of a given width, to read only a subset
 * of its slots (sparse attention): unselected slots get a -infinity logit and are never read, so their
 * softmax weight is exactly 0. Memory is unchanged; memory traffic is counted in {@link #rowsRead()}.
 */
public final class SparseReadKvStore implements HeadKvStore {
    private static final Kernels K = KernelProvider.kernels();
    private final int headDim, capacity;
    private final float[] keys, values, positions;
    private int length;
    private int[] selected = new int[0];
    private int selectedCount;
    private int selectedFor = -1; // the attention width the selection applies to
    private long rowsRead;

    public SparseReadKvStore(int headDim, int capacity) {
        this.headDim = headDim;
        this.capacity = capacity;
        keys = new float[capacity * headDim];
        values = new float[capacity * headDim];
        positions = new float[capacity];
    }

    /** Reads only {@code slots} (ascending, < width) at the next calls whose width is {@code width}. */
    public void select(int[] slots, int count, int width) {
        if (selected.length < count) selected = new int[Math.max(count, 16)];
        System.arraycopy(slots, 0, selected, 0, count);
        selectedCount = count;
        selectedFor = width;
    }

    public void clearSelection() { selectedFor = -1; }

    /** Key and value rows read by attention since creation. */
    public long rowsRead() { return rowsRead; }

    @Override public int headDim() { return headDim; }
    @Override public int length() { return length; }
    @Override public int capacity() { return capacity; }

    @Override
    public void append(float[] key, int keyOff, float[] value, int valueOff, float position) {
        if (length == capacity) throw new IllegalStateException("KV store is full: capacity " + capacity);
        System.arraycopy(key, keyOff, keys, length * headDim, headDim);
        System.arraycopy(value, valueOff, values, length * headDim, headDim);
        positions[length++] = position;
    }

    @Override
    public float position(int slot) {
        if (slot < 0 || slot >= length) throw new IllegalArgumentException("slot " + slot + " is outside [0, " + length + ")");
        return positions[slot];
    }

    @Override
    public void scores(float[] q, int qOff, int count, float[] out, int outOff) {
        if (count < 0 || count > length) throw new IllegalArgumentException("count " + count + " is outside [0, " + length + "]");
        if (count == selectedFor) {
            Arrays.fill(out, outOff, outOff + count, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < selectedCount; i++) out[outOff + selected[i]] = K.dot(q, qOff, keys, selected[i] * headDim, headDim);
            rowsRead += selectedCount;
        } else {
            for (int i = 0; i < count; i++) out[outOff + i] = K.dot(q, qOff, keys, i * headDim, headDim);
            rowsRead += count;
        }
    }

    @Override
    public void weightedValues(float[] w, int wOff, int count, float[] out, int outOff) {
        if (count < 0 || count > length) throw new IllegalArgumentException("count " + count + " is outside [0, " + length + "]");
        Arrays.fill(out, outOff, outOff + headDim, 0f);
        if (count == selectedFor) {
            for (int i = 0; i < selectedCount; i++) K.axpy(w[wOff + selected[i]], values, selected[i] * headDim, out, outOff, headDim);
            rowsRead += selectedCount;
        } else {
            for (int i = 0; i < count; i++) K.axpy(w[wOff + i], values, i * headDim, out, outOff, headDim);
            rowsRead += count;
        }
    }

    @Override
    public long bytes() { return 2L * Float.BYTES * headDim * length; }

    @Override
    public FloatMatrix keys() { return new FloatMatrix(length, headDim, Arrays.copyOf(keys, length * headDim)); }

    @Override
    public FloatMatrix values() { return new FloatMatrix(length, headDim, Arrays.copyOf(values, length * headDim)); }

    @Override
    public float[] positions() { return Arrays.copyOf(positions, length); }

    @Override
    public void replace(FloatMatrix k, FloatMatrix v, float[] pos) {
        int n = pos.length;
        if (k.rows() != n || v.rows() != n) throw new IllegalArgumentException("replace: keys have " + k.rows() + " rows, values " + v.rows() + ", positions " + n);
        if (n > capacity) throw new IllegalArgumentException("replace: " + n + " entries exceed the capacity " + capacity);
        System.arraycopy(k.data(), 0, keys, 0, n * headDim);
        System.arraycopy(v.data(), 0, values, 0, n * headDim);
        System.arraycopy(pos, 0, positions, 0, n);
        length = n;
        selectedFor = -1;
    }

    @Override
    public void clear() { length = 0; selectedFor = -1; }
}
