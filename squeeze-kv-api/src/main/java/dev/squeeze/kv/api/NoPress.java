package dev.squeeze.kv.api;

import java.util.List;
import java.util.Map;

/** The "none" press: the full cache, {@link KvHook#NONE}. */
public final class NoPress implements PressFactory {
    @Override public String name() { return "none"; }

    @Override public String description() { return "full cache (no compression); no parameters"; }

    @Override
    public KvHook create(Map<String, String> params, KvModel model) {
        Presses.allowOnly(name(), params, List.of());
        return KvHook.NONE;
    }
}
