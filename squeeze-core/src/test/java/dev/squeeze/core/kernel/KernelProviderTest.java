package dev.squeeze.core.kernel;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** Which kernels the provider picks, and why, on this JVM and on JVMs it simulates. */
class KernelProviderTest {

    /**
     * The build says what each test run must get: {@code vector} for the JDK 25 run with jdk.incubator.vector,
     * {@code scalar} for the JDK 17 run (the {@code jdk17} profile), through the system property
     * {@code squeeze.expect.kernels}.
     */
    @Test
    void activeKernelsAreTheOnesThisBuildExpects() {
        String expected = System.getProperty("squeeze.expect.kernels");
        assumeTrue(expected != null, "squeeze.expect.kernels is set by the Maven build, not in an IDE run");
        KernelProvider.Selection s = KernelProvider.selection();
        if (expected.equals("vector")) {
            assertTrue(s.kernels().name().startsWith("vector-"), s.kernels().name() + ": " + s.reason());
            assertSame(s.kernels(), s.vector().orElseThrow());
        } else {
            assertEquals("scalar", expected, "squeeze.expect.kernels is 'vector' or 'scalar'");
            assertEquals("scalar", s.kernels().name(), s.reason());
            assertTrue(s.vector().isEmpty());
        }
        assertSame(s.kernels(), KernelProvider.kernels(), "chosen once");
    }

    @Test
    void olderJdksGetTheScalarKernelsWithTheReason() {
        KernelProvider.Selection s = KernelProvider.select(17, true);
        assertEquals("scalar", s.kernels().name());
        assertTrue(s.vector().isEmpty());
        assertEquals("Java 17 is older than the vector kernels' release 25", s.reason());
        assertFalse(s.failed(), "expected on an older JDK: not a failure");
        assertEquals("scalar", KernelProvider.select(24, true).kernels().name());
    }

    @Test
    void withoutTheModuleTheScalarKernelsRunAndTheReasonSaysHowToEnableIt() {
        KernelProvider.Selection s = KernelProvider.select(25, false);
        assertEquals("scalar", s.kernels().name());
        assertTrue(s.reason().contains("--add-modules jdk.incubator.vector"), s.reason());
    }

    @Test
    void aJdkThatCannotLinkTheVectorClassFallsBackInsteadOfFailing() {
        // Claiming release 25 with the module present: on JDK 25 + the module the vector kernels load and pass
        // their self-check; anywhere else loading them fails (class version, missing module) and scalar is used.
        KernelProvider.Selection s = KernelProvider.select(KernelProvider.VECTOR_RELEASE, true);
        if (Runtime.version().feature() >= KernelProvider.VECTOR_RELEASE && KernelProvider.vectorApiAvailable()) {
            assertTrue(s.kernels().name().startsWith("vector-"), s.reason());
        } else {
            assertEquals("scalar", s.kernels().name());
            assertTrue(s.reason().startsWith("the vector kernels could not be loaded"), s.reason());
            assertTrue(s.failed());
        }
    }

    @Test
    void theSelfCheckRejectsKernelsThatDisagreeWithTheReference() {
        Kernels scalar = new ScalarKernels();
        assertNull(KernelProvider.SelfCheck.against(scalar, new ScalarKernels()));
        Kernels offByOne = new Kernels() { // the reference, except every dot product is 1 too large
                    @Override
                    public String name() {
                        return "off-by-one";
                    }

                    @Override
                    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
                        return scalar.dot(a, aOff, b, bOff, n) + 1f;
                    }

                    @Override
                    public float sumOfSquares(float[] a, int off, int n) {
                        return scalar.sumOfSquares(a, off, n);
                    }

                    @Override
                    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
                        scalar.axpy(alpha, x, xOff, y, yOff, n);
                    }

                    @Override
                    public void scale(float[] a, int off, int n, float s) {
                        scalar.scale(a, off, n, s);
                    }

                    @Override
                    public float max(float[] a, int off, int n) {
                        return scalar.max(a, off, n);
                    }

                    @Override
                    public int argmax(float[] a, int off, int n) {
                        return scalar.argmax(a, off, n);
                    }

                    @Override
                    public void maxInto(float[] x, int xOff, float[] y, int yOff, int n) {
                        scalar.maxInto(x, xOff, y, yOff, n);
                    }

                    @Override
                    public int firstNonFinite(float[] a, int off, int n) {
                        return scalar.firstNonFinite(a, off, n);
                    }

                    @Override
                    public void gramColumns(float[] a, float[] c, int ldc, int d, int j0, int j1) {
                        scalar.gramColumns(a, c, ldc, d, j0, j1);
                    }

                    @Override
                    public void dotBlock(float[] a, float[] b, float[] c, int n, int m, int d) {
                        for (int i = 0; i < n; i++)
                            for (int j = 0; j < m; j++) c[i * m + j] = dot(a, i * d, b, j * d, d);
                    }
                };
        String why = KernelProvider.SelfCheck.against(scalar, offByOne);
        assertNotNull(why);
        assertTrue(why.startsWith("dotBlock"), why);
    }
}
