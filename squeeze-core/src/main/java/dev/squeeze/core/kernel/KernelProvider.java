package dev.squeeze.core.kernel;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernel implementation once, at first use: the Vector API one when the
 * {@code jdk.incubator.vector} module is in the boot layer (run with
 * {@code --add-modules jdk.incubator.vector}), otherwise the scalar reference, with a logged warning
 * saying how to enable the fast path. Nothing is configured globally; the choice is read-only.
 */
public final class KernelProvider {
    private static final Logger LOG = LoggerFactory.getLogger(KernelProvider.class);

    private KernelProvider() {}

    private static final class Holder {
        static final Kernels INSTANCE = choose();
    }

    /** The fastest kernels this JVM can run. */
    public static Kernels kernels() { return Holder.INSTANCE; }

    /** The scalar reference kernels. */
    public static Kernels scalar() { return new ScalarKernels(); }

    /** Whether the Vector API module is present in this JVM's boot layer. */
    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The vectorised kernels, or empty when the Vector API is absent. */
    public static java.util.Optional<Kernels> vector() {
        if (!vectorApiAvailable()) return java.util.Optional.empty();
        try {
            return java.util.Optional.of(new VectorKernels());
        } catch (LinkageError e) {
            LOG.warn("jdk.incubator.vector is present but could not be used ({}); using scalar kernels", e.toString());
            return java.util.Optional.empty();
        }
    }

    private static Kernels choose() {
        Kernels k = vector().orElse(null);
        if (k == null) {
            LOG.warn("jdk.incubator.vector is not enabled; using scalar kernels "
                    + "(start the JVM with --add-modules jdk.incubator.vector for the vectorised ones)");
            return new ScalarKernels();
        }
        LOG.debug("using {} kernels", k.name());
        return k;
    }
}
