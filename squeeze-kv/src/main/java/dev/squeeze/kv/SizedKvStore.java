package dev.squeeze.kv;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.llm.kv.HeadKvStore;

import java.util.Arrays;

/**
 * An fp32 store whose entries carry a size s (how many original tokens an entry stands for; 1 for a
 * plain token). Attention honours sizes as proportional attention: {@link #scores} returns
 * {@code q·k + sqrt(headDim) * ln s}, so after the runtime's 1/sqrt(headDim) scaling the logit gains
 * {@code ln s} and a merged entry weighs as much as the s tokens it replaced would if their keys were
 * equal. Sizes follow transforms through {@link TokenTransform#applyToSizes} (select keeps them, merge sums).
 */
public final class SizedKvStore implements HeadKvStore {
    private static final Kernels K = KernelProvider.kernels();
    private final int headDim;
    private final int capacity;
    private final float[] keys;      // (capacity, hd)
    private final float[] values;    // (capacity, hd)
    private final float[] positions; // (capacity)
    private final float[] sizes;     // (capacity)
    private final float[] logBias;   // (capacity) sqrt(hd) * ln(size)
    private final float biasScale;
    private int length;

    public SizedKvStore(int headDim, int capacity) {
        if (headDim <= 0 || capacity <= 0) throw new IllegalArgumentException("headDim and capacity must be > 0, got " + headDim + ", " + capacity);
        this.headDim = headDim;
        this.capacity = capacity;
        keys = new float[capacity * headDim];
        values = new float[capacity * headDim];
        positions = new float[capacity];
        sizes = new float[capacity];
        logBias = new float[capacity];
        biasScale = (float) Math.sqrt(headDim);
    }

    /** A sized copy of {@code source} (all sizes 1). */
    public static SizedKvStore copyOf(HeadKvStore source) {
        if (source instanceof SizedKvStore s) return s;
        SizedKvStore out = new SizedKvStore(source.headDim(), source.capacity());
        out.replace(source.keys(), source.values(), source.positions());
        return out;
    }

    @Override public int headDim() { return headDim; }
    @Override public int length() { return length; }
    @Override public int capacity() { return capacity; }

    public float size(int slot) { return sizes[slot]; }

    public float[] sizes() { return Arrays.copyOf(sizes, length); }

    /** Sets the sizes of every entry (length entries, each > 0). */
    public void setSizes(float[] s) {
        if (s.length != length) throw new IllegalArgumentException("sizes has " + s.length + " entries, the store holds " + length);
        for (int i = 0; i < length; i++) {
            if (!(s[i] > 0) || !Float.isFinite(s[i])) throw new IllegalArgumentException("sizes[" + i + "] must be finite and > 0, got " + s[i]);
            sizes[i] = s[i];
            logBias[i] = biasScale * (float) Math.log(s[i]);
        }
    }

    @Override
    public void append(float[] key, int keyOff, float[] value, int valueOff, float position) {
        if (length == capacity) throw new IllegalStateException("KV store is full: capacity " + capacity);
        System.arraycopy(key, keyOff, keys, length * headDim, headDim);
        System.arraycopy(value, valueOff, values, length * headDim, headDim);
        positions[length] = position;
        sizes[length] = 1f;
        logBias[length] = 0f;
        length++;
    }

    @Override
    public float position(int slot) {
        if (slot < 0 || slot >= length) throw new IllegalArgumentException("slot " + slot + " is outside [0, " + length + ")");
        return positions[slot];
    }

    @Override
    public void scores(float[] query, int qOff, int count, float[] out, int outOff) {
        if (count < 0 || count > length) throw new IllegalArgumentException("count " + count + " is outside [0, " + length + "]");
        for (int i = 0; i < count; i++) out[outOff + i] = K.dot(query, qOff, keys, i * headDim, headDim) + logBias[i];
    }

    @Override
    public void weightedValues(float[] weights, int wOff, int count, float[] out, int outOff) {
        if (count < 0 || count > length) throw new IllegalArgumentException("count " + count + " is outside [0, " + length + "]");
        Arrays.fill(out, outOff, outOff + headDim, 0f);
        for (int i = 0; i < count; i++) K.axpy(weights[wOff + i], values, i * headDim, out, outOff, headDim);
    }

    /** fp32 keys and values plus one fp32 size per entry. */
    @Override
    public long bytes() { return (2L * headDim + 1) * Float.BYTES * length; }

    @Override
    public FloatMatrix keys() { return new FloatMatrix(length, headDim, Arrays.copyOf(keys, length * headDim)); }

    @Override
    public FloatMatrix values() { return new FloatMatrix(length, headDim, Arrays.copyOf(values, length * headDim)); }

    @Override
    public float[] positions() { return Arrays.copyOf(positions, length); }

    /** Replaces every entry; sizes reset to 1. */
    @Override
    public void replace(FloatMatrix k, FloatMatrix v, float[] pos) {
        int n = pos.length;
        if (k.rows() != n || v.rows() != n) throw new IllegalArgumentException("replace: keys have " + k.rows() + " rows, values " + v.rows() + ", positions " + n);
        if (n > capacity) throw new IllegalArgumentException("replace: " + n + " entries exceed the capacity " + capacity);
        if (n > 0 && (k.cols() != headDim || v.cols() != headDim)) throw new IllegalArgumentException("replace: rows must have width " + headDim);
        System.arraycopy(k.data(), 0, keys, 0, n * headDim);
        System.arraycopy(v.data(), 0, values, 0, n * headDim);
        System.arraycopy(pos, 0, positions, 0, n);
        Arrays.fill(sizes, 0, n, 1f);
        Arrays.fill(logBias, 0, n, 0f);
        length = n;
    }

    /** Applies M to keys and values and M~ (the unnormalised mass) to sizes. */
    @Override
    public void transform(TokenTransform t, PositionMode mode) {
        float[] newSizes = t.applyToSizes(sizes());
        HeadKvStore.super.transform(t, mode);
        setSizes(newSizes);
    }

    @Override
    public void clear() { length = 0; }
}
