package dev.squeeze.kv.quant;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.HeadKvStore;
import java.util.Arrays;

/**
 * ZipCache's mixed-precision store (He et al., "ZipCache: Accurate and Efficient KV Cache Quantization
 * with Salient Token Identification", 2024, arXiv:2405.14256). Salient entries get {@code hiBits}, the
 * others {@code loBits}. Keys: channelwise min-max quantisation (one fp16 scale/min per channel and
 * precision class). Values: channel-separable tokenwise quantisation: each channel is divided by
 * c_j = sqrt(max_t |v_tj|) (fp16), then every token is min-max quantised as one group (fp16 scale/min).
 * A one-bit-per-entry precision map is counted. Entries appended after {@link #build} stay fp32 until
 * the press rebuilds the store.
 */
final class ZipCacheStore implements HeadKvStore {
    private static final Kernels K = KernelProvider.kernels();
    private final int headDim, capacity, hiBits, loBits;
    private int nq; // quantised entries
    private boolean[] salient = new boolean[0];
    private int[] index = new int[0]; // slot -> row within its class
    private byte[] kHi = new byte[0], kLo = new byte[0], vHi = new byte[0], vLo = new byte[0];
    private final short[] kScaleHi, kMinHi, kScaleLo, kMinLo, vNorm; // (hd)
    private short[] vScale = new short[0], vMin = new short[0]; // (nq)
    private final float[] rKeys, rValues; // (capacity, hd) fp32 tail
    private int rLen;
    private final float[] positions;
    private final float[] scratch;

    public ZipCacheStore(int headDim, int capacity, int hiBits, int loBits) {
        BitPacking.checkBits(hiBits);
        BitPacking.checkBits(loBits);
        this.headDim = headDim;
        this.capacity = capacity;
        this.hiBits = hiBits;
        this.loBits = loBits;
        kScaleHi = new short[headDim];
        kMinHi = new short[headDim];
        kScaleLo = new short[headDim];
        kMinLo = new short[headDim];
        vNorm = new short[headDim];
        rKeys = new float[capacity * headDim];
        rValues = new float[capacity * headDim];
        positions = new float[capacity];
        scratch = new float[2 * headDim];
    }

