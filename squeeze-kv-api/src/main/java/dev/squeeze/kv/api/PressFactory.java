package dev.squeeze.kv.api;

import dev.squeeze.core.catalog.MethodInfo;
import java.util.Map;
import java.util.Optional;

/**
 * The one declaration of a KV method: makes its press ({@link KvHook}) from a spec such as
 * {@code h2o:budget=64,recent=32} and gives its catalog entry. Modules register factories in
 * {@code META-INF/services/dev.squeeze.kv.api.PressFactory}; {@link Presses} finds them for specs and
 * {@link PressCatalog} for the method catalog, so adding a press is one factory class, one services line and
 * (optionally) a notes file {@code META-INF/squeeze/methods/<name>.txt}.
 */
public interface PressFactory {

    /** Lower-case name used in specs ("none", "h2o", "snapkv"). */
    String name();

    /** One line for listings, naming the parameters. */
    String description();

    /** The catalog entry (paper, constants, deviations); empty for what is not a method ("none"). */
    Optional<MethodInfo> info();

    /**
     * A fresh press for one session (presses keep per-sequence state). Unknown or bad parameters are an
     * {@link IllegalArgumentException} naming the parameter and value. Most presses read only
     * {@code model.shape()}; some probe the model itself ({@link KvModel#probe}).
     *
     * @return the hook; {@link KvHook#NONE} for "no press" (full cache)
     */
    KvHook create(Map<String, String> params, KvModel model);
}
