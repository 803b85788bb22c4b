package dev.squeeze.kv.quant;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One GEAR block: X ~ Q(X - S) + L + S for keys and for values, with S the sparse outliers (the
 * largest and smallest {@code outlier}/2 fraction of entries each, stored as int index + fp16 value),
 * Q the KIVI block quantisation of X - S, and L = A B a rank-r approximation (fp16 factors) of the
 * quantisation residual X - S - Q(X - S) found by {@code iterations} power (subspace) iterations.
 */
final class GearBlock extends KvQuantBlock {
    final int rank;
    final short[] kA, kB, vA, vB; // A (g, r), B (r, d), fp16
    final int[] kIdx, vIdx; // outlier flat indices t * d + c
    final short[] kVal, vVal; // outlier values, fp16

    private GearBlock(
            float[] kq,
            float[] vq,
            int g,
            int d,
            int bits,
            int vGroup,
            int rank,
            int iterations,
            int[] kIdx,
            short[] kVal,
            int[] vIdx,
            short[] vVal) {
        super(kq, vq, 0, g, d, bits, vGroup);
        this.rank = rank;
        this.kIdx = kIdx;
        this.kVal = kVal;
        this.vIdx = vIdx;
        this.vVal = vVal;
        float[] deq = new float[g * d];
        dequantBase(deq, true);
        kA = new short[g * rank];
        kB = new short[rank * d];
        lowRank(residualOf(kq, deq), g, d, rank, iterations, kA, kB);
        dequantBase(deq, false);
        vA = new short[g * rank];
        vB = new short[rank * d];
        lowRank(residualOf(vq, deq), g, d, rank, iterations, vA, vB);
    }

    static GearBlock create(
            float[] keys,
            float[] values,
            int g,
            int d,
            int bits,
            int vGroup,
            double outlier,
            int rank,
            int iterations) {
        int half = (int) Math.round(outlier / 2 * g * d);
        float[] kq = keys.clone(), vq = values.clone();
        int[] kIdx = outliers(keys, g * d, half);
        int[] vIdx = outliers(values, g * d, half);
        short[] kVal = new short[kIdx.length], vVal = new short[vIdx.length];
        for (int i = 0; i < kIdx.length; i++) {
            kVal[i] = Float.floatToFloat16(keys[kIdx[i]]);
            kq[kIdx[i]] = 0f;
        }
        for (int i = 0; i < vIdx.length; i++) {
            vVal[i] = Float.floatToFloat16(values[vIdx[i]]);
            vq[vIdx[i]] = 0f;
        }
        return new GearBlock(kq, vq, g, d, bits, vGroup, rank, iterations, kIdx, kVal, vIdx, vVal);
    }

    /** The {@code half} largest and {@code half} smallest entries (distinct), ascending index. */
    static int[] outliers(float[] x, int n, int half) {
        if (half <= 0) return new int[0];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(
                order, (a, b) -> Float.compare(x[a], x[b]) != 0 ? Float.compare(x[a], x[b]) : Integer.compare(a, b));
        java.util.TreeSet<Integer> s = new java.util.TreeSet<>();
        for (int i = 0; i < Math.min(half, n); i++) {
            s.add(order[i]);
            s.add(order[n - 1 - i]);
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    private void dequantBase(float[] out, boolean keys) {
        if (keys) super.dequantKeys(out, 0);
        else super.dequantValues(out, 0);
    }

    private static float[] residualOf(float[] x, float[] deq) {
        float[] r = new float[x.length];
        for (int i = 0; i < x.length; i++) r[i] = x[i] - deq[i];
        return r;
    }

    /** Rank-r approximation D ~ A B by subspace iteration from a fixed seed; A, B rounded to fp16. */
    static void lowRank(float[] D, int g, int d, int r, int iterations, short[] A, short[] B) {
        if (r == 0) return;
        double[] V = new double[d * r];
        SplittableRandom rng = new SplittableRandom(0x6EA5L);
        for (int i = 0; i < V.length; i++) V[i] = rng.nextDouble() - 0.5;
        double[] P = new double[g * r];
        for (int it = 0; it < Math.max(1, iterations); it++) {
            for (int t = 0; t < g; t++)
                for (int j = 0; j < r; j++) { // P = D V
                    double s = 0;
                    for (int c = 0; c < d; c++) s += D[t * d + c] * V[c * r + j];
                    P[t * r + j] = s;
                }
            for (int j = 0; j < r; j++) { // orthonormal columns
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int t = 0; t < g; t++) dot += P[t * r + j] * P[t * r + k];
                    for (int t = 0; t < g; t++) P[t * r + j] -= dot * P[t * r + k];
                }
                double nrm = 0;
                for (int t = 0; t < g; t++) nrm += P[t * r + j] * P[t * r + j];
                nrm = Math.sqrt(nrm);
                for (int t = 0; t < g; t++) P[t * r + j] = nrm < 1e-30 ? 0 : P[t * r + j] / nrm;
            }
            for (int c = 0; c < d; c++)
                for (int j = 0; j < r; j++) { // V = D^T P
                    double s = 0;
                    for (int t = 0; t < g; t++) s += D[t * d + c] * P[t * r + j];
                    V[c * r + j] = s;
                }
        }
        for (int i = 0; i < g * r; i++) A[i] = Float.floatToFloat16((float) P[i]);
        for (int j = 0; j < r; j++)
            for (int c = 0; c < d; c++) B[j * d + c] = Float.floatToFloat16((float) V[c * r + j]);
    }

