package dev.squeeze.kv.select;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.DenseKvStore;
import dev.squeeze.kv.api.HeadKvStore;
import java.util.Arrays;

/**
 * A dense fp32 store that can be told, for one attention call of a given width, to read only a subset
 * of its slots (sparse attention): unselected slots get a -infinity logit and are never read, so their
 * softmax weight is exactly 0. Memory is unchanged; memory traffic is counted in {@link #rowsRead()}.
 */
final class SparseReadKvStore implements HeadKvStore {
    private final DenseKvStore dense; // keys, values and positions
    private int[] selected = new int[0];
    private int selectedCount;
    private int selectedFor = -1; // the attention width the selection applies to
    private long rowsRead;

    public SparseReadKvStore(int headDim, int capacity) {
        dense = new DenseKvStore(headDim, capacity);
    }

    /** Reads only {@code slots} (ascending, < width) at the next calls whose width is {@code width}. */
    public void select(int[] slots, int count, int width) {
        if (selected.length < count) selected = new int[Math.max(count, 16)];
        System.arraycopy(slots, 0, selected, 0, count);
        selectedCount = count;
        selectedFor = width;
    }

    public void clearSelection() {
        selectedFor = -1;
    }

    /** Key and value rows read by attention since creation. */
    public long rowsRead() {
        return rowsRead;
    }

    @Override
    public int headDim() {
        return dense.headDim();
    }

    @Override
    public int length() {
        return dense.length();
    }

    @Override
    public int capacity() {
        return dense.capacity();
    }

    @Override
    public void append(float[] key, int keyOff, float[] value, int valueOff, float position) {
        dense.append(key, keyOff, value, valueOff, position);
    }

    @Override
    public float position(int slot) {
        return dense.position(slot);
    }

    @Override
    public void scores(float[] q, int qOff, int count, float[] out, int outOff) {
        if (count >= 0 && count == selectedFor && count <= length()) {
            Arrays.fill(out, outOff, outOff + count, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < selectedCount; i++) out[outOff + selected[i]] = dense.score(q, qOff, selected[i]);
            rowsRead += selectedCount;
        } else {
            dense.scores(q, qOff, count, out, outOff);
            rowsRead += count;
        }
    }

    @Override
    public void weightedValues(float[] w, int wOff, int count, float[] out, int outOff) {
        if (count >= 0 && count == selectedFor && count <= length()) {
            Arrays.fill(out, outOff, outOff + headDim(), 0f);
            for (int i = 0; i < selectedCount; i++)
                dense.addWeightedValue(w[wOff + selected[i]], selected[i], out, outOff);
            rowsRead += selectedCount;
        } else {
            dense.weightedValues(w, wOff, count, out, outOff);
            rowsRead += count;
        }
    }

    @Override
    public long bytes() {
        return dense.bytes();
    }

    @Override
    public FloatMatrix keys() {
        return dense.keys();
    }

    @Override
    public FloatMatrix values() {
        return dense.values();
    }

    @Override
    public float[] positions() {
        return dense.positions();
    }

    @Override
    public void replace(FloatMatrix k, FloatMatrix v, float[] pos) {
        dense.replace(k, v, pos);
        selectedFor = -1;
    }

    @Override
    public void clear() {
        dense.clear();
        selectedFor = -1;
    }
}
