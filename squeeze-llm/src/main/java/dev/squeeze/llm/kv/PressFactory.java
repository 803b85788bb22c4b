package dev.squeeze.llm.kv;

import dev.squeeze.llm.model.LlamaConfig;

import java.util.Map;

/**
 * Makes a press ({@link KvHook}) from a spec such as {@code h2o:budget=64,recent=32}. Modules register
 * factories in {@code META-INF/services/dev.squeeze.llm.kv.PressFactory}; {@link Presses} finds them.
 */
public interface PressFactory {

    /** Lower-case name used in specs ("none", "h2o", "snapkv"). */
    String name();

    /** One line for listings, naming the parameters. */
    String description();

    /**
     * A fresh press for one session (presses keep per-sequence state). Unknown or bad parameters are an
     * {@link IllegalArgumentException} naming the parameter and value.
     *
     * @return the hook, or null for "no press" (full cache)
     */
    KvHook create(Map<String, String> params, LlamaConfig config);

    /**
     * A fresh press that may read the model itself (e.g. to find retrieval heads by probing it). Defaults
     * to {@link #create(Map, LlamaConfig)}.
     */
    default KvHook create(Map<String, String> params, dev.squeeze.llm.model.LlamaModel model) {
        return create(params, model.config());
    }
}