    @Override
    long bytes() {
        return super.bytes() + 2L * (kA.length + kB.length + vA.length + vB.length) + 6L * (kIdx.length + vIdx.length);
    }

    @Override
    void scores(float[] q, int qOff, int count, float[] out, int outOff, float[] scratch) {
        super.scores(q, qOff, count, out, outOff, scratch);
        for (int j = 0; j < rank; j++) { // scratch[j] = B_j · q
            float s = 0;
            for (int c = 0; c < d; c++) s += Float.float16ToFloat(kB[j * d + c]) * q[qOff + c];
            scratch[j] = s;
        }
        for (int t = 0; t < count; t++) {
            float s = 0;
            for (int j = 0; j < rank; j++) s += Float.float16ToFloat(kA[t * rank + j]) * scratch[j];
            out[outOff + t] += s;
        }
        for (int i = 0; i < kIdx.length; i++) {
            int t = kIdx[i] / d, c = kIdx[i] % d;
            if (t < count) out[outOff + t] += q[qOff + c] * Float.float16ToFloat(kVal[i]);
        }
    }

    @Override
    void addWeightedValues(float[] w, int wOff, int count, float[] out, int outOff) {
        super.addWeightedValues(w, wOff, count, out, outOff);
        for (int j = 0; j < rank; j++) {
            float a = 0;
            for (int t = 0; t < count; t++) a += w[wOff + t] * Float.float16ToFloat(vA[t * rank + j]);
            if (a == 0f) continue;
            for (int c = 0; c < d; c++) out[outOff + c] += a * Float.float16ToFloat(vB[j * d + c]);
        }
        for (int i = 0; i < vIdx.length; i++) {
            int t = vIdx[i] / d, c = vIdx[i] % d;
            if (t < count) out[outOff + c] += w[wOff + t] * Float.float16ToFloat(vVal[i]);
        }
    }

    @Override
    void dequantKeys(float[] out, int off) {
        reconstruct(out, off, true);
    }

    @Override
    void dequantValues(float[] out, int off) {
        reconstruct(out, off, false);
    }

    private void reconstruct(float[] out, int off, boolean keys) {
        if (keys) super.dequantKeys(out, off);
        else super.dequantValues(out, off);
        short[] A = keys ? kA : vA, B = keys ? kB : vB;
        for (int t = 0; t < g; t++)
            for (int c = 0; c < d; c++) {
                float s = 0;
                for (int j = 0; j < rank; j++)
                    s += Float.float16ToFloat(A[t * rank + j]) * Float.float16ToFloat(B[j * d + c]);
                out[off + t * d + c] += s;
            }
        int[] idx = keys ? kIdx : vIdx;
        short[] val = keys ? kVal : vVal;
        for (int i = 0; i < idx.length; i++) out[off + idx[i]] += Float.float16ToFloat(val[i]);
    }
}
