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

    private LaneSums() {}

    /**
     * The lanes of v added pairwise by halves: with 16 lanes
     * {@code (((v0 + v8) + (v4 + v12)) + ((v2 + v10) + (v6 + v14))) + (((v1 + v9) + ...)}.
     */
    public static float sum(FloatVector v) {
        VectorSpecies<Float> s = v.species();
        if (s == F512)
            return fold(fold(fold(fold(v, HALF_16_8), HALF_16_4), HALF_16_2), HALF_16_1)
                    .lane(0);
        if (s == F256) return fold(fold(fold(v, HALF_8_4), HALF_8_2), HALF_8_1).lane(0);
        if (s == F128) return fold(fold(v, HALF_4_2), HALF_4_1).lane(0);
        if (s == F64) return fold(v, HALF_2_1).lane(0);
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