    /** Quantises all n entries; {@code isSalient[i]} picks hiBits for entry i. */
    public void build(FloatMatrix keys, FloatMatrix values, float[] pos, boolean[] isSalient) {
        int n = pos.length, d = headDim;
        if (keys.rows() != n || values.rows() != n || isSalient.length != n)
            throw new IllegalArgumentException("build: keys, values, positions and saliency must have the same length");
        if (n > capacity)
            throw new IllegalArgumentException("build: " + n + " entries exceed the capacity " + capacity);
        nq = n;
        rLen = 0;
        salient = isSalient.clone();
        index = new int[n];
        int nHi = 0, nLo = 0;
        for (int i = 0; i < n; i++) index[i] = salient[i] ? nHi++ : nLo++;
        float[] k = keys.data(), v = values.data();
        // keys: per class, channelwise
        float[] hiRows = new float[nHi * d], loRows = new float[nLo * d];
        for (int i = 0; i < n; i++) System.arraycopy(k, i * d, salient[i] ? hiRows : loRows, index[i] * d, d);
        kHi = new byte[BitPacking.packedBytes(nHi * d, hiBits)];
        kLo = new byte[BitPacking.packedBytes(nLo * d, loBits)];
        for (int c = 0; c < d; c++) {
            if (nHi > 0) MinMaxQuantizer.quantise(hiRows, c, d, nHi, hiBits, kHi, c, d, kScaleHi, kMinHi, c);
            if (nLo > 0) MinMaxQuantizer.quantise(loRows, c, d, nLo, loBits, kLo, c, d, kScaleLo, kMinLo, c);
        }
        // values: channel normalisers, then tokenwise
        float[] norm = new float[d];
        for (int c = 0; c < d; c++) {
            float m = 0;
            for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(v[i * d + c]));
            vNorm[c] = Float.floatToFloat16((float) Math.sqrt(m));
            norm[c] = Float.float16ToFloat(vNorm[c]);
            if (norm[c] == 0f) norm[c] = 1f;
            if (Float.float16ToFloat(vNorm[c]) == 0f) vNorm[c] = Float.floatToFloat16(1f);
        }
        vHi = new byte[BitPacking.packedBytes(nHi * d, hiBits)];
        vLo = new byte[BitPacking.packedBytes(nLo * d, loBits)];
        vScale = new short[n];
        vMin = new short[n];
        float[] row = new float[d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) row[c] = v[i * d + c] / norm[c];
            MinMaxQuantizer.quantise(
                    row,
                    0,
                    1,
                    d,
                    salient[i] ? hiBits : loBits,
                    salient[i] ? vHi : vLo,
                    index[i] * d,
                    1,
                    vScale,
                    vMin,
                    i);
        }
        System.arraycopy(pos, 0, positions, 0, n);
    }

    public boolean salient(int slot) {
        return slot < nq && salient[slot];
    }

    @Override
    public int headDim() {
        return headDim;
    }

    @Override
    public int length() {
        return nq + rLen;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void append(float[] key, int keyOff, float[] value, int valueOff, float position) {
        if (length() == capacity) throw new IllegalStateException("KV store is full: capacity " + capacity);
        System.arraycopy(key, keyOff, rKeys, rLen * headDim, headDim);
        System.arraycopy(value, valueOff, rValues, rLen * headDim, headDim);
        positions[nq + rLen] = position;
        rLen++;
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
        int d = headDim;
        float baseHi = 0, baseLo = 0;
        for (int c = 0; c < d; c++) {
            scratch[c] = q[qOff + c] * Float.float16ToFloat(kScaleHi[c]);
            scratch[d + c] = q[qOff + c] * Float.float16ToFloat(kScaleLo[c]);
            baseHi += q[qOff + c] * Float.float16ToFloat(kMinHi[c]);
            baseLo += q[qOff + c] * Float.float16ToFloat(kMinLo[c]);
        }
        for (int i = 0; i < Math.min(count, nq); i++) {
            boolean hi = salient[i];
            byte[] codes = hi ? kHi : kLo;
            int bits = hi ? hiBits : loBits, o = hi ? 0 : d, r = index[i] * d;
            float acc = hi ? baseHi : baseLo;
            for (int c = 0; c < d; c++) acc += scratch[o + c] * BitPacking.get(codes, r + c, bits);
            out[outOff + i] = acc;
        }
        for (int i = nq; i < count; i++) out[outOff + i] = K.dot(q, qOff, rKeys, (i - nq) * d, d);
    }

    @Override
    public void weightedValues(float[] w, int wOff, int count, float[] out, int outOff) {
        check(count);
        int d = headDim;
        Arrays.fill(scratch, 0, d, 0f);
        for (int i = 0; i < Math.min(count, nq); i++) {
            float wt = w[wOff + i];
            if (wt == 0f) continue;
            boolean hi = salient[i];
            byte[] codes = hi ? vHi : vLo;
            int bits = hi ? hiBits : loBits, r = index[i] * d;
            float s = wt * Float.float16ToFloat(vScale[i]), m = wt * Float.float16ToFloat(vMin[i]);
            for (int c = 0; c < d; c++) scratch[c] += s * BitPacking.get(codes, r + c, bits) + m;
        }
        for (int c = 0; c < d; c++) out[outOff + c] = scratch[c] * Float.float16ToFloat(vNorm[c]);
        for (int i = nq; i < count; i++) K.axpy(w[wOff + i], rValues, (i - nq) * d, out, outOff, d);
    }

    /** Packed codes, fp16 parameters (4 x hd for keys, hd normalisers, 2 per entry for values), the precision map and the fp32 tail. */
    @Override
    public long bytes() {
        if (nq == 0) return 2L * Float.BYTES * headDim * rLen;
        return kHi.length
                + kLo.length
                + vHi.length
                + vLo.length
                + 2L * (5L * headDim + 2L * nq)
                + (nq + 7) / 8
                + 2L * Float.BYTES * headDim * rLen;
    }

    @Override
    public FloatMatrix keys() {
        int d = headDim;
        float[] out = new float[length() * d];
        for (int i = 0; i < nq; i++) {
            boolean hi = salient[i];
            for (int c = 0; c < d; c++) {
                int code = BitPacking.get(hi ? kHi : kLo, index[i] * d + c, hi ? hiBits : loBits);
                out[i * d + c] =
                        MinMaxQuantizer.dequant(code, hi ? kScaleHi[c] : kScaleLo[c], hi ? kMinHi[c] : kMinLo[c]);
            }
        }
        System.arraycopy(rKeys, 0, out, nq * d, rLen * d);
        return new FloatMatrix(length(), d, out);
    }

    @Override
    public FloatMatrix values() {
        int d = headDim;
        float[] out = new float[length() * d];
        for (int i = 0; i < nq; i++) {
            boolean hi = salient[i];
            for (int c = 0; c < d; c++) {
                int code = BitPacking.get(hi ? vHi : vLo, index[i] * d + c, hi ? hiBits : loBits);
                out[i * d + c] = MinMaxQuantizer.dequant(code, vScale[i], vMin[i]) * Float.float16ToFloat(vNorm[c]);
            }
        }
        System.arraycopy(rValues, 0, out, nq * d, rLen * d);
        return new FloatMatrix(length(), d, out);
    }

    @Override
    public float[] positions() {
        return Arrays.copyOf(positions, length());
    }

    /** Re-quantises everything; with no saliency known for new contents, every entry is treated as salient. */
    @Override
    public void replace(FloatMatrix k, FloatMatrix v, float[] pos) {
        boolean[] s = new boolean[pos.length];
        Arrays.fill(s, true);
        build(k, v, pos, s);
    }

    @Override
    public void clear() {
        nq = 0;
        rLen = 0;
    }

    private void check(int count) {
        if (count < 0 || count > length())
            throw new IllegalArgumentException("count " + count + " is outside [0, " + length() + "]");
    }
}
