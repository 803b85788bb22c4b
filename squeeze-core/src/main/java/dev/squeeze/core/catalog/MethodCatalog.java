package dev.squeeze.core.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Every method Squeeze implements, gathered from the {@link MethodProvider}s on the class path. Names are
 * unique; a duplicate is a packaging error and fails loudly.
 */
public final class MethodCatalog {
    private final Map<String, MethodInfo> byName;

    public MethodCatalog(List<MethodInfo> methods) {
        Map<String, MethodInfo> m = new LinkedHashMap<>();
        List<MethodInfo> sorted = new ArrayList<>(methods);
        sorted.sort(Comparator.comparing((MethodInfo i) -> i.family().ordinal()).thenComparing(MethodInfo::name));
        for (MethodInfo i : sorted) {
            MethodInfo prev = m.putIfAbsent(i.name(), i);
            if (prev != null) {
                throw new IllegalStateException("method name '" + i.name() + "' is registered twice: by "
                        + prev.implementation() + " and " + i.implementation());
            }
        }
        this.byName = m;
    }

    /** The catalog of every provider visible to this class loader. */
    public static MethodCatalog load() {
        List<MethodInfo> all = new ArrayList<>();
        for (MethodProvider p : ServiceLoader.load(MethodProvider.class, MethodCatalog.class.getClassLoader())) {
            all.addAll(p.methods());
        }
        return new MethodCatalog(all);
    }

    public List<MethodInfo> methods() {
        return List.copyOf(byName.values());
    }

    public Optional<MethodInfo> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public MethodInfo require(String name) {
        MethodInfo i = byName.get(name);
        if (i == null) {
            throw new IllegalArgumentException(
                    "unknown method '" + name + "'; known: " + String.join(", ", byName.keySet()));
        }
        return i;
    }

    public List<MethodInfo> family(Family f) {
        return byName.values().stream().filter(i -> i.family() == f).toList();
    }

    /** The catalog as a JSON array: what {@code squeeze methods --json}, the benchmark and the docs read. */
    public String toJson() {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode arr = om.createArrayNode();
        for (MethodInfo i : byName.values()) {
            ObjectNode o = arr.addObject();
            o.put("name", i.name());
            o.put("family", i.family().id());
            o.put("mechanism", i.mechanism().id());
            ObjectNode p = o.putObject("paper");
            p.put("title", i.paper().title());
            p.put("authors", i.paper().authors());
            p.put("year", i.paper().year());
            p.put("url", i.paper().url());
            o.put("trainingFree", i.trainingFree());
            ArrayNode in = o.putArray("inputs");
            i.inputs().forEach(in::add);
            o.put("implementation", i.implementation());
            o.put("notes", i.notes());
        }
        try {
            return om.writeValueAsString(arr);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("could not write the catalog as JSON", e);
        }
    }
}
