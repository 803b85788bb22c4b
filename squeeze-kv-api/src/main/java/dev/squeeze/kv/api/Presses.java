package dev.squeeze.kv.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds {@link PressFactory}s through ServiceLoader and builds presses from specs {@code name[:k=v[,k=v]...]}. */
public final class Presses {
    private Presses() {}

    /** A parsed spec. */
    public record Spec(String name, Map<String, String> params) {
        public Spec {
            params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        }

        public static Spec parse(String spec) {
            if (spec == null || spec.isBlank())
                throw new IllegalArgumentException("press spec is empty (expected name[:key=value,...])");
            String s = spec.strip();
            int colon = s.indexOf(':');
            String name = (colon < 0 ? s : s.substring(0, colon)).strip().toLowerCase(java.util.Locale.ROOT);
            if (name.isEmpty()) throw new IllegalArgumentException("press spec '" + spec + "' has no name");
            Map<String, String> params = new LinkedHashMap<>();
            if (colon >= 0 && colon + 1 < s.length()) {
                for (String kv : s.substring(colon + 1).split(",")) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0 || eq == kv.length() - 1) {
                        throw new IllegalArgumentException(
                                "press spec '" + spec + "': parameter '" + kv + "' is not key=value");
                    }
                    String key = kv.substring(0, eq).strip();
                    if (params.put(key, kv.substring(eq + 1).strip()) != null) {
                        throw new IllegalArgumentException(
                                "press spec '" + spec + "': parameter '" + key + "' given twice");
                    }
                }
            }
            return new Spec(name, params);
        }
    }

    /** Every registered factory, by name. */
    public static Map<String, PressFactory> available() {
        Map<String, PressFactory> out = new TreeMap<>();
        for (PressFactory f : ServiceLoader.load(PressFactory.class, Presses.class.getClassLoader())) {
            PressFactory prev = out.putIfAbsent(f.name(), f);
            if (prev != null && prev.getClass() != f.getClass()) {
                throw new IllegalStateException("two presses are registered as '" + f.name() + "': "
                        + prev.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        return out;
    }

    /**
     * The press for {@code spec} on a model known only by its shape; presses that need the model itself
     * (RazorAttention probes it) refuse it. {@link KvHook#NONE} when the spec names "none".
     */
    public static KvHook create(String spec, ModelShape shape) {
        return create(spec, KvModel.of(shape));
    }

    /**
     * The press for {@code spec}; {@link KvHook#NONE} when the spec names "none" (never null). Specs joined by
     * '+' compose: the presses run in order at every call ({@code snapkv:keep=0.25+kivi:bits=4} evicts, then
     * quantises).
     */
    public static KvHook create(String spec, KvModel model) {
        if (spec != null && spec.indexOf('+') >= 0) {
            List<KvHook> parts = new ArrayList<>();
            for (String part : spec.split("\\+", -1)) { // -1 keeps empty parts: a dangling '+' is an error
                if (part.isBlank())
                    throw new IllegalArgumentException("press spec '" + spec + "' has an empty part around '+'");
                parts.add(create(part, model));
            }
            return KvHook.chain(parts);
        }
        Spec s = Spec.parse(spec);
        Map<String, PressFactory> all = available();
        PressFactory f = all.get(s.name());
        if (f == null) {
            throw new IllegalArgumentException("unknown press '" + s.name() + "'; known presses: "
                    + String.join(", ", new ArrayList<>(all.keySet())));
        }
        return f.create(s.params(), model);
    }

    /** Fails unless {@code params} holds only the given keys. */
    public static void allowOnly(String press, Map<String, String> params, List<String> keys) {
        for (String k : params.keySet()) {
            if (!keys.contains(k)) {
                throw new IllegalArgumentException("press '" + press + "' has no parameter '" + k + "'; it takes: "
                        + (keys.isEmpty() ? "none" : String.join(", ", keys)));
            }
        }
    }
}
