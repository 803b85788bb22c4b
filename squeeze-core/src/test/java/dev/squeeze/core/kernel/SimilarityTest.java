package dev.squeeze.core.kernel;

import dev.squeeze.core.tensor.FloatMatrix;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SimilarityTest {
    private final Similarity sim = Similarity.fast();

    @Test
    void cosineOfHandPickedVectors() {
        FloatMatrix x = FloatMatrix.of(new float[][] {{1, 0}, {0, 2}, {3, 3}});
        FloatMatrix c = sim.cosineBlock(x);
        assertEquals(1f, c.get(0, 0), 1e-6f);
        assertEquals(0f, c.get(0, 1), 1e-6f);
        assertEquals((float) Math.sqrt(0.5), c.get(0, 2), 1e-6f);
        assertEquals((float) Math.sqrt(0.5), c.get(2, 1), 1e-6f);
    }

    @Test
    void squaredDistancesMatchDefinition() {
        FloatMatrix a = FloatMatrix.of(new float[][] {{0, 0}, {1, 1}});
        FloatMatrix b = FloatMatrix.of(new float[][] {{3, 4}});
        FloatMatrix d = sim.squaredDistances(a, b);
        assertEquals(25f, d.get(0, 0), 1e-5f);
        assertEquals(13f, d.get(1, 0), 1e-5f);
    }

    @Test
    void badInputsNameTheProblem() {
        FloatMatrix a = FloatMatrix.of(new float[][] {{1, 2}});
        FloatMatrix b = FloatMatrix.of(new float[][] {{1, 2, 3}});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sim.cosineBlock(a, b)).getMessage().contains("D=2"));
        FloatMatrix nan = FloatMatrix.of(new float[][] {{1, Float.NaN}});
        String msg = assertThrows(IllegalArgumentException.class, () -> sim.cosineBlock(nan)).getMessage();
        assertTrue(msg.contains("NaN") && msg.contains("column 1"), msg);
        FloatMatrix empty = new FloatMatrix(0, 4);
        assertThrows(IllegalArgumentException.class, () -> sim.cosineBlock(empty));
    }
}
