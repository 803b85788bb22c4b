package dev.squeeze.kv.evict;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressFactory;
import dev.squeeze.kv.api.PressParams;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The declaration of a score-based eviction press ({@link ScorePress}): its name, its parameters and how to build
 * it, and its catalog entry, whose notes are the method's own ({@code META-INF/squeeze/methods/<name>.txt}) followed
 * by what every eviction shares ({@link #EVICT}).
 */
public abstract class ScorePressFactory implements PressFactory {
    /** The parameters every score press takes, for descriptions. */
    public static final String COMMON =
            "keep=F | ratio=R | budget=N, sinks, recent, every (decode re-compression interval), decode, layers";

    /** What every eviction press shares, appended to its catalog notes. */
    public static final String EVICT =
            " All evictions are TokenTransform.select on the per-(layer, KV head) stores; kept entries keep "
                    + "their position ids (no re-rotation). GQA: attention averaged over the query heads of a KV head. Budget: keep=F "
                    + "(floor(F n), >= 1), ratio=R (keep 1-R) or budget=N per head; a fixed budget also applies at decode (every=1: "
                    + "evict each step; every=N: re-compress every N steps). Common: sinks=N first entries and recent=N newest entries always kept (defaults per press).";

    private final String name, description;
    private final List<String> params;
    private final BiFunction<PressParams, ModelShape, KvHook> ctor;

    protected ScorePressFactory(
            String name, String description, List<String> params, BiFunction<PressParams, ModelShape, KvHook> ctor) {
        this.name = name;
        this.description = description;
        this.params = params;
        this.ctor = ctor;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public KvHook create(Map<String, String> p, KvModel model) {
        return ctor.apply(new PressParams(name, p, params), model.shape());
    }

    /** The catalog entry's common part: KV family, the mechanism, the implementing class and the notes. */
    protected MethodInfo.Builder entry(Mechanism mechanism, Class<?> implementation) {
        return MethodInfo.builder(name)
                .family(Family.KV)
                .mechanism(mechanism)
                .implementation(implementation)
                .notesResource(getClass())
                .appendNotes(EVICT);
    }
}
