package dev.squeeze.kv.api;

import java.util.Map;

/**
 * Makes a press ({@link KvHook}) from a spec such as {@code h2o:budget=64,recent=32}. Modules register
 * factories in {@code META-INF/services/dev.squeeze.kv.api.PressFactory}; {@link Presses} finds them.
 */
public interface PressFactory {

    /** Lower-case name used in specs ("none", "h2o", "snapkv"). */
    String name();

    /** One line for listings, naming the parameters. */
    String description();

    /**
     * A fresh press for one session (presses keep per-sequence state). Unknown or bad parameters are an
     * {@link IllegalArgumentException} naming the parameter and value. Most presses read only
     * {@code model.shape()}; some probe the model itself ({@link KvModel#probe}).
     *
     * @return the hook; {@link KvHook#NONE} for "no press" (full cache)
     */
    KvHook create(Map<String, String> params, KvModel model);
}
