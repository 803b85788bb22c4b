package dev.squeeze.core.catalog;

import java.util.List;

/**
 * How catalog entries reach the {@link MethodCatalog}: one provider per method family SPI, listed in
 * {@code META-INF/services/dev.squeeze.core.catalog.MethodProvider}, lists the entries of every declaration that
 * ServiceLoader finds for its family (KV presses: {@code dev.squeeze.kv.api.PressCatalog}; text compressors, vision
 * methods likewise), so a method is declared once, by its family's factory. A module with a single method of no
 * family SPI (CacheGen) implements it directly.
 */
public interface MethodProvider {
    List<MethodInfo> methods();
}
