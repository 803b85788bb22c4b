package dev.squeeze.llm.kv;

import dev.squeeze.llm.model.LlamaConfig;

import java.util.List;
import java.util.Map;

/** The "none" press: the full cache, no hook. */
public final class NoPress implements PressFactory {
    @Override public String name() { return "none"; }

    @Override public String description() { return "full cache (no compression); no parameters"; }

    @Override
    public KvHook create(Map<String, String> params, LlamaConfig config) {
        Presses.allowOnly(name(), params, List.of());
        return null;
    }
}
