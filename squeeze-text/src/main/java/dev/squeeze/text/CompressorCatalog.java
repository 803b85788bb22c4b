package dev.squeeze.text;

import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.catalog.MethodProvider;
import java.util.List;

/** Brings every registered {@link CompressorFactory}'s catalog entry into the method catalog (ServiceLoader). */
public final class CompressorCatalog implements MethodProvider {
    @Override
    public List<MethodInfo> methods() {
        return CompressorRegistry.load().methods();
    }
}
