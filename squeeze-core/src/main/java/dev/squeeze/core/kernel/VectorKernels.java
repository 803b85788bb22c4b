package dev.squeeze.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the incubating Vector API, using the platform's preferred float species (16 lanes with
 * AVX-512, 8 with AVX2). Only loaded when {@code jdk.incubator.vector} is in the boot layer; see
 * {@link KernelProvider}.
 *
 * <p>{@link #dotBlock} is register-tiled: a 4 x 4 tile of rows keeps 16 vector accumulators live, so each
 * step of the shared dimension does 8 loads for 16 FMAs and the loop is FMA-bound rather than load-bound.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public String name() { return "vector-" + S.vectorBitSize(); }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        for (; i + L <= bound - L; i += 2 * L) {
            acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
            acc1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), acc1);
        }
        for (; i < bound; i += L) {
            acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public float sumOfSquares(float[] a, int off, int n) {
        return dot(a, off, a, off, n);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (; i < bound; i += L) {
            FloatVector vy = FloatVector.fromArray(S, y, yOff + i);
            FloatVector.fromArray(S, x, xOff + i).fma(va, vy).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void scale(float[] a, int off, int n, float s) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) FloatVector.fromArray(S, a, off + i).mul(s).intoArray(a, off + i);
        for (; i < n; i++) a[off + i] *= s;
    }

    @Override
    public float max(float[] a, int off, int n) {
        if (n <= 0) throw new IllegalArgumentException("max of an empty range (n = " + n + ")");
        int i = 0;
        int bound = S.loopBound(n);
        float m = Float.NEGATIVE_INFINITY;
        if (bound > 0) {
            FloatVector acc = FloatVector.fromArray(S, a, off);
            for (i = L; i < bound; i += L) acc = acc.max(FloatVector.fromArray(S, a, off + i));
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, a[off + i]);
        return m;
    }

    /** Softmax with the exponential vectorised (lanewise EXP, an intrinsic on x86); max subtracted first. */
    @Override
    public void softmaxInPlace(float[] a, int off, int n) {
        float mx = max(a, off, n);
        FloatVector vmx = FloatVector.broadcast(S, mx);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector e = FloatVector.fromArray(S, a, off + i).sub(vmx).lanewise(VectorOperators.EXP);
            e.intoArray(a, off + i);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(a[off + i] - mx);
            a[off + i] = e;
            sum += e;
        }
        scale(a, off, n, 1f / sum);
    }

    @Override
    public void dotBlock(float[] a, float[] b, float[] c, int n, int m, int d) {
        dotBlock(a, 0, b, 0, c, 0, m, n, m, d);
    }

    @Override
    public void dotBlock(float[] a, int aRow, float[] b, int bRow, float[] c, int cOff, int ldc, int n, int m, int d) {
        int bound = S.loopBound(d);
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int j = 0;
            for (; j + 4 <= m; j += 4) tile4x4(a, b, c, aRow + i, bRow + j, cOff + i * ldc + j, ldc, d, bound);
            for (; j < m; j++) {
                for (int r = 0; r < 4; r++) c[cOff + (i + r) * ldc + j] = dot(a, (aRow + i + r) * d, b, (bRow + j) * d, d);
            }
        }
        for (; i < n; i++) {
            for (int j = 0; j < m; j++) c[cOff + i * ldc + j] = dot(a, (aRow + i) * d, b, (bRow + j) * d, d);
        }
    }

    /** c[cAt + r*ldc + s] = dot(a row ai+r, b row bj+s) for r, s < 4. */
    private static void tile4x4(float[] a, float[] b, float[] c, int ai, int bj, int cAt, int ldc, int d, int bound) {
        int a0 = ai * d, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
        int b0 = bj * d, b1 = b0 + d, b2 = b1 + d, b3 = b2 + d;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int k = 0;
        for (; k < bound; k += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + k);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + k);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + k);
            FloatVector x3 = FloatVector.fromArray(S, a, a3 + k);
            FloatVector y = FloatVector.fromArray(S, b, b0 + k);
            c00 = x0.fma(y, c00); c10 = x1.fma(y, c10); c20 = x2.fma(y, c20); c30 = x3.fma(y, c30);
            y = FloatVector.fromArray(S, b, b1 + k);
            c01 = x0.fma(y, c01); c11 = x1.fma(y, c11); c21 = x2.fma(y, c21); c31 = x3.fma(y, c31);
            y = FloatVector.fromArray(S, b, b2 + k);
            c02 = x0.fma(y, c02); c12 = x1.fma(y, c12); c22 = x2.fma(y, c22); c32 = x3.fma(y, c32);
            y = FloatVector.fromArray(S, b, b3 + k);
            c03 = x0.fma(y, c03); c13 = x1.fma(y, c13); c23 = x2.fma(y, c23); c33 = x3.fma(y, c33);
        }
        float[] t = {
            c00.reduceLanes(VectorOperators.ADD), c01.reduceLanes(VectorOperators.ADD),
            c02.reduceLanes(VectorOperators.ADD), c03.reduceLanes(VectorOperators.ADD),
            c10.reduceLanes(VectorOperators.ADD), c11.reduceLanes(VectorOperators.ADD),
            c12.reduceLanes(VectorOperators.ADD), c13.reduceLanes(VectorOperators.ADD),
            c20.reduceLanes(VectorOperators.ADD), c21.reduceLanes(VectorOperators.ADD),
            c22.reduceLanes(VectorOperators.ADD), c23.reduceLanes(VectorOperators.ADD),
            c30.reduceLanes(VectorOperators.ADD), c31.reduceLanes(VectorOperators.ADD),
            c32.reduceLanes(VectorOperators.ADD), c33.reduceLanes(VectorOperators.ADD)};
        for (; k < d; k++) {
            for (int r = 0; r < 4; r++) {
                for (int q = 0; q < 4; q++) t[r * 4 + q] += a[(ai + r) * d + k] * b[(bj + q) * d + k];
            }
        }
        for (int r = 0; r < 4; r++) {
            for (int q = 0; q < 4; q++) c[cAt + r * ldc + q] = t[r * 4 + q];
        }
    }

    @Override
    public void matmul(float[] a, float[] b, float[] c, int n, int k, int m) {
        java.util.Arrays.fill(c, 0, n * m, 0f);
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                float av = a[i * k + p];
                if (av != 0f) axpy(av, b, p * m, c, i * m, m);
            }
        }
    }
}
