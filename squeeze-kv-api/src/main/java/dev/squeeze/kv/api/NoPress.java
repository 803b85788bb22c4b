package dev.squeeze.kv.api;

import dev.squeeze.core.catalog.MethodInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The "none" press: the full cache, {@link KvHook#NONE}. */
public final class NoPress implements PressFactory {
    @Override
    public String name() {
        return "none";
    }

    @Override
    public String description() {
        return "full cache (no compression); no parameters";
    }

    /** Not a method: the reference every press is measured against. */
    @Override
    public Optional<MethodInfo> info() {
        return Optional.empty();
    }

    @Override
    public KvHook create(Map<String, String> params, KvModel model) {
        Presses.allowOnly(name(), params, List.of());
        return KvHook.NONE;
    }
}
