package dev.squeeze.kv.api;

import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.catalog.MethodProvider;
import java.util.List;
import java.util.Optional;

/** Brings every registered {@link PressFactory}'s catalog entry into the method catalog (ServiceLoader). */
public final class PressCatalog implements MethodProvider {
    @Override
    public List<MethodInfo> methods() {
        return Presses.available().values().stream()
                .map(PressFactory::info)
                .flatMap(Optional::stream)
                .toList();
    }
}
