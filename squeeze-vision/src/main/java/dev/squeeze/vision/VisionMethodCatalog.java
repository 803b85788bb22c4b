package dev.squeeze.vision;

import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.catalog.MethodProvider;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** Brings every declared {@link VisionMethod}'s catalog entry into the method catalog (ServiceLoader). */
public final class VisionMethodCatalog implements MethodProvider {

    /** Every declared vision method, in services-file order. */
    public static List<VisionMethod> load() {
        return ServiceLoader.load(VisionMethod.class, VisionMethod.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .toList();
    }

    @Override
    public List<MethodInfo> methods() {
        return load().stream().map(VisionMethod::info).flatMap(Optional::stream).toList();
    }
}
