package dev.squeeze.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a float vector's lanes in one fixed order, whichever JIT tier runs it.
 *
 * <p>{@code reduceLanes(ADD)} leaves the order unspecified: the Vector API's Java fallback (the interpreter and C1)
 * adds lane 0, 1, 2, ... in sequence while C2's intrinsic adds halves, so one dot product could differ by an ulp
 * depending on whether its caller was compiled yet. Here the upper half is added lanewise to the lower half
 * (16 -> 8 -> 4 -> 2 -> 1 lanes, each step one constant {@code rearrange} and one {@code add}); lanewise adds round
 * the same in every tier, so the result is the same bits everywhere. It is also the order C2's intrinsic used on
 * AVX-512 (Temurin 25), so compiled results did not change. Species other than 64 to 512 bits add lanes in index
 * order.
 *
 * <p>Compiled for release 25 with the Vector API, like {@code VectorKernels}; only vector kernels call it.
 */
public final class LaneSums {
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> F128 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Float> F64 = FloatVector.SPECIES_64;

    // HALF_n_h: lane i takes lane (i + h) mod n, so v + v.rearrange(HALF_n_h) holds v[i] + v[i + h] in lanes i < h
    private static final VectorShuffle<Float> HALF_16_8 = rotation(F512, 8);
    private static final VectorShuffle<Float> HALF_16_4 = rotation(F512, 4);
    private static final VectorShuffle<Float> HALF_16_2 = rotation(F512, 2);
    private static final VectorShuffle<Float> HALF_16_1 = rotation(F512, 1);
    private static final VectorShuffle<Float> HALF_8_4 = rotation(F256, 4);
    private static final VectorShuffle<Float> HALF_8_2 = rotation(F256, 2);
    private static final VectorShuffle<Float> HALF_8_1 = rotation(F256, 1);
    private static final VectorShuffle<Float> HALF_4_2 = rotation(F128, 2);
    private static final VectorShuffle<Float> HALF_4_1 = rotation(F128, 1);
    private static final VectorShuffle<Float> HALF_2_1 = rotation(F64, 1);

    private static final VectorSpecies<Float> PREFERRED = FloatVector.SPECIES_PREFERRED;

    /**
     * For the hot dot kernels, with {@code SPECIES_PREFERRED} of 8 or 16 lanes: {@link #sum}'s folds written out at
     * the call site, {@code h = v.add(v.rearrange(FOLD_HALF))}, then {@code FOLD_QUARTER}, {@code FOLD_EIGHTH}, with
     * 16 lanes {@code FOLD_SIXTEENTH}, and lane 0 (the same bits as {@code sum(v)}). In a large kernel C2 may stop
     * inlining helper methods (its inlining node budget) and a vector passed to a method that is not inlined is
     * boxed on the heap: measured, a call of {@code sum} cost the Q4_0 row dot 20 % of its speed where the same
     * folds written out cost nothing. JDK Vector API calls are always inlined.
     */
    public static final VectorShuffle<Float> FOLD_HALF = rotation(PREFERRED, Math.max(1, PREFERRED.length() / 2));

    public static final VectorShuffle<Float> FOLD_QUARTER = rotation(PREFERRED, Math.max(1, PREFERRED.length() / 4));
    public static final VectorShuffle<Float> FOLD_EIGHTH = rotation(PREFERRED, Math.max(1, PREFERRED.length() / 8));
    public static final VectorShuffle<Float> FOLD_SIXTEENTH = rotation(PREFERRED, Math.max(1, PREFERRED.length() / 16));

    private LaneSums() {}

    /**
     * The lanes of v added pairwise by halves: with 16 lanes
     * {@code (((v0 + v8) + (v4 + v12)) + ((v2 + v10) + (v6 + v14))) + (((v1 + v9) + ...)}.
     */
    // Every method here stays under C2's MaxInlineSize (35 bytes of bytecode): a kernel calls sum once per dot, a
    // call site C2 may count as cold, and a vector passed to a method that is not inlined is boxed on the heap
    // (measured: a 149-byte form cost the Q4_0 row dot a third of its speed).
    public static float sum(FloatVector v) {
        return v.species() == F512 ? sum16(v) : narrower(v);
    }

    /**
     * {@link #sum}'s 16-lane order over 16 floats stored at {@code lanes[off ..]}: the same bits as {@code
     * sum(FloatVector.fromArray(SPECIES_512, lanes, off))}, in scalar adds, so a kernel that keeps vector
     * accumulators in an array sums them without passing a vector to a method C2 may not inline.
     */
    public static float sum16(float[] lanes, int off) {
        float h0 = lanes[off] + lanes[off + 8], h1 = lanes[off + 1] + lanes[off + 9];
        float h2 = lanes[off + 2] + lanes[off + 10], h3 = lanes[off + 3] + lanes[off + 11];
        float h4 = lanes[off + 4] + lanes[off + 12], h5 = lanes[off + 5] + lanes[off + 13];
        float h6 = lanes[off + 6] + lanes[off + 14], h7 = lanes[off + 7] + lanes[off + 15];
        return ((h0 + h4) + (h2 + h6)) + ((h1 + h5) + (h3 + h7));
    }

    private static float sum16(FloatVector v) {
        return fold(fold(fold(fold(v, HALF_16_8), HALF_16_4), HALF_16_2), HALF_16_1)
                .lane(0);
    }

    private static float narrower(FloatVector v) {
        return v.species() == F256 ? sum8(v) : narrowest(v);
    }

    private static float sum8(FloatVector v) {
        return fold(fold(fold(v, HALF_8_4), HALF_8_2), HALF_8_1).lane(0);
    }

    private static float narrowest(FloatVector v) {
        return v.species() == F128 ? fold(fold(v, HALF_4_2), HALF_4_1).lane(0) : other(v);
    }

    private static float other(FloatVector v) {
        return v.species() == F64 ? fold(v, HALF_2_1).lane(0) : inIndexOrder(v);
    }

    private static float inIndexOrder(FloatVector v) {
        float sum = v.lane(0);
        for (int i = 1; i < v.length(); i++) sum += v.lane(i);
        return sum;
    }

    private static FloatVector fold(FloatVector v, VectorShuffle<Float> half) {
        return v.add(v.rearrange(half));
    }

    private static VectorShuffle<Float> rotation(VectorSpecies<Float> s, int h) {
        return VectorShuffle.fromOp(s, i -> (i + h) % s.length());
    }
}
