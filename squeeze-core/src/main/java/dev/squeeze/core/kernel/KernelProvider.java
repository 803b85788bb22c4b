package dev.squeeze.core.kernel;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernel implementation once, at first use, and logs the choice once with its reason: INFO, or WARN
 * when the vector kernels should have run but failed to load or to pass their self-check.
 *
 * <p>squeeze-core runs on Java 17. Its Vector API kernels ({@code VectorKernels}) are compiled separately for
 * release {@value #VECTOR_RELEASE} with {@code jdk.incubator.vector} and are only ever loaded reflectively, so a
 * Java 17 or 21 JVM never touches them. They are used when all of these hold, otherwise the scalar reference is:
 * <ol>
 *   <li>the running JDK's feature version is at least {@value #VECTOR_RELEASE} (the incubator API changes between
 *       releases, so older JDKs could not link the class);</li>
 *   <li>the {@code jdk.incubator.vector} module is in the boot layer (the JVM was started with
 *       {@code --add-modules jdk.incubator.vector});</li>
 *   <li>the class loads and a small self-check against {@link ScalarKernels} passes.</li>
 * </ol>
 * Nothing is configured globally; the choice is read-only.
 */
public final class KernelProvider {
    private static final Logger LOG = LoggerFactory.getLogger(KernelProvider.class);

    /** The release squeeze-core's pom compiles {@code VectorKernels} for (its {@code vector-kernels} execution). */
    static final int VECTOR_RELEASE = 25;

    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String VECTOR_CLASS = "dev.squeeze.core.kernel.VectorKernels";

    private KernelProvider() {}

    /**
     * The outcome of the choice.
     *
     * @param kernels the kernels in use
     * @param vector  the vector kernels when they passed every check, else empty
     * @param reason  why: the JDK and module that enabled the vector kernels, or what ruled them out
     * @param failed  the vector kernels should have run here but did not load or failed the self-check
     */
    public record Selection(Kernels kernels, Optional<Kernels> vector, String reason, boolean failed) {
        Selection(Kernels kernels, Optional<Kernels> vector, String reason) {
            this(kernels, vector, reason, false);
        }
    }

    private static final class Holder {
        static final Selection SELECTED = logged(select(Runtime.version().feature(), vectorApiAvailable()));
    }

    /** The fastest kernels this JVM can run. */
    public static Kernels kernels() {
        return Holder.SELECTED.kernels();
    }

    /** What was chosen and why. */
    public static Selection selection() {
        return Holder.SELECTED;
    }

    /** The scalar reference kernels. */
    public static Kernels scalar() {
        return new ScalarKernels();
    }

    /** Whether the Vector API module is present in this JVM's boot layer. */
    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** The vectorised kernels, or empty when this JVM cannot run them (see the class comment). */
    public static Optional<Kernels> vector() {
        return Holder.SELECTED.vector();
    }

    /** The choice for a JVM of the given feature version, with or without the Vector API module. */
    static Selection select(int feature, boolean vectorModule) {
        if (feature < VECTOR_RELEASE) {
            return scalar("Java " + feature + " is older than the vector kernels' release " + VECTOR_RELEASE);
        }
        if (!vectorModule) {
            return scalar(VECTOR_MODULE + " is not in the boot layer (start the JVM with --add-modules " + VECTOR_MODULE
                    + " for the vectorised kernels)");
        }
        Kernels v;
        try {
            v = (Kernels) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return failed("the vector kernels could not be loaded (" + e + ")");
        }
        String mismatch = SelfCheck.against(new ScalarKernels(), v);
        if (mismatch != null) return failed("the vector kernels failed their self-check: " + mismatch);
        return new Selection(v, Optional.of(v), "Java " + feature + " with " + VECTOR_MODULE);
    }

    private static Selection scalar(String reason) {
        return new Selection(new ScalarKernels(), Optional.empty(), reason);
    }

    private static Selection failed(String reason) {
        return new Selection(new ScalarKernels(), Optional.empty(), reason, true);
    }

    private static Selection logged(Selection s) {
        if (s.failed()) LOG.warn("kernels: {} ({})", s.kernels().name(), s.reason());
        else LOG.info("kernels: {} ({})", s.kernels().name(), s.reason());
        return s;
    }

    /** A few small products in both implementations; the first disagreement beyond float rounding, or null. */
    static final class SelfCheck {
        private SelfCheck() {}

        static String against(Kernels ref, Kernels k) {
            // sizes cover a full vector, a ragged tail and (n >= 64, m >= 64) the packed dotBlock path
            int m = 70, d = 19;
            float[] a = new float[66 * d], b = new float[m * d];
            for (int i = 0; i < a.length; i++) a[i] = (float) Math.sin(0.37 * i);
            for (int i = 0; i < b.length; i++) b[i] = (float) Math.cos(0.11 * i);
            for (int n : new int[] {9, 66}) { // 9 rows: unpacked tiles; 66: packed (transposed) panels, full and narrow
                float[] c1 = new float[n * m], c2 = new float[n * m];
                ref.dotBlock(a, b, c1, n, m, d);
                k.dotBlock(a, b, c2, n, m, d);
                for (int i = 0; i < c1.length; i++) {
                    if (!close(c1[i], c2[i], d))
                        return "dotBlock (" + n + "x" + m + "x" + d + ") entry " + i + ": " + c2[i] + " vs " + c1[i];
                }
            }
            float r = ref.dot(a, 1, b, 2, 37), v = k.dot(a, 1, b, 2, 37);
            if (!close(r, v, 37)) return "dot (n = 37): " + v + " vs " + r;
            float[] y1 = b.clone(), y2 = b.clone();
            ref.axpy(0.5f, a, 0, y1, 3, 41);
            k.axpy(0.5f, a, 0, y2, 3, 41);
            for (int i = 0; i < y1.length; i++)
                if (!close(y1[i], y2[i], 1)) return "axpy (n = 41) at " + i + ": " + y2[i] + " vs " + y1[i];
            if (ref.max(a, 0, 43) != k.max(a, 0, 43))
                return "max (n = 43): " + k.max(a, 0, 43) + " vs " + ref.max(a, 0, 43);
            return null;
        }

        private static boolean close(float expected, float actual, int n) {
            return Math.abs(expected - actual)
                    <= 1e-5f * Math.max(1f, Math.abs(expected)) * Math.max(1f, (float) Math.sqrt(n));
        }
    }
}
