package dev.squeeze.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the incubating Vector API, using the platform's preferred float species (16 lanes with
 * AVX-512, 8 with AVX2). Only loaded when {@code jdk.incubator.vector} is in the boot layer; see
 * {@link KernelProvider}.
 *
 * <p>{@link #dotBlock} takes one of two register-tiled paths by shape. Blocks of at least {@code PACK_ROWS}
 * rows pack b once per product into per-thread k-major panels and run 4-row x 4-vector outer-product tiles
 * (16 FMAs per 4 broadcasts + 4 loads, no reductions). Smaller blocks (the runtime's 16-row prefill calls)
 * run 4 x 4 dot-product tiles straight from the rows (8 loads for 16 FMAs, 16 lane reductions per tile), so
 * nothing is copied or allocated per call. Products on weights packed once ({@link #pack}: {@code dotBlock} on
 * {@link PackedRows} and {@link #linear}) run 6-row x 4-vector tiles (24 accumulators), then 4- and 1-row tiles.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

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
        FloatVector v = acc0.add(acc1);
        float s;
        if (L == 8 || L == 16) { // LaneSums' order, written out (see LaneSums.FOLD_HALF)
            FloatVector h = v.add(v.rearrange(LaneSums.FOLD_HALF));
            h = h.add(h.rearrange(LaneSums.FOLD_QUARTER));
            h = h.add(h.rearrange(LaneSums.FOLD_EIGHTH));
            if (L == 16) h = h.add(h.rearrange(LaneSums.FOLD_SIXTEENTH));
            s = h.lane(0);
        } else {
            s = LaneSums.sum(v);
        }
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /**
     * Four tokens per pass over the row, each with {@link #dot}'s two accumulators and order of sums, so every result
     * equals dot's bits; a last pass of fewer tokens repeats its last token and writes only its own results.
     */
    @Override
    public void dots(
            float[] a, int aOff, float[] b, int bOff, int bStride, int T, float[] out, int oOff, int ldo, int n) {
        for (int t = 0; t < T; t += 4) {
            int count = Math.min(4, T - t), last = bOff + (T - 1) * bStride, b0 = bOff + t * bStride;
            dots4(
                    a,
                    aOff,
                    b,
                    b0,
                    Math.min(b0 + bStride, last),
                    Math.min(b0 + 2 * bStride, last),
                    Math.min(b0 + 3 * bStride, last),
                    out,
                    oOff + t * ldo,
                    ldo,
                    count,
                    n);
        }
    }

    private static void dots4(
            float[] a,
            int aOff,
            float[] b,
            int b0,
            int b1,
            int b2,
            int b3,
            float[] out,
            int o,
            int ldo,
            int count,
            int n) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector p0 = FloatVector.zero(S), p1 = p0, p2 = p0, p3 = p0, q0 = p0, q1 = p0, q2 = p0, q3 = p0;
        for (; i + L <= bound - L; i += 2 * L) {
            FloatVector u = FloatVector.fromArray(S, a, aOff + i), v = FloatVector.fromArray(S, a, aOff + i + L);
            p0 = u.fma(FloatVector.fromArray(S, b, b0 + i), p0);
            q0 = v.fma(FloatVector.fromArray(S, b, b0 + i + L), q0);
            p1 = u.fma(FloatVector.fromArray(S, b, b1 + i), p1);
            q1 = v.fma(FloatVector.fromArray(S, b, b1 + i + L), q1);
            p2 = u.fma(FloatVector.fromArray(S, b, b2 + i), p2);
            q2 = v.fma(FloatVector.fromArray(S, b, b2 + i + L), q2);
            p3 = u.fma(FloatVector.fromArray(S, b, b3 + i), p3);
            q3 = v.fma(FloatVector.fromArray(S, b, b3 + i + L), q3);
        }
        for (; i < bound; i += L) {
            FloatVector u = FloatVector.fromArray(S, a, aOff + i);
            p0 = u.fma(FloatVector.fromArray(S, b, b0 + i), p0);
            p1 = u.fma(FloatVector.fromArray(S, b, b1 + i), p1);
            p2 = u.fma(FloatVector.fromArray(S, b, b2 + i), p2);
            p3 = u.fma(FloatVector.fromArray(S, b, b3 + i), p3);
        }
        float s0, s1, s2, s3;
        if (L == 8 || L == 16) { // LaneSums' order written out, as in dot: a LaneSums.sum call here was not inlined
            FloatVector h0 = p0.add(q0), h1 = p1.add(q1), h2 = p2.add(q2), h3 = p3.add(q3);
            h0 = h0.add(h0.rearrange(LaneSums.FOLD_HALF));
            h1 = h1.add(h1.rearrange(LaneSums.FOLD_HALF));
            h2 = h2.add(h2.rearrange(LaneSums.FOLD_HALF));
            h3 = h3.add(h3.rearrange(LaneSums.FOLD_HALF));
            h0 = h0.add(h0.rearrange(LaneSums.FOLD_QUARTER));
            h1 = h1.add(h1.rearrange(LaneSums.FOLD_QUARTER));
            h2 = h2.add(h2.rearrange(LaneSums.FOLD_QUARTER));
            h3 = h3.add(h3.rearrange(LaneSums.FOLD_QUARTER));
            h0 = h0.add(h0.rearrange(LaneSums.FOLD_EIGHTH));
            h1 = h1.add(h1.rearrange(LaneSums.FOLD_EIGHTH));
            h2 = h2.add(h2.rearrange(LaneSums.FOLD_EIGHTH));
            h3 = h3.add(h3.rearrange(LaneSums.FOLD_EIGHTH));
            if (L == 16) {
                h0 = h0.add(h0.rearrange(LaneSums.FOLD_SIXTEENTH));
                h1 = h1.add(h1.rearrange(LaneSums.FOLD_SIXTEENTH));
                h2 = h2.add(h2.rearrange(LaneSums.FOLD_SIXTEENTH));
                h3 = h3.add(h3.rearrange(LaneSums.FOLD_SIXTEENTH));
            }
            s0 = h0.lane(0);
            s1 = h1.lane(0);
            s2 = h2.lane(0);
            s3 = h3.lane(0);
        } else {
            s0 = LaneSums.sum(p0.add(q0));
            s1 = LaneSums.sum(p1.add(q1));
            s2 = LaneSums.sum(p2.add(q2));
            s3 = LaneSums.sum(p3.add(q3));
        }
        for (; i < n; i++) {
            float w = a[aOff + i];
            s0 += w * b[b0 + i];
            s1 += w * b[b1 + i];
            s2 += w * b[b2 + i];
            s3 += w * b[b3 + i];
        }
        out[o] = s0;
        if (count > 1) out[o + ldo] = s1;
        if (count > 2) out[o + 2 * ldo] = s2;
        if (count > 3) out[o + 3 * ldo] = s3;
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

    /** The last partial vector is loaded masked, its missing lanes read as -infinity: no scalar tail. */
    @Override
    public float max(float[] a, int off, int n) {
        if (n <= 0) throw new IllegalArgumentException("max of an empty range (n = " + n + ")");
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < bound; i += L) acc = acc.max(FloatVector.fromArray(S, a, off + i));
        if (bound < n) {
            VectorMask<Float> tail = S.indexInRange(bound, n);
            acc = acc.max(FloatVector.fromArray(S, a, off + bound, tail).blend(Float.NEGATIVE_INFINITY, tail.not()));
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    @Override
    public void maxInto(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, y, yOff + i)
                    .max(FloatVector.fromArray(S, x, xOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = Math.max(y[yOff + i], x[xOff + i]);
    }

    /** The vectorised maximum, then the first lane equal to it; a NaN maximum falls back to the plain scan. */
    @Override
    public int argmax(float[] a, int off, int n) {
        float m = max(a, off, n);
        FloatVector vm = FloatVector.broadcast(S, m);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            VectorMask<Float> eq = FloatVector.fromArray(S, a, off + i).eq(vm);
            if (eq.anyTrue()) return i + eq.firstTrue();
        }
        for (; i < n; i++) if (a[off + i] == m) return i;
        int best = 0; // only reached when m is NaN
        for (i = 1; i < n; i++) if (a[off + i] > a[off + best]) best = i;
        return best;
    }

    /** x - x is 0 for a finite x and NaN otherwise: one sum flags the range, a plain scan finds the entry. */
    @Override
    public int firstNonFinite(float[] a, int off, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector acc0 = FloatVector.zero(S), acc1 = acc0;
        for (; i + L < bound; i += 2 * L) {
            FloatVector v = FloatVector.fromArray(S, a, off + i), w = FloatVector.fromArray(S, a, off + i + L);
            acc0 = acc0.add(v.sub(v));
            acc1 = acc1.add(w.sub(w));
        }
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, a, off + i);
            acc0 = acc0.add(v.sub(v));
        }
        int from = acc0.add(acc1).test(VectorOperators.IS_NAN).anyTrue() ? 0 : i;
        for (int j = from; j < n; j++) if (!Float.isFinite(a[off + j])) return j;
        return -1;
    }

    /**
     * Softmax with the exponential vectorised (lanewise EXP, an intrinsic on x86); max subtracted first. The last
     * partial vector runs masked (attention rows are short, so a scalar tail would cost as much as the vectors).
     */
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
        if (i < n) {
            VectorMask<Float> tail = S.indexInRange(i, n);
            FloatVector e = FloatVector.fromArray(S, a, off + i, tail)
                    .sub(vmx)
                    .lanewise(VectorOperators.EXP)
                    .blend(0f, tail.not());
            e.intoArray(a, off + i, tail);
            acc = acc.add(e);
        }
        scale(a, off, n, 1f / LaneSums.sum(acc));
    }

    /** Three vector passes over the row (sum; squared deviations; normalise with one FMA), as the scalar reference. */
    @Override
    public void layerNorm(float[] a, int off, int n, float[] gamma, float[] beta, float eps) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < bound; i += L) acc = acc.add(FloatVector.fromArray(S, a, off + i));
        float sum = LaneSums.sum(acc);
        for (; i < n; i++) sum += a[off + i];
        float mean = sum / n;
        FloatVector vm = FloatVector.broadcast(S, mean);
        acc = FloatVector.zero(S);
        for (i = 0; i < bound; i += L) {
            FloatVector t = FloatVector.fromArray(S, a, off + i).sub(vm);
            acc = t.fma(t, acc);
        }
        float sq = LaneSums.sum(acc);
        for (; i < n; i++) sq += (a[off + i] - mean) * (a[off + i] - mean);
        float inv = (float) (1.0 / Math.sqrt(sq / n + eps));
        for (i = 0; i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(S, gamma, i).mul(inv);
            FloatVector.fromArray(S, a, off + i)
                    .sub(vm)
                    .fma(g, FloatVector.fromArray(S, beta, i))
                    .intoArray(a, off + i);
        }
        for (; i < n; i++) a[off + i] = (a[off + i] - mean) * inv * gamma[i] + beta[i];
    }

    /** Output columns per packed panel: four vectors, so a 4-row tile keeps 16 accumulators in registers. */
    private static final int PW = 4 * L;
    /**
     * Deepest k-block packed at once: a (KC, PW) panel (96 KiB with AVX-512) stays in L2 while every row tile
     * of a streams past it; deeper rows are split into even blocks (d = 1024 -> 3 x 342) that accumulate into c.
     */
    private static final int KC = 384;
    /**
     * Rows of a from which b is packed. Packing a panel costs PW x d scalar copies, about as much as 16 rows'
     * worth of FMAs, so it pays from a few dozen rows on; below (the runtime's 16-row prefill blocks) the
     * unpacked 4 x 4 dot-product tiles run without any copy.
     */
    private static final int PACK_ROWS = 64;
    /** {@link #packed}'s {@code diag} for a product that needs every entry (not a Gram block). */
    private static final int ALL_ROWS = -1;
    /** One (KC, PW) panel per thread, reused by every packed product on that thread: no allocation per call. */
    private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[KC * PW]);

    @Override
    public void dotBlock(float[] a, float[] b, float[] c, int n, int m, int d) {
        dotBlock(a, 0, b, 0, c, 0, m, n, m, d);
    }

    @Override
    public void dotBlock(float[] a, int aRow, float[] b, int bRow, float[] c, int cOff, int ldc, int n, int m, int d) {
        if (n >= PACK_ROWS && m >= L) packed(a, aRow, b, bRow, c, cOff, ldc, n, m, d, ALL_ROWS);
        else reduceTiles(a, aRow, b, bRow, c, cOff, ldc, n, m, d);
    }

    /** The path {@link #dotBlock} takes for rows [0, j1) x columns [j0, j1), without the packed tiles wholly below the diagonal. */
    @Override
    public void gramColumns(float[] a, float[] c, int ldc, int d, int j0, int j1) {
        if (j1 >= PACK_ROWS && j1 - j0 >= L) packed(a, 0, a, j0, c, j0, ldc, j1, j1 - j0, d, j0);
        else reduceTiles(a, 0, a, j0, c, j0, ldc, j1, j1 - j0, d);
    }

    /** c (n x n) = a a^T: packed, only the panels' rows reaching the diagonal computed, then mirrored. */
    @Override
    public void gram(float[] a, float[] c, int n, int d) {
        if (n >= PACK_ROWS) {
            packed(a, 0, a, 0, c, 0, n, n, n, d, 0);
            for (int j0 = 0; j0 < n; j0 += PW) Symmetric.copyUpperToLower(c, n, j0, Math.min(n, j0 + PW));
        } else {
            reduceTiles(a, 0, a, 0, c, 0, n, n, n, d);
            Symmetric.copyUpperToLower(c, n, 0, n);
        }
    }

    /** 4 x 4 tiles of dot products, each reduced across lanes: for blocks too small to amortise packing. */
    private void reduceTiles(
            float[] a, int aRow, float[] b, int bRow, float[] c, int cOff, int ldc, int n, int m, int d) {
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int j = 0;
            for (; j + 4 <= m; j += 4) tile4x4(a, b, c, aRow + i, bRow + j, cOff + i * ldc + j, ldc, d);
            for (; j < m; j++) {
                for (int r = 0; r < 4; r++)
                    c[cOff + (i + r) * ldc + j] = dot(a, (aRow + i + r) * d, b, (bRow + j) * d, d);
            }
        }
        for (; i < n; i++) {
            for (int j = 0; j < m; j++) c[cOff + i * ldc + j] = dot(a, (aRow + i) * d, b, (bRow + j) * d, d);
        }
    }

    /**
     * c[cAt + r*ldc + s] = dot(a row ai+r, b row bj+s) for r, s < 4: 8 loads feed 16 FMAs per step over the full
     * vectors of d; the last partial vector is added by {@link #addTail4x4}. The tail lives in its own method because
     * with it inline C1 runs out of virtual registers compiling this one ("COMPILE SKIPPED: out of virtual registers
     * in LIR generator" on Temurin 25), which left it at tier 2 on the Vector API's boxed fallback and never reaching
     * C2.
     */
    private static void tile4x4(float[] a, float[] b, float[] c, int ai, int bj, int cAt, int ldc, int d) {
        int a0 = ai * d, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
        int b0 = bj * d, b1 = b0 + d, b2 = b1 + d, b3 = b2 + d;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int bound = S.loopBound(d);
        for (int k = 0; k < bound; k += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + k);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + k);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + k);
            FloatVector x3 = FloatVector.fromArray(S, a, a3 + k);
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + k);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + k);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + k);
            FloatVector y3 = FloatVector.fromArray(S, b, b3 + k);
            c00 = x0.fma(y0, c00);
            c10 = x1.fma(y0, c10);
            c20 = x2.fma(y0, c20);
            c30 = x3.fma(y0, c30);
            c01 = x0.fma(y1, c01);
            c11 = x1.fma(y1, c11);
            c21 = x2.fma(y1, c21);
            c31 = x3.fma(y1, c31);
            c02 = x0.fma(y2, c02);
            c12 = x1.fma(y2, c12);
            c22 = x2.fma(y2, c22);
            c32 = x3.fma(y2, c32);
            c03 = x0.fma(y3, c03);
            c13 = x1.fma(y3, c13);
            c23 = x2.fma(y3, c23);
            c33 = x3.fma(y3, c33);
        }
        if (L == 16) {
            // The 16 lane sums at once, in LaneSums' order: each stage adds lane pairs (i, i + h) of two vectors into
            // one (LO/HI select them, as in transpose16), h = 8 pairing rows r and r + 2, h = 4 rows r and r + 1,
            // h = 2 columns s and s + 2, h = 1 columns s and s + 1, so lane 4r + s ends with the sum of c_rs. JDK calls
            // only: C2 always inlines those, while 16 calls of a helper ran past its inlining node budget here.
            FloatVector lo = LO[3], hi = HI[3];
            FloatVector p00 = lo.selectFrom(c00, c20).add(hi.selectFrom(c00, c20));
            FloatVector p01 = lo.selectFrom(c01, c21).add(hi.selectFrom(c01, c21));
            FloatVector p02 = lo.selectFrom(c02, c22).add(hi.selectFrom(c02, c22));
            FloatVector p03 = lo.selectFrom(c03, c23).add(hi.selectFrom(c03, c23));
            FloatVector p10 = lo.selectFrom(c10, c30).add(hi.selectFrom(c10, c30));
            FloatVector p11 = lo.selectFrom(c11, c31).add(hi.selectFrom(c11, c31));
            FloatVector p12 = lo.selectFrom(c12, c32).add(hi.selectFrom(c12, c32));
            FloatVector p13 = lo.selectFrom(c13, c33).add(hi.selectFrom(c13, c33));
            lo = LO[2];
            hi = HI[2];
            FloatVector q0 = lo.selectFrom(p00, p10).add(hi.selectFrom(p00, p10));
            FloatVector q1 = lo.selectFrom(p01, p11).add(hi.selectFrom(p01, p11));
            FloatVector q2 = lo.selectFrom(p02, p12).add(hi.selectFrom(p02, p12));
            FloatVector q3 = lo.selectFrom(p03, p13).add(hi.selectFrom(p03, p13));
            lo = LO[1];
            hi = HI[1];
            FloatVector u0 = lo.selectFrom(q0, q2).add(hi.selectFrom(q0, q2));
            FloatVector u1 = lo.selectFrom(q1, q3).add(hi.selectFrom(q1, q3));
            FloatVector sums = LO[0].selectFrom(u0, u1).add(HI[0].selectFrom(u0, u1));
            // row r is lanes 4r..4r+3: stored from an offset 4r lanes before the row, only those lanes
            sums.intoArray(c, cAt, ROW_LANES[0]);
            sums.intoArray(c, cAt + ldc - 4, ROW_LANES[1]);
            sums.intoArray(c, cAt + 2 * ldc - 8, ROW_LANES[2]);
            sums.intoArray(c, cAt + 3 * ldc - 12, ROW_LANES[3]);
        } else {
            int r = cAt;
            c[r] = LaneSums.sum(c00);
            c[r + 1] = LaneSums.sum(c01);
            c[r + 2] = LaneSums.sum(c02);
            c[r + 3] = LaneSums.sum(c03);
            r += ldc;
            c[r] = LaneSums.sum(c10);
            c[r + 1] = LaneSums.sum(c11);
            c[r + 2] = LaneSums.sum(c12);
            c[r + 3] = LaneSums.sum(c13);
            r += ldc;
            c[r] = LaneSums.sum(c20);
            c[r + 1] = LaneSums.sum(c21);
            c[r + 2] = LaneSums.sum(c22);
            c[r + 3] = LaneSums.sum(c23);
            r += ldc;
            c[r] = LaneSums.sum(c30);
            c[r + 1] = LaneSums.sum(c31);
            c[r + 2] = LaneSums.sum(c32);
            c[r + 3] = LaneSums.sum(c33);
        }
        if (bound < d) addTail4x4(a, b, c, a0, b0, cAt, ldc, d, bound);
    }

    /** Adds the masked last partial vector [k, d) of each of the 4 x 4 dot products (zeros past d) to c. */
    private static void addTail4x4(float[] a, float[] b, float[] c, int a0, int b0, int cAt, int ldc, int d, int k) {
        VectorMask<Float> t = S.indexInRange(k, d);
        for (int r = 0; r < 4; r++) {
            FloatVector x = FloatVector.fromArray(S, a, a0 + r * d + k, t);
            int row = cAt + r * ldc;
            for (int s = 0; s < 4; s++) {
                c[row + s] += LaneSums.sum(x.mul(FloatVector.fromArray(S, b, b0 + s * d + k, t)));
            }
        }
    }

    private static final String PANELS = "panels-" + (4 * L);

    /**
     * Rows [0, mFull) become mFull / PW k-major panels (d, PW) laid end to end, the layout {@link #packed} builds
     * per k-block, here over the whole depth d once (a linear layer's weight, packed at load); the m % PW rows past
     * the last panel follow as plain rows.
     */
    @Override
    public PackedRows pack(float[] b, int bRow, int m, int d) {
        int mFull = m - m % PW;
        float[] out = new float[m * d];
        for (int j0 = 0; j0 < mFull; j0 += PW) {
            int base = j0 * d;
            for (int jj = 0; jj < PW; jj++) {
                int src = (bRow + j0 + jj) * d;
                for (int k = 0; k < d; k++) out[base + k * PW + jj] = b[src + k];
            }
        }
        System.arraycopy(b, (bRow + mFull) * d, out, mFull * d, (m - mFull) * d);
        return new PackedRows(out, m, d, PANELS);
    }

    @Override
    public void dotBlock(float[] a, int aRow, PackedRows b, float[] c, int cOff, int ldc, int n) {
        panels(a, aRow, b, NO_BIAS, PLAIN, c, cOff, ldc, n);
    }

    /** The packed product with the epilogue applied to each 4 x PW tile in registers (see {@link #put}). */
    @Override
    public void linear(
            float[] a, int aRow, PackedRows w, float[] bias, Epilogue epilogue, float[] c, int cOff, int ldc, int n) {
        if (bias.length != w.rows())
            throw new IllegalArgumentException("bias has " + bias.length + " entries for " + w.rows() + " rows");
        int mode = epilogue == Epilogue.BIAS_GELU ? GELU : epilogue == Epilogue.BIAS_RESIDUAL ? RESIDUAL : BIAS;
        panels(a, aRow, w, bias, mode, c, cOff, ldc, n);
    }

    /** Tile store modes of {@link #put}. */
    private static final int PLAIN = 0, BIAS = 1, GELU = 2, RESIDUAL = 3;

    private static final float[] NO_BIAS = new float[0];

    /** One 4 x PW output tile per thread: {@link #tile4}'s result before its epilogue. */
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[6 * PW]);

    /**
     * c = a b^T over the full depth of b's panels. With an epilogue each tile is written to a per-thread 4 x PW
     * scratch tile and then finished into c by {@link #finish} while both are in L1: the register tile itself stays
     * a plain store (the bias, GELU's exp call or the residual inside it make the JIT spill the 16 accumulators; that
     * measured slower than separate passes). The m % PW tail columns go through dot.
     */
    private void panels(
            float[] a, int aRow, PackedRows b, float[] bias, int mode, float[] c, int cOff, int ldc, int n) {
        float[] p = b.dataFor(PANELS);
        float[] tile = mode == PLAIN ? c : TILE.get();
        int m = b.rows(), d = b.width();
        int mFull = m - m % PW;
        for (int j0 = 0; j0 < mFull; j0 += PW) {
            int panel = j0 * d;
            int i = 0;
            for (; i + 6 <= n; i += 6) {
                int at = cOff + i * ldc + j0;
                if (mode == PLAIN) {
                    tile6(a, (aRow + i) * d, d, p, panel, d, c, at, ldc);
                } else {
                    tile6(a, (aRow + i) * d, d, p, panel, d, tile, 0, PW);
                    finish(tile, 6, c, at, ldc, bias, j0, mode);
                }
            }
            for (; i + 4 <= n; i += 4) {
                int at = cOff + i * ldc + j0;
                if (mode == PLAIN) {
                    tile4(a, (aRow + i) * d, d, p, panel, d, c, at, ldc, false);
                } else {
                    tile4(a, (aRow + i) * d, d, p, panel, d, tile, 0, PW, false);
                    finish(tile, 4, c, at, ldc, bias, j0, mode);
                }
            }
            for (; i < n; i++) {
                int at = cOff + i * ldc + j0;
                if (mode == PLAIN) {
                    tile1(a, (aRow + i) * d, p, panel, d, c, at, false);
                } else {
                    tile1(a, (aRow + i) * d, p, panel, d, tile, 0, false);
                    finish(tile, 1, c, at, ldc, bias, j0, mode);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = mFull; j < m; j++) {
                int at = cOff + i * ldc + j;
                float v = dot(a, (aRow + i) * d, p, j * d, d);
                if (mode == PLAIN) c[at] = v;
                else if (mode == GELU) c[at] = GeluErf.gelu(v + bias[j]);
                else if (mode == RESIDUAL) c[at] += v + bias[j];
                else c[at] = v + bias[j];
            }
        }
    }

    /**
     * The epilogue of one tile of {@code rows} x PW products t (row stride PW) into c at r (row stride ldc): v + bias
     * ({@link #BIAS}), its GELU ({@link #GELU}), or c + (v + bias) ({@link #RESIDUAL}: the product summed on its own
     * first, so the residual's magnitude does not round the small products).
     */
    private static void finish(float[] t, int rows, float[] c, int r, int ldc, float[] bias, int bo, int mode) {
        for (int row = 0; row < rows; row++) {
            int to = row * PW, co = r + row * ldc;
            for (int v = 0; v < PW; v += L) {
                FloatVector y = FloatVector.fromArray(S, t, to + v).add(FloatVector.fromArray(S, bias, bo + v));
                if (mode == GELU) y = gelu(y);
                else if (mode == RESIDUAL) y = y.add(FloatVector.fromArray(S, c, co + v));
                y.intoArray(c, co + v);
            }
        }
    }

    /**
     * c = a b, register-blocked: for each group of 4 rows of a and each chunk of up to 4 vectors of output columns,
     * the accumulators stay in registers while p runs over k (a broadcast of a[i][p], one load of b's row p per
     * vector, FMAs), so no row of c is reloaded. Every c[i][j] is the same fused sum over p in the same order as the
     * row-axpy reference, so the results are identical. Columns past the last full vector use that reference.
     */
    @Override
    public void matmul(float[] a, float[] b, float[] c, int n, int k, int m) {
        matmul(a, 0, k, b, 0, m, c, 0, m, n, k, m);
    }

    @Override
    public void matmul(
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            int n,
            int k,
            int m) {
        int mv = m - m % L;
        for (int j0 = 0; j0 < mv; j0 += PW) {
            int vecs = Math.min(4, (mv - j0) / L);
            int i = 0;
            if (vecs == 2) { // e.g. a 32-wide attention head with 16 lanes: 8 x 2 tiles, no FMAs on zero vectors
                for (; i + 8 <= n; i += 8)
                    matTile8x2(a, aOff + i * lda, lda, b, bOff + j0, ldb, c, cOff + i * ldc + j0, ldc, k);
            }
            for (; i + 4 <= n; i += 4)
                matTile4(a, aOff + i * lda, lda, b, bOff + j0, ldb, c, cOff + i * ldc + j0, ldc, vecs, k);
            for (; i < n; i++) matTile1(a, aOff + i * lda, b, bOff + j0, ldb, c, cOff + i * ldc + j0, vecs, k);
        }
        if (mv < m) {
            for (int i = 0; i < n; i++) {
                for (int j = mv; j < m; j++) {
                    float acc = 0f;
                    for (int p = 0; p < k; p++)
                        acc += a[aOff + i * lda + p] * b[bOff + p * ldb + j]; // the axpy tail's unfused step
                    c[cOff + i * ldc + j] = acc;
                }
            }
        }
    }

    /** Eight rows of a from a0 (stride lda) times two vectors of b's columns from b0 into c from c0: 16 accumulators. */
    private static void matTile8x2(
            float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0, int ldc, int k) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        for (int p = 0, bo = b0; p < k; p++, bo += ldb) {
            FloatVector y0 = FloatVector.fromArray(S, b, bo);
            FloatVector y1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = y0.fma(x, c00);
            c01 = y1.fma(x, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = y0.fma(x, c10);
            c11 = y1.fma(x, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = y0.fma(x, c20);
            c21 = y1.fma(x, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = y0.fma(x, c30);
            c31 = y1.fma(x, c31);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = y0.fma(x, c40);
            c41 = y1.fma(x, c41);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = y0.fma(x, c50);
            c51 = y1.fma(x, c51);
            x = FloatVector.broadcast(S, a[a6 + p]);
            c60 = y0.fma(x, c60);
            c61 = y1.fma(x, c61);
            x = FloatVector.broadcast(S, a[a7 + p]);
            c70 = y0.fma(x, c70);
            c71 = y1.fma(x, c71);
        }
        storeRow(c, c0, 2, c00, c01, z, z);
        storeRow(c, c0 + ldc, 2, c10, c11, z, z);
        storeRow(c, c0 + 2 * ldc, 2, c20, c21, z, z);
        storeRow(c, c0 + 3 * ldc, 2, c30, c31, z, z);
        storeRow(c, c0 + 4 * ldc, 2, c40, c41, z, z);
        storeRow(c, c0 + 5 * ldc, 2, c50, c51, z, z);
        storeRow(c, c0 + 6 * ldc, 2, c60, c61, z, z);
        storeRow(c, c0 + 7 * ldc, 2, c70, c71, z, z);
    }

    /** Rows a0, a0+lda, .. (4 of them) times b from b0 (row stride ldb) into c from c0 (row stride ldc), vecs (1..4) vectors wide. */
    private static void matTile4(
            float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0, int ldc, int vecs, int k) {
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        for (int p = 0, bo = b0; p < k; p++, bo += ldb) {
            FloatVector y0 = FloatVector.fromArray(S, b, bo);
            FloatVector y1 = vecs > 1 ? FloatVector.fromArray(S, b, bo + L) : z;
            FloatVector y2 = vecs > 2 ? FloatVector.fromArray(S, b, bo + 2 * L) : z;
            FloatVector y3 = vecs > 3 ? FloatVector.fromArray(S, b, bo + 3 * L) : z;
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = y0.fma(x, c00);
            c01 = y1.fma(x, c01);
            c02 = y2.fma(x, c02);
            c03 = y3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = y0.fma(x, c10);
            c11 = y1.fma(x, c11);
            c12 = y2.fma(x, c12);
            c13 = y3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = y0.fma(x, c20);
            c21 = y1.fma(x, c21);
            c22 = y2.fma(x, c22);
            c23 = y3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = y0.fma(x, c30);
            c31 = y1.fma(x, c31);
            c32 = y2.fma(x, c32);
            c33 = y3.fma(x, c33);
        }
        storeRow(c, c0, vecs, c00, c01, c02, c03);
        storeRow(c, c0 + ldc, vecs, c10, c11, c12, c13);
        storeRow(c, c0 + 2 * ldc, vecs, c20, c21, c22, c23);
        storeRow(c, c0 + 3 * ldc, vecs, c30, c31, c32, c33);
    }

    private static void matTile1(float[] a, int a0, float[] b, int b0, int ldb, float[] c, int at, int vecs, int k) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z;
        for (int p = 0, bo = b0; p < k; p++, bo += ldb) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c0 = FloatVector.fromArray(S, b, bo).fma(x, c0);
            if (vecs > 1) c1 = FloatVector.fromArray(S, b, bo + L).fma(x, c1);
            if (vecs > 2) c2 = FloatVector.fromArray(S, b, bo + 2 * L).fma(x, c2);
            if (vecs > 3) c3 = FloatVector.fromArray(S, b, bo + 3 * L).fma(x, c3);
        }
        storeRow(c, at, vecs, c0, c1, c2, c3);
    }

    private static void storeRow(
            float[] c, int at, int vecs, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        v0.intoArray(c, at);
        if (vecs > 1) v1.intoArray(c, at + L);
        if (vecs > 2) v2.intoArray(c, at + 2 * L);
        if (vecs > 3) v3.intoArray(c, at + 3 * L);
    }

    /** GELU with the A&amp;S 7.1.26 erf of {@link GeluErf}, lanewise EXP; same formula as the scalar reference. */
    @Override
    public void gelu(float[] a, int off, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) gelu(FloatVector.fromArray(S, a, off + i)).intoArray(a, off + i);
        for (; i < n; i++) a[off + i] = GeluErf.gelu(a[off + i]);
    }

    private static FloatVector gelu(FloatVector x) {
        FloatVector z = x.mul(GeluErf.INV_SQRT2);
        FloatVector t = FloatVector.broadcast(S, 1f).div(z.abs().fma(GeluErf.P, 1f));
        FloatVector poly = t.mul(GeluErf.A5)
                .add(GeluErf.A4)
                .mul(t)
                .add(GeluErf.A3)
                .mul(t)
                .add(GeluErf.A2)
                .mul(t)
                .add(GeluErf.A1)
                .mul(t);
        FloatVector q = poly.mul(z.mul(z).neg().lanewise(VectorOperators.EXP)); // erfc(|z|)
        FloatVector onePlusErf = FloatVector.broadcast(S, 2f).sub(q).blend(q, z.lt(0f));
        return x.mul(0.5f).mul(onePlusErf);
    }

    /**
     * GEMM-style: b's rows are packed once per product, PW columns and at most KC of the shared dimension at a
     * time, into a k-major panel that stays in L2; every 4-row tile of a then runs 16 FMAs per k on 4
     * broadcasts and 4 panel loads, with no horizontal reductions. A last panel narrower than PW runs 8-row x
     * 1-vector tiles (masked in its last vector). Each c entry is one k-ordered FMA chain, continued across
     * k-blocks, so c[i][j] and c[j][i] of a Gram block are bit-identical. With {@code diag} >= 0 (a Gram block: a == b
     * and b's row j is a's row diag + j) only entries on or above the diagonal (i <= diag + j) are needed: rows below
     * a panel's last column are skipped, and 4-row tiles that cross the diagonal skip their vectors wholly below it
     * (the caller mirrors or reads the upper part only). {@link #ALL_ROWS} computes every entry.
     */
    private static void packed(
            float[] a, int aRow, float[] b, int bRow, float[] c, int cOff, int ldc, int n, int m, int d, int diag) {
        float[] panel = PANEL.get();
        int kBlocks = (d + KC - 1) / KC;
        int kc = (d + kBlocks - 1) / kBlocks;
        for (int j0 = 0; j0 < m; j0 += PW) {
            int w = Math.min(PW, m - j0);
            int iEnd = diag >= 0 ? Math.min(n, diag + j0 + w) : n;
            for (int k0 = 0; k0 < d; k0 += kc) {
                int kn = Math.min(kc, d - k0);
                pack(b, bRow + j0, w, d, k0, kn, panel);
                boolean add = k0 > 0;
                if (w == PW) {
                    int i = 0;
                    for (; i + 4 <= iEnd; i += 4) {
                        // vectors of this panel wholly below the diagonal for all four rows (Gram blocks only)
                        int skip = diag >= 0 ? Math.max(0, i - diag - j0) / L : 0;
                        if (skip == 0) tile4(a, (aRow + i) * d + k0, d, panel, 0, kn, c, cOff + i * ldc + j0, ldc, add);
                        else
                            tile4Right(
                                    a,
                                    (aRow + i) * d + k0,
                                    d,
                                    panel,
                                    skip * L,
                                    kn,
                                    c,
                                    cOff + i * ldc + j0 + skip * L,
                                    ldc,
                                    add,
                                    4 - skip);
                    }
                    for (; i < iEnd; i++) tile1(a, (aRow + i) * d + k0, panel, 0, kn, c, cOff + i * ldc + j0, add);
                } else {
                    for (int v = 0; v < w; v += L) {
                        VectorMask<Float> cols = S.indexInRange(v, w);
                        int i = 0;
                        for (; i + 8 <= iEnd; i += 8)
                            tile8x1(
                                    a,
                                    (aRow + i) * d + k0,
                                    d,
                                    panel,
                                    v,
                                    kn,
                                    c,
                                    cOff + i * ldc + j0 + v,
                                    ldc,
                                    add,
                                    cols);
                        for (; i < iEnd; i++)
                            tile1x1(a, (aRow + i) * d + k0, panel, v, kn, c, cOff + i * ldc + j0 + v, add, cols);
                    }
                }
            }
        }
    }

    /**
     * panel[k*PW + jj] = b[(row0+jj)*d + k0+k] for jj < w, k < kn; columns from w up to the next whole vector
     * are zeroed so the narrow tiles can load whole vectors.
     */
    private static void pack(float[] b, int row0, int w, int d, int k0, int kn, float[] panel) {
        int jv = 0;
        if (L == 16) { // 16 x 16 blocks transposed in registers: the scalar copy writes across the whole panel per row
            jv = w - w % 16;
            int kv = kn - kn % 16;
            for (int j = 0; j < jv; j += 16) {
                for (int k = 0; k < kv; k += 16) transpose16(b, (row0 + j) * d + k0 + k, d, panel, k * PW + j);
            }
            if (kv < kn) {
                for (int jj = 0; jj < jv; jj++) {
                    int src = (row0 + jj) * d + k0;
                    for (int k = kv, p = kv * PW + jj; k < kn; k++, p += PW) panel[p] = b[src + k];
                }
            }
        }
        for (int jj = jv; jj < w; jj++) {
            int src = (row0 + jj) * d + k0;
            for (int k = 0, p = jj; k < kn; k++, p += PW) panel[p] = b[src + k];
        }
        int padTo = Math.min(PW, (w + L - 1) / L * L);
        for (int jj = w; jj < padTo; jj++) {
            for (int k = 0, p = jj; k < kn; k++, p += PW) panel[p] = 0f;
        }
    }

    /**
     * Lane selections for {@link #transpose16}, stage s = 0..3 (h = 2^s): with rows p and q = p + h of a 16 x 16 block,
     * lo picks p[j] where bit s of j is clear and q[j - h] where it is set; hi picks p[j + h] and q[j]. Each stage
     * swaps bit s of the row index with bit s of the lane index; after four the block is transposed. Indices into
     * the pair (p, q) as {@link FloatVector#selectFrom(jdk.incubator.vector.Vector, jdk.incubator.vector.Vector)} reads it: 0..15 in p, 16..31 in q.
     */
    private static final FloatVector[] LO = selections(true), HI = selections(false);

    /** With 16 lanes: lanes 4r..4r+3, row r's four sums in {@link #tile4x4}. */
    @SuppressWarnings("unchecked")
    private static final VectorMask<Float>[] ROW_LANES = new VectorMask[] {
        VectorMask.fromLong(S, 0xFL),
        VectorMask.fromLong(S, 0xF0L),
        VectorMask.fromLong(S, 0xF00L),
        VectorMask.fromLong(S, 0xF000L)
    };

    private static FloatVector[] selections(boolean lo) {
        if (L != 16) return new FloatVector[0];
        FloatVector[] out = new FloatVector[4];
        for (int st = 0; st < 4; st++) {
            int h = 1 << st;
            float[] idx = new float[16];
            for (int j = 0; j < 16; j++) {
                boolean set = (j & h) != 0;
                idx[j] = lo ? (set ? 16 + j - h : j) : (set ? 16 + j : j + h);
            }
            out[st] = FloatVector.fromArray(S, idx, 0);
        }
        return out;
    }

    /**
     * panel[p + k*PW + jj] = b[src + jj*d + k] for jj, k < 16: sixteen row loads, four stages of sixteen two-vector
     * lane selections, sixteen contiguous stores (16 lanes only).
     */
    private static void transpose16(float[] b, int src, int d, float[] panel, int p) {
        FloatVector r0 = FloatVector.fromArray(S, b, src), r1 = FloatVector.fromArray(S, b, src + d);
        FloatVector r2 = FloatVector.fromArray(S, b, src + 2 * d), r3 = FloatVector.fromArray(S, b, src + 3 * d);
        FloatVector r4 = FloatVector.fromArray(S, b, src + 4 * d), r5 = FloatVector.fromArray(S, b, src + 5 * d);
        FloatVector r6 = FloatVector.fromArray(S, b, src + 6 * d), r7 = FloatVector.fromArray(S, b, src + 7 * d);
        FloatVector r8 = FloatVector.fromArray(S, b, src + 8 * d), r9 = FloatVector.fromArray(S, b, src + 9 * d);
        FloatVector ra = FloatVector.fromArray(S, b, src + 10 * d), rb = FloatVector.fromArray(S, b, src + 11 * d);
        FloatVector rc = FloatVector.fromArray(S, b, src + 12 * d), rd = FloatVector.fromArray(S, b, src + 13 * d);
        FloatVector re = FloatVector.fromArray(S, b, src + 14 * d), rf = FloatVector.fromArray(S, b, src + 15 * d);
        FloatVector lo = LO[0], hi = HI[0], t;
        t = lo.selectFrom(r0, r1);
        r1 = hi.selectFrom(r0, r1);
        r0 = t;
        t = lo.selectFrom(r2, r3);
        r3 = hi.selectFrom(r2, r3);
        r2 = t;
        t = lo.selectFrom(r4, r5);
        r5 = hi.selectFrom(r4, r5);
        r4 = t;
        t = lo.selectFrom(r6, r7);
        r7 = hi.selectFrom(r6, r7);
        r6 = t;
        t = lo.selectFrom(r8, r9);
        r9 = hi.selectFrom(r8, r9);
        r8 = t;
        t = lo.selectFrom(ra, rb);
        rb = hi.selectFrom(ra, rb);
        ra = t;
        t = lo.selectFrom(rc, rd);
        rd = hi.selectFrom(rc, rd);
        rc = t;
        t = lo.selectFrom(re, rf);
        rf = hi.selectFrom(re, rf);
        re = t;
        lo = LO[1];
        hi = HI[1];
        t = lo.selectFrom(r0, r2);
        r2 = hi.selectFrom(r0, r2);
        r0 = t;
        t = lo.selectFrom(r1, r3);
        r3 = hi.selectFrom(r1, r3);
        r1 = t;
        t = lo.selectFrom(r4, r6);
        r6 = hi.selectFrom(r4, r6);
        r4 = t;
        t = lo.selectFrom(r5, r7);
        r7 = hi.selectFrom(r5, r7);
        r5 = t;
        t = lo.selectFrom(r8, ra);
        ra = hi.selectFrom(r8, ra);
        r8 = t;
        t = lo.selectFrom(r9, rb);
        rb = hi.selectFrom(r9, rb);
        r9 = t;
        t = lo.selectFrom(rc, re);
        re = hi.selectFrom(rc, re);
        rc = t;
        t = lo.selectFrom(rd, rf);
        rf = hi.selectFrom(rd, rf);
        rd = t;
        lo = LO[2];
        hi = HI[2];
        t = lo.selectFrom(r0, r4);
        r4 = hi.selectFrom(r0, r4);
        r0 = t;
        t = lo.selectFrom(r1, r5);
        r5 = hi.selectFrom(r1, r5);
        r1 = t;
        t = lo.selectFrom(r2, r6);
        r6 = hi.selectFrom(r2, r6);
        r2 = t;
        t = lo.selectFrom(r3, r7);
        r7 = hi.selectFrom(r3, r7);
        r3 = t;
        t = lo.selectFrom(r8, rc);
        rc = hi.selectFrom(r8, rc);
        r8 = t;
        t = lo.selectFrom(r9, rd);
        rd = hi.selectFrom(r9, rd);
        r9 = t;
        t = lo.selectFrom(ra, re);
        re = hi.selectFrom(ra, re);
        ra = t;
        t = lo.selectFrom(rb, rf);
        rf = hi.selectFrom(rb, rf);
        rb = t;
        lo = LO[3];
        hi = HI[3];
        t = lo.selectFrom(r0, r8);
        r8 = hi.selectFrom(r0, r8);
        r0 = t;
        t = lo.selectFrom(r1, r9);
        r9 = hi.selectFrom(r1, r9);
        r1 = t;
        t = lo.selectFrom(r2, ra);
        ra = hi.selectFrom(r2, ra);
        r2 = t;
        t = lo.selectFrom(r3, rb);
        rb = hi.selectFrom(r3, rb);
        r3 = t;
        t = lo.selectFrom(r4, rc);
        rc = hi.selectFrom(r4, rc);
        r4 = t;
        t = lo.selectFrom(r5, rd);
        rd = hi.selectFrom(r5, rd);
        r5 = t;
        t = lo.selectFrom(r6, re);
        re = hi.selectFrom(r6, re);
        r6 = t;
        t = lo.selectFrom(r7, rf);
        rf = hi.selectFrom(r7, rf);
        r7 = t;
        r0.intoArray(panel, p);
        r1.intoArray(panel, p + PW);
        r2.intoArray(panel, p + 2 * PW);
        r3.intoArray(panel, p + 3 * PW);
        r4.intoArray(panel, p + 4 * PW);
        r5.intoArray(panel, p + 5 * PW);
        r6.intoArray(panel, p + 6 * PW);
        r7.intoArray(panel, p + 7 * PW);
        r8.intoArray(panel, p + 8 * PW);
        r9.intoArray(panel, p + 9 * PW);
        ra.intoArray(panel, p + 10 * PW);
        rb.intoArray(panel, p + 11 * PW);
        rc.intoArray(panel, p + 12 * PW);
        rd.intoArray(panel, p + 13 * PW);
        re.intoArray(panel, p + 14 * PW);
        rf.intoArray(panel, p + 15 * PW);
    }

    private static FloatVector start(float[] c, int off, boolean add) {
        return add ? FloatVector.fromArray(S, c, off) : FloatVector.zero(S);
    }

    /** Rows at a0, a0+d, a0+2d, a0+3d (kn values each) against one full panel starting at p0; 4 rows of PW outputs at c[r], c[r+ldc], ... */
    private static void tile4(
            float[] a, int a0, int d, float[] panel, int p0, int kn, float[] c, int r, int ldc, boolean add) {
        int a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
        int r1 = r + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        FloatVector c00 = start(c, r, add),
                c01 = start(c, r + L, add),
                c02 = start(c, r + 2 * L, add),
                c03 = start(c, r + 3 * L, add);
        FloatVector c10 = start(c, r1, add),
                c11 = start(c, r1 + L, add),
                c12 = start(c, r1 + 2 * L, add),
                c13 = start(c, r1 + 3 * L, add);
        FloatVector c20 = start(c, r2, add),
                c21 = start(c, r2 + L, add),
                c22 = start(c, r2 + 2 * L, add),
                c23 = start(c, r2 + 3 * L, add);
        FloatVector c30 = start(c, r3, add),
                c31 = start(c, r3 + L, add),
                c32 = start(c, r3 + 2 * L, add),
                c33 = start(c, r3 + 3 * L, add);
        for (int k = 0, p = p0; k < kn; k++, p += PW) {
            FloatVector y0 = FloatVector.fromArray(S, panel, p);
            FloatVector y1 = FloatVector.fromArray(S, panel, p + L);
            FloatVector y2 = FloatVector.fromArray(S, panel, p + 2 * L);
            FloatVector y3 = FloatVector.fromArray(S, panel, p + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c00 = y0.fma(x, c00);
            c01 = y1.fma(x, c01);
            c02 = y2.fma(x, c02);
            c03 = y3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c10 = y0.fma(x, c10);
            c11 = y1.fma(x, c11);
            c12 = y2.fma(x, c12);
            c13 = y3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c20 = y0.fma(x, c20);
            c21 = y1.fma(x, c21);
            c22 = y2.fma(x, c22);
            c23 = y3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c30 = y0.fma(x, c30);
            c31 = y1.fma(x, c31);
            c32 = y2.fma(x, c32);
            c33 = y3.fma(x, c33);
        }
        c00.intoArray(c, r);
        c01.intoArray(c, r + L);
        c02.intoArray(c, r + 2 * L);
        c03.intoArray(c, r + 3 * L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c12.intoArray(c, r1 + 2 * L);
        c13.intoArray(c, r1 + 3 * L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c22.intoArray(c, r2 + 2 * L);
        c23.intoArray(c, r2 + 3 * L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c32.intoArray(c, r3 + 2 * L);
        c33.intoArray(c, r3 + 3 * L);
    }

    /** {@link #tile4} on six rows (24 accumulators): each panel vector loaded serves six rows instead of four. */
    private static void tile6(float[] a, int a0, int d, float[] panel, int p0, int kn, float[] c, int r, int ldc) {
        int a1 = a0 + d, a2 = a1 + d, a3 = a2 + d, a4 = a3 + d, a5 = a4 + d;
        int r0 = r, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        for (int k = 0, p = p0; k < kn; k++, p += PW) {
            FloatVector y0 = FloatVector.fromArray(S, panel, p);
            FloatVector y1 = FloatVector.fromArray(S, panel, p + L);
            FloatVector y2 = FloatVector.fromArray(S, panel, p + 2 * L);
            FloatVector y3 = FloatVector.fromArray(S, panel, p + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c00 = y0.fma(x, c00);
            c01 = y1.fma(x, c01);
            c02 = y2.fma(x, c02);
            c03 = y3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c10 = y0.fma(x, c10);
            c11 = y1.fma(x, c11);
            c12 = y2.fma(x, c12);
            c13 = y3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c20 = y0.fma(x, c20);
            c21 = y1.fma(x, c21);
            c22 = y2.fma(x, c22);
            c23 = y3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c30 = y0.fma(x, c30);
            c31 = y1.fma(x, c31);
            c32 = y2.fma(x, c32);
            c33 = y3.fma(x, c33);
            x = FloatVector.broadcast(S, a[a4 + k]);
            c40 = y0.fma(x, c40);
            c41 = y1.fma(x, c41);
            c42 = y2.fma(x, c42);
            c43 = y3.fma(x, c43);
            x = FloatVector.broadcast(S, a[a5 + k]);
            c50 = y0.fma(x, c50);
            c51 = y1.fma(x, c51);
            c52 = y2.fma(x, c52);
            c53 = y3.fma(x, c53);
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + L);
        c02.intoArray(c, r0 + 2 * L);
        c03.intoArray(c, r0 + 3 * L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c12.intoArray(c, r1 + 2 * L);
        c13.intoArray(c, r1 + 3 * L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c22.intoArray(c, r2 + 2 * L);
        c23.intoArray(c, r2 + 3 * L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c32.intoArray(c, r3 + 2 * L);
        c33.intoArray(c, r3 + 3 * L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c42.intoArray(c, r4 + 2 * L);
        c43.intoArray(c, r4 + 3 * L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
        c52.intoArray(c, r5 + 2 * L);
        c53.intoArray(c, r5 + 3 * L);
    }

    /**
     * {@link #tile4} on the panel's last {@code vecs} vectors only (1 to 3), starting at panel column p0: the same
     * FMA chain per entry, for Gram tiles whose first vectors lie below the diagonal.
     */
    private static void tile4Right(
            float[] a, int a0, int d, float[] panel, int p0, int kn, float[] c, int r, int ldc, boolean add, int vecs) {
        int a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
        int r1 = r + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        boolean v1 = vecs > 1, v2 = vecs > 2;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = start(c, r, add),
                c01 = v1 ? start(c, r + L, add) : z,
                c02 = v2 ? start(c, r + 2 * L, add) : z;
        FloatVector c10 = start(c, r1, add),
                c11 = v1 ? start(c, r1 + L, add) : z,
                c12 = v2 ? start(c, r1 + 2 * L, add) : z;
        FloatVector c20 = start(c, r2, add),
                c21 = v1 ? start(c, r2 + L, add) : z,
                c22 = v2 ? start(c, r2 + 2 * L, add) : z;
        FloatVector c30 = start(c, r3, add),
                c31 = v1 ? start(c, r3 + L, add) : z,
                c32 = v2 ? start(c, r3 + 2 * L, add) : z;
        for (int k = 0, p = p0; k < kn; k++, p += PW) {
            FloatVector y0 = FloatVector.fromArray(S, panel, p);
            FloatVector y1 = v1 ? FloatVector.fromArray(S, panel, p + L) : z;
            FloatVector y2 = v2 ? FloatVector.fromArray(S, panel, p + 2 * L) : z;
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c00 = y0.fma(x, c00);
            c01 = y1.fma(x, c01);
            c02 = y2.fma(x, c02);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c10 = y0.fma(x, c10);
            c11 = y1.fma(x, c11);
            c12 = y2.fma(x, c12);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c20 = y0.fma(x, c20);
            c21 = y1.fma(x, c21);
            c22 = y2.fma(x, c22);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c30 = y0.fma(x, c30);
            c31 = y1.fma(x, c31);
            c32 = y2.fma(x, c32);
        }
        storeRow(c, r, vecs, c00, c01, c02, z);
        storeRow(c, r1, vecs, c10, c11, c12, z);
        storeRow(c, r2, vecs, c20, c21, c22, z);
        storeRow(c, r3, vecs, c30, c31, c32, z);
    }

    /** One row against one full panel (the rows left over by {@link #tile4}). */
    private static void tile1(float[] a, int a0, float[] panel, int p0, int kn, float[] c, int r, boolean add) {
        FloatVector c0 = start(c, r, add),
                c1 = start(c, r + L, add),
                c2 = start(c, r + 2 * L, add),
                c3 = start(c, r + 3 * L, add);
        for (int k = 0, p = p0; k < kn; k++, p += PW) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c0 = FloatVector.fromArray(S, panel, p).fma(x, c0);
            c1 = FloatVector.fromArray(S, panel, p + L).fma(x, c1);
            c2 = FloatVector.fromArray(S, panel, p + 2 * L).fma(x, c2);
            c3 = FloatVector.fromArray(S, panel, p + 3 * L).fma(x, c3);
        }
        c0.intoArray(c, r);
        c1.intoArray(c, r + L);
        c2.intoArray(c, r + 2 * L);
        c3.intoArray(c, r + 3 * L);
    }

    private static FloatVector start(float[] c, int off, boolean add, VectorMask<Float> cols) {
        return add ? FloatVector.fromArray(S, c, off, cols) : FloatVector.zero(S);
    }

    /**
     * Eight rows against the panel's vector column v (8 independent FMA chains hide the FMA latency); only
     * the columns in {@code cols} are read from and written to c.
     */
    private static void tile8x1(
            float[] a,
            int a0,
            int d,
            float[] panel,
            int v,
            int kn,
            float[] c,
            int r,
            int ldc,
            boolean add,
            VectorMask<Float> cols) {
        int a1 = a0 + d, a2 = a1 + d, a3 = a2 + d, a4 = a3 + d, a5 = a4 + d, a6 = a5 + d, a7 = a6 + d;
        FloatVector c0 = start(c, r, add, cols),
                c1 = start(c, r + ldc, add, cols),
                c2 = start(c, r + 2 * ldc, add, cols),
                c3 = start(c, r + 3 * ldc, add, cols),
                c4 = start(c, r + 4 * ldc, add, cols),
                c5 = start(c, r + 5 * ldc, add, cols),
                c6 = start(c, r + 6 * ldc, add, cols),
                c7 = start(c, r + 7 * ldc, add, cols);
        for (int k = 0, p = v; k < kn; k++, p += PW) {
            FloatVector y = FloatVector.fromArray(S, panel, p);
            c0 = y.fma(FloatVector.broadcast(S, a[a0 + k]), c0);
            c1 = y.fma(FloatVector.broadcast(S, a[a1 + k]), c1);
            c2 = y.fma(FloatVector.broadcast(S, a[a2 + k]), c2);
            c3 = y.fma(FloatVector.broadcast(S, a[a3 + k]), c3);
            c4 = y.fma(FloatVector.broadcast(S, a[a4 + k]), c4);
            c5 = y.fma(FloatVector.broadcast(S, a[a5 + k]), c5);
            c6 = y.fma(FloatVector.broadcast(S, a[a6 + k]), c6);
            c7 = y.fma(FloatVector.broadcast(S, a[a7 + k]), c7);
        }
        c0.intoArray(c, r, cols);
        c1.intoArray(c, r + ldc, cols);
        c2.intoArray(c, r + 2 * ldc, cols);
        c3.intoArray(c, r + 3 * ldc, cols);
        c4.intoArray(c, r + 4 * ldc, cols);
        c5.intoArray(c, r + 5 * ldc, cols);
        c6.intoArray(c, r + 6 * ldc, cols);
        c7.intoArray(c, r + 7 * ldc, cols);
    }

    private static void tile1x1(
            float[] a, int a0, float[] panel, int v, int kn, float[] c, int r, boolean add, VectorMask<Float> cols) {
        FloatVector acc = start(c, r, add, cols);
        for (int k = 0, p = v; k < kn; k++, p += PW) {
            acc = FloatVector.fromArray(S, panel, p).fma(FloatVector.broadcast(S, a[a0 + k]), acc);
        }
        acc.intoArray(c, r, cols);
    }
}
