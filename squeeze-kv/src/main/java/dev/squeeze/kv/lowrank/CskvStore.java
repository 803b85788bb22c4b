package dev.squeeze.kv.lowrank;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.HeadKvStore;
import java.util.Arrays;

/**
 * CSKV's bi-branch cache (Wang et al., "CSKV: Training-Efficient Channel Shrinking for KV Cache in
 * Long-Context Scenarios", 2024, arXiv:2409.10593): old entries are held channel-shrunk, k' = k U_k and
 * v' = v U_v with orthonormal (hd, r) bases; the most recent {@code window} entries stay full precision.
 * Attention is computed in the shrunk space: q·k ~ (U_k^T q)·k', sum w v ~ U_v (sum w v'). Bytes: fp32
 * shrunk rows, the fp32 window and the two bases.
 */
final class CskvStore implements HeadKvStore {
    private static final Kernels K = KernelProvider.kernels();
    private final int headDim, capacity, rank, window;
    private final float[] uk, uv; // (hd, r)
    private final float[] ck, cv; // (capacity, r) shrunk rows
    private int nc;
    private final float[] wk, wv; // (window + 1, hd) full-precision tail
    private int wLen;
    private final float[] positions;
    private final float[] qr, acc; // (r) scratch

    public CskvStore(int headDim, int capacity, float[] uk, float[] uv, int rank, int window) {
        if (rank < 1 || rank > headDim)
            throw new IllegalArgumentException("rank must be in [1, " + headDim + "], got " + rank);
        if (uk.length != headDim * rank || uv.length != headDim * rank)
            throw new IllegalArgumentException("bases must be (" + headDim + ", " + rank + ")");
        if (window < 0) throw new IllegalArgumentException("window must be >= 0, got " + window);
        this.headDim = headDim;
        this.capacity = capacity;
        this.rank = rank;
        this.window = window;
        this.uk = uk.clone();
        this.uv = uv.clone();
        ck = new float[capacity * rank];
        cv = new float[capacity * rank];
        wk = new float[(window + 1) * headDim];
        wv = new float[(window + 1) * headDim];
        positions = new float[capacity];
        qr = new float[rank];
        acc = new float[rank];
    }

    @Override
    public int headDim() {
        return headDim;
    }

    @Override
    public int length() {
        return nc + wLen;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void append(float[] key, int keyOff, float[] value, int valueOff, float position) {
        if (length() == capacity) throw new IllegalStateException("KV store is full: capacity " + capacity);
        System.arraycopy(key, keyOff, wk, wLen * headDim, headDim);
        System.arraycopy(value, valueOff, wv, wLen * headDim, headDim);
        positions[length()] = position;
        wLen++;
        if (wLen > window) { // shrink the oldest window entry
            project(wk, 0, uk, ck, nc * rank);
            project(wv, 0, uv, cv, nc * rank);
            nc++;
            System.arraycopy(wk, headDim, wk, 0, (wLen - 1) * headDim);
            System.arraycopy(wv, headDim, wv, 0, (wLen - 1) * headDim);
            wLen--;
        }
    }

    private void project(float[] x, int off, float[] u, float[] out, int outOff) {
        for (int j = 0; j < rank; j++) {
            float s = 0;
            for (int c = 0; c < headDim; c++) s += x[off + c] * u[c * rank + j];
            out[outOff + j] = s;
        }
    }

    @Override
    public float position(int slot) {
        if (slot < 0 || slot >= length())
            throw new IllegalArgumentException("slot " + slot + " is outside [0, " + length() + ")");
        return positions[slot];
    }

    @Override
    public void scores(float[] q, int qOff, int count, float[] out, int outOff) {
        check(count);
        project(q, qOff, uk, qr, 0);
        for (int i = 0; i < Math.min(count, nc); i++) out[outOff + i] = K.dot(qr, 0, ck, i * rank, rank);
        for (int i = nc; i < count; i++) out[outOff + i] = K.dot(q, qOff, wk, (i - nc) * headDim, headDim);
    }

    @Override
    public void weightedValues(float[] w, int wOff, int count, float[] out, int outOff) {
        check(count);
        Arrays.fill(acc, 0f);
        for (int i = 0; i < Math.min(count, nc); i++) K.axpy(w[wOff + i], cv, i * rank, acc, 0, rank);
        for (int c = 0; c < headDim; c++) {
            float s = 0;
            for (int j = 0; j < rank; j++) s += uv[c * rank + j] * acc[j];
            out[outOff + c] = s;
        }
        for (int i = nc; i < count; i++) K.axpy(w[wOff + i], wv, (i - nc) * headDim, out, outOff, headDim);
    }

    @Override
    public long bytes() {
        return (long) Float.BYTES * (2L * rank * nc + 2L * headDim * wLen + 2L * headDim * rank);
    }

    @Override
    public FloatMatrix keys() {
        return rows(ck, uk, wk);
    }

    @Override
    public FloatMatrix values() {
        return rows(cv, uv, wv);
    }

    private FloatMatrix rows(float[] c, float[] u, float[] w) {
        float[] out = new float[length() * headDim];
        for (int i = 0; i < nc; i++)
            for (int d = 0; d < headDim; d++) {
                float s = 0;
                for (int j = 0; j < rank; j++) s += c[i * rank + j] * u[d * rank + j];
                out[i * headDim + d] = s;
            }
        System.arraycopy(w, 0, out, nc * headDim, wLen * headDim);
        return new FloatMatrix(length(), headDim, out);
    }

    @Override
    public float[] positions() {
        return Arrays.copyOf(positions, length());
    }

    @Override
    public void replace(FloatMatrix k, FloatMatrix v, float[] pos) {
        int n = pos.length;
        if (k.rows() != n || v.rows() != n)
            throw new IllegalArgumentException(
                    "replace: keys have " + k.rows() + " rows, values " + v.rows() + ", positions " + n);
        if (n > capacity)
            throw new IllegalArgumentException("replace: " + n + " entries exceed the capacity " + capacity);
        clear();
        for (int i = 0; i < n; i++) append(k.data(), i * headDim, v.data(), i * headDim, pos[i]);
    }

    @Override
    public void clear() {
        nc = 0;
        wLen = 0;
    }

    private void check(int count) {
        if (count < 0 || count > length())
            throw new IllegalArgumentException("count " + count + " is outside [0, " + length() + "]");
    }
}
