package dev.squeeze.kv.evict;

import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressFactory;
import dev.squeeze.kv.api.PressParams;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** {@link PressFactory}s of the score-based eviction presses (registered through ServiceLoader). */
public final class EvictionPresses {
    private EvictionPresses() {}

    private static final String COMMON = "keep=F | ratio=R | budget=N, sinks, recent, every (decode re-compression interval), decode, layers";

    /** Name, description, accepted parameters and constructor of one press. */
    public abstract static class Base implements PressFactory {
        private final String name, description;
        private final List<String> params;
        private final BiFunction<PressParams, ModelShape, KvHook> ctor;

        protected Base(String name, String description, List<String> params, BiFunction<PressParams, ModelShape, KvHook> ctor) {
            this.name = name;
            this.description = description;
            this.params = params;
            this.ctor = ctor;
        }

        @Override public String name() { return name; }
        @Override public String description() { return description; }

        @Override
        public KvHook create(Map<String, String> p, KvModel model) {
            ModelShape config = model.shape();
            return ctor.apply(new PressParams(name, p, params), config);
        }
    }

    public static final class StreamingLlm extends Base {
        public StreamingLlm() { super("streamingllm", "attention sinks (sinks=4) + recent window; " + COMMON, ScorePress.params(), StreamingLlmPress::new); }
    }

    public static final class H2O extends Base {
        public H2O() { super("h2o", "heavy hitters by normalised accumulated attention + recent (recent=target/2), normalise=true (false: plain sum as in the paper); " + COMMON, ScorePress.params("normalise"), H2OPress::new); }
    }

    public static final class SnapKv extends Base {
        public SnapKv() { super("snapkv", "observation window (window=32) pooled attention (kernel=5), per-head top-k; prefill; " + COMMON, ScorePress.params("window", "kernel"), SnapKvPress::new); }
    }

    public static final class PyramidKv extends Base {
        public PyramidKv() { super("pyramidkv", "SnapKV with linearly decreasing layer budgets (beta=20, window=32, kernel=5); prefill; " + COMMON, ScorePress.params("window", "kernel", "beta"), PyramidKvPress::new); }
    }

    public static final class Tova extends Base {
        public Tova() { super("tova", "last query's head-mean attention, one top-k per layer; " + COMMON, ScorePress.params(), TovaPress::new); }
    }

    public static final class Knorm extends Base {
        public Knorm() { super("knorm", "keep the smallest key norms; " + COMMON, ScorePress.params(), KnormPress::new); }
    }

    public static final class KeyDiff extends Base {
        public KeyDiff() { super("keydiff", "keep keys least similar to the mean key; " + COMMON, ScorePress.params(), KeyDiffPress::new); }
    }

    public static final class ExpectedAttention extends Base {
        public ExpectedAttention() { super("expectedattention", "expected attention of future queries (future=512, vnorm=true, covariance=true, epsilon=0, sinks=4); " + COMMON, ScorePress.params("future", "vnorm", "covariance", "epsilon"), ExpectedAttentionPress::new); }
    }

    public static final class AdaKv extends Base {
        public AdaKv() { super("adakv", "SnapKV scores, one top-k across heads with a per-head floor (alpha=0.2); prefill; " + COMMON, ScorePress.params("window", "kernel", "alpha"), AdaKvPress::new); }
    }

    public static final class Random extends Base {
        public Random() { super("random-kv", "uniform random eviction (seed=0); " + COMMON, ScorePress.params("seed"), RandomPress::new); }
    }

    public static final class KvZip extends Base {
        public KvZip() {
            super("kvzip", "KVzip: scores by the max attention of a reconstruction pass (\"Repeat the previous context:\" + the prompt), then evicts; "
                    + "keep=F | ratio=R | budget=N, allocation=model|layer|head (default model), chunk=2048, lead=text|none (none: no repeat prompt), layers; prefill only", KvZipPress.params(), KvZipPress::new);
        }
    }

    /**
     * {@code decoding:press=h2o,budget=64,every=16}: a decode-time press that lets the cache grow
     * {@code every} entries past {@code budget} and then re-compresses it to the budget with the named
     * scorer (kvpress's DecodingPress). Parameters other than press go to the scorer.
     */
    public static final class Decoding implements dev.squeeze.kv.api.PressFactory {
        static final Set<String> SCORERS = Set.of("streamingllm", "h2o", "tova", "knorm", "keydiff", "expectedattention", "random-kv");

        @Override public String name() { return "decoding"; }

        @Override
        public String description() {
            return "decode-time re-compression: press=" + SCORERS + ", budget=N (required), every=N steps (default 16), plus the scorer's parameters";
        }

        @Override
        public KvHook create(Map<String, String> params, KvModel model) {
            String press = params.get("press");
            if (press == null || !SCORERS.contains(press)) {
                throw new IllegalArgumentException("press 'decoding': parameter press=" + press + " is invalid; expected one of " + SCORERS);
            }
            if (!params.containsKey("budget")) throw new IllegalArgumentException("press 'decoding' needs budget=N (the target size after each re-compression)");
            Map<String, String> inner = new java.util.LinkedHashMap<>(params);
            inner.remove("press");
            inner.putIfAbsent("every", "16");
            inner.put("decode", "true");
            return dev.squeeze.kv.api.Presses.available().get(press).create(inner, model);
        }
    }
}
