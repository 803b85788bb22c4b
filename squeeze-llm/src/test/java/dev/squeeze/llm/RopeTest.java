package dev.squeeze.llm;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.Rope;
import dev.squeeze.llm.model.RopeScaling;
import dev.squeeze.llm.model.RopeStyle;
import org.junit.jupiter.api.Test;

class RopeTest {

    @Test
    void llama3ScalingKeepsHighFrequenciesDividesLowOnesAndInterpolates() {
        RopeScaling s = new RopeScaling(8, 1, 4, 8192);
        // wavelength 2pi/f: < 8192/4 = 2048 kept; > 8192 divided by 8; between: smooth mix
        double high = 2 * Math.PI / 1000; // wavelength 1000
        double low = 2 * Math.PI / 20000; // wavelength 20000
        double mid = 2 * Math.PI / 4096; // wavelength 4096: smooth = (8192/4096 - 1) / (4 - 1) = 1/3
        assertEquals(high, s.scale(high), 1e-15);
        assertEquals(low / 8, s.scale(low), 1e-15);
        assertEquals((1 - 1.0 / 3) * mid / 8 + (1.0 / 3) * mid, s.scale(mid), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new RopeScaling(0.5f, 1, 4, 8192));
    }

    @Test
    void interleavedAndHalfRotateTheDocumentedPairs() {
        LlamaConfig c = new LlamaConfig(8, 8, 1, 1, 1, 4, 16, 4, 1e-5f, 10000f, RopeStyle.INTERLEAVED, null);
        float[] v = {1, 0, 1, 0};
        new Rope(c).rotate(v, 0, 1, 3);
        // pair 0 (dims 0,1) freq 1: angle 3; pair 1 (dims 2,3) freq 10000^(-2/4) = 0.01: angle 0.03
        assertEquals(Math.cos(3), v[0], 1e-6);
        assertEquals(Math.sin(3), v[1], 1e-6);
        assertEquals(Math.cos(0.03), v[2], 1e-6);
        assertEquals(Math.sin(0.03), v[3], 1e-6);
        LlamaConfig h = new LlamaConfig(8, 8, 1, 1, 1, 4, 16, 4, 1e-5f, 10000f, RopeStyle.HALF, null);
        float[] w = {1, 1, 0, 0};
        new Rope(h).rotate(w, 0, 1, 3);
        // pairs (0,2) and (1,3)
        assertEquals(Math.cos(3), w[0], 1e-6);
        assertEquals(Math.sin(3), w[2], 1e-6);
        assertEquals(Math.cos(0.03), w[1], 1e-6);
        assertEquals(Math.sin(0.03), w[3], 1e-6);
        // frequency divisors (GGUF rope_freqs): dividing pair 0's frequency by 3 gives angle 1 at position 3
        float[] u = {1, 0, 1, 0};
        new Rope(c, new float[] {3, 1}).rotate(u, 0, 1, 3);
        assertEquals(Math.cos(1), u[0], 1e-6);
        // positions past the table and rotateBy agree with the table
        float[] a = {0.3f, -0.2f, 0.5f, 0.7f}, b = a.clone();
        Rope r = new Rope(c);
        r.rotate(a, 0, 1, 5);
        r.rotateBy(b, 0, 5);
        assertArrayEquals(a, b, 1e-6f);
    }
}
