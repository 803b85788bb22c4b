package dev.squeeze.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * e^x lanewise from IEEE lanewise operations only (add, multiply, FMA, exact conversions, integer shifts), so it gives
 * the same bits in every JIT tier. {@code lanewise(EXP)} does not: C2 calls an intrinsic vector library on x86 while
 * the interpreter and C1 call {@link Math#exp} per lane, and the two differ in the last bit for about 1% of inputs
 * (measured on Temurin 25, AVX-512), which made attention softmax depend on whether its caller was compiled.
 *
 * <p>Method (the textbook range reduction): n = round(x log2 e), r = x - n ln 2 with ln 2 split in a high part of
 * 15 significant bits and a low part (Cody and Waite), each product inside an FMA, so |r| &lt;= ln 2 / 2 + a few ulps; e^r by its Taylor series
 * to degree 7 in Horner form (truncation error below 5e-9 relative on that interval, under 0.05 ulp); then times
 * 2^n built from the exponent bits, as 2^(n/2) 2^(n - n/2) so that results near the overflow and subnormal ends are
 * rounded once. x is clamped to [-104, 89] first: e^-104 is below half the smallest subnormal float (rounds to 0)
 * and e^89 overflows to infinity, as {@code (float) Math.exp} does; NaN stays NaN. Accuracy: within 2 ulps of
 * {@code (float) Math.exp} (tested).
 */
final class VectorExp {
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 = LN2_HI + LN2_LO (LN2_HI: 15 significant bits, the Cody-Waite split). */
    private static final float LN2_HI = 0.693145751953125f;

    private static final float LN2_LO = 1.42860682030941723212e-6f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUND = 0x1.8p23f;

    private static final float LO = -104f;
    private static final float HI = 89f;

    private VectorExp() {}

    static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(LO).min(HI); // NaN passes through both
        FloatVector n = c.mul(LOG2E).add(ROUND).sub(ROUND);
        FloatVector r = n.fma(x.broadcast(-LN2_HI), c);
        r = n.fma(x.broadcast(-LN2_LO), r);
        FloatVector p = r.fma(1f / 5040f, 1f / 720f);
        p = p.fma(r, x.broadcast(1f / 120f));
        p = p.fma(r, x.broadcast(1f / 24f));
        p = p.fma(r, x.broadcast(1f / 6f));
        p = p.fma(r, x.broadcast(0.5f));
        p = p.fma(r, x.broadcast(1f));
        p = p.fma(r, x.broadcast(1f));
        IntVector k = (IntVector) n.convert(VectorOperators.F2I, 0); // in [-150, 129]
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        return p.mul(pow2(k1)).mul(pow2(k.sub(k1)));
    }

    /** 2^k for k in [-126, 127], from the exponent bits. */
    private static FloatVector pow2(IntVector k) {
        return k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }
}
