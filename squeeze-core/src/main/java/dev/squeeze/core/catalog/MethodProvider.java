package dev.squeeze.core.catalog;

import java.util.List;

/**
 * Service interface through which each module contributes its methods to the catalog. Implementations
 * are listed in {@code META-INF/services/dev.squeeze.core.catalog.MethodProvider}.
 */
public interface MethodProvider {
    List<MethodInfo> methods();
}
