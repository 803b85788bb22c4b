package dev.squeeze.kv.api;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The model description a runtime hands to the presses. */
class ModelShapeTest {

    @Test
    void ropeFrequenciesFollowThetaScalingAndFactors() {
        // hd = 4: freq_i = 10000^(-2i/4) -> 1 and 0.01
        assertArrayEquals(
                new double[] {1, 0.01},
                RopeSpec.of(10000, RopeSpec.Style.INTERLEAVED).frequencies(4),
                1e-15);
        float[] factors = {2, 4};
        RopeSpec withFactors = new RopeSpec(10000, RopeSpec.Style.HALF, null, factors);
        factors[0] = 100; // the record copied them
        assertArrayEquals(new double[] {0.5, 0.0025}, withFactors.frequencies(4), 1e-15);
        withFactors.frequencyFactors()[0] = 7; // and hands out copies
        assertArrayEquals(new float[] {2, 4}, withFactors.frequencyFactors(), 0f);
        // Llama-3.1: wavelength 2 pi / 0.01 = 628 < 8192 / 4 is kept, 2 pi / 1e-4 = 62832 > 8192 is divided by 8
        RopeSpec.Scaling s = new RopeSpec.Scaling(8, 1, 4, 8192);
        assertEquals(0.01, s.scale(0.01), 1e-15);
        assertEquals(1e-4 / 8, s.scale(1e-4), 1e-18);
        assertThrows(
                IllegalArgumentException.class,
                () -> new RopeSpec(10000, RopeSpec.Style.HALF, null, new float[] {1, 0}));
        assertThrows(
                IllegalArgumentException.class,
                () -> RopeSpec.of(10000, RopeSpec.Style.HALF).frequencies(3));
    }

    @Test
    void rotationFromTheTableEqualsRotationOnTheFlyAndComposes() {
        RopeRotation r = new RopeRotation(RopeSpec.of(10000, RopeSpec.Style.HALF), 8, 16);
        float[] a = {0.3f, -0.2f, 0.5f, 0.7f, 1f, 0f, -1f, 0.25f}, b = a.clone(), c = a.clone();
        r.rotate(a, 0, 1, 9); // from the table
        r.rotateBy(b, 0, 9); // on the fly
        assertArrayEquals(a, b, 0f);
        r.rotateBy(c, 0, 4);
        r.rotateBy(c, 0, 5); // 4 then 5 = 9
        assertArrayEquals(a, c, 1e-6f);
        r.rotateBy(c, 0, -9); // and back
        assertArrayEquals(new float[] {0.3f, -0.2f, 0.5f, 0.7f, 1f, 0f, -1f, 0.25f}, c, 1e-6f);
    }

    @Test
    void shapeChecksItsNumbersAndAShapeAloneCannotProbe() {
        ModelShape s = new ModelShape(2, 8, 2, 16, 128, 100, RopeSpec.of(10000, RopeSpec.Style.INTERLEAVED));
        assertEquals(4, s.groupSize());
        assertEquals(128, s.qDim());
        assertEquals(32, s.kvDim());
        assertThrows(IllegalArgumentException.class, () -> new ModelShape(2, 8, 3, 16, 128, 100, s.rope()));
        assertThrows(IllegalArgumentException.class, () -> new ModelShape(2, 8, 2, 15, 128, 100, s.rope()));
        KvModel bare = KvModel.of(s);
        assertFalse(bare.canProbe());
        assertTrue(bare.textEncoder().isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> bare.probe(new int[] {1}, KvHook.NONE));
        assertSame(KvHook.NONE, Presses.create("none", s));
    }
}
