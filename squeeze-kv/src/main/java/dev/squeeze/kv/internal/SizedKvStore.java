package dev.squeeze.kv.internal;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.kv.api.DenseKvStore;
import dev.squeeze.kv.api.HeadKvStore;
import java.util.Arrays;

/**
 * An fp32 store whose entries carry a size s (how many original tokens an entry stands for; 1 for a
 * plain token). Attention honours sizes as proportional attention: {@link #scores} returns
 * {@code q·k + sqrt(headDim) * ln s}, so after the runtime's 1/sqrt(headDim) scaling the logit gains
 * {@code ln s} and a merged entry weighs as much as the s tokens it replaced would if their keys were
 * equal. Sizes follow transforms through {@link TokenTransform#applyToSizes} (select keeps them, merge sums).
 */
public final class SizedKvStore implements HeadKvStore {
    private final DenseKvStore dense; // keys, values and positions
    private final float[] sizes; // (capacity)
    private final float[] logBias; // (capacity) sqrt(hd) * ln(size)
    private final float biasScale;

    public SizedKvStore(int headDim, int capacity) {
        if (headDim <= 0 || capacity <= 0)
            throw new IllegalArgumentException("headDim and capacity must be > 0, got " + headDim + ", " + capacity);
        dense = new DenseKvStore(headDim, capacity);
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

    public float size(int slot) {
        return sizes[slot];
    }

    public float[] sizes() {
        return Arrays.copyOf(sizes, length());
    }

    /** Sets the sizes of every entry (length entries, each > 0). */
    public void setSizes(float[] s) {
        int length = length();
        if (s.length != length)
            throw new IllegalArgumentException("sizes has " + s.length + " entries, the store holds " + length);
        for (int i = 0; i < length; i++) {
            if (!(s[i] > 0) || !Float.isFinite(s[i]))
                throw new IllegalArgumentException("sizes[" + i + "] must be finite and > 0, got " + s[i]);
            sizes[i] = s[i];
            logBias[i] = biasScale * (float) Math.log(s[i]);
        }
    }

    @Override
    public void append(float[] key, int keyOff, float[] value, int valueOff, float position) {
        int slot = length();
        dense.append(key, keyOff, value, valueOff, position);
        sizes[slot] = 1f;
        logBias[slot] = 0f;
    }

    @Override
    public float position(int slot) {
        return dense.position(slot);
    }

    @Override
    public void scores(float[] query, int qOff, int count, float[] out, int outOff) {
        dense.scores(query, qOff, count, out, outOff);
        for (int i = 0; i < count; i++) out[outOff + i] += logBias[i];
    }

    @Override
    public void weightedValues(float[] weights, int wOff, int count, float[] out, int outOff) {
        dense.weightedValues(weights, wOff, count, out, outOff);
    }

    /** fp32 keys and values plus one fp32 size per entry. */
    @Override
    public long bytes() {
        return dense.bytes() + (long) Float.BYTES * length();
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

    /** Replaces every entry; sizes reset to 1. */
    @Override
    public void replace(FloatMatrix k, FloatMatrix v, float[] pos) {
        dense.replace(k, v, pos);
        Arrays.fill(sizes, 0, pos.length, 1f);
        Arrays.fill(logBias, 0, pos.length, 0f);
    }

    /** Keeps the first entries with their sizes (the default would rewrite them through replace, resetting sizes). */
    @Override
    public void truncate(int length) {
        dense.truncate(length);
    }

    /** Applies M to keys and values and M~ (the unnormalised mass) to sizes. */
    @Override
    public void transform(TokenTransform t, PositionMode mode) {
        float[] newSizes = t.applyToSizes(sizes());
        HeadKvStore.super.transform(t, mode);
        setSizes(newSizes);
    }

    @Override
    public void clear() {
        dense.clear();
    }
}
