package dev.squeeze.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * JSON compression by key: the document is parsed with Jackson; keys, numbers, booleans, nulls and the
 * structure stay as they are and only string values are compressed (by the inner method; the
 * registry's "json" uses {@link SemanticCompressor}, the default); with {@code keys=a,b} only the values of those keys. Output is compact JSON
 * (whitespace between tokens is itself a cost). The budget left after the fixed part is shared by the
 * compressible values in proportion to their size; values under {@value #MIN_VALUE_TOKENS} tokens are kept.
 */
public final class JsonCompressor extends AbstractPromptCompressor {
    public static final String NAME = "json";
    static final int MIN_VALUE_TOKENS = 8;
    /** Deepest nesting of arrays and objects accepted; the tree is walked recursively (and written by Jackson likewise). */
    public static final int MAX_DEPTH = 128;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build());

    private final AbstractPromptCompressor inner;

    public JsonCompressor(AbstractPromptCompressor inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    @Override
    public String method() {
        return NAME;
    }

    @Override
    protected String compressSegment(String text, int target, int segmentTokens, SegmentContext ctx) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (StreamConstraintsException e) {
            throw new IllegalArgumentException("json method: input nests arrays/objects more than " + MAX_DEPTH
                    + " levels deep" + at(e.getLocation()) + "; at most " + MAX_DEPTH + " are accepted");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "json method: input is not valid JSON" + at(e.getLocation()) + ": " + e.getOriginalMessage());
        }
        Set<String> keys = new HashSet<>();
        String k = ctx.option("keys", "");
        if (!k.isBlank()) for (String s : k.split(",")) keys.add(s.trim());
        List<TextNode> values = new ArrayList<>();
        List<Runnable> setters = new ArrayList<>();
        List<String[]> slot = new ArrayList<>();
        collect(root, null, keys, values, setters, slot, ctx.counter());
        int valueTokens = 0;
        for (TextNode v : values) valueTokens += ctx.counter().count(v.textValue());
        int fixed = ctx.counter().count(write(root)) - valueTokens;
        int available = target - fixed;
        if (available <= 0 || valueTokens == 0) {
            throw new IllegalArgumentException("json method: keys and structure alone take about " + fixed
                    + " tokens, the budget is " + target + "; raise the rate or name fewer keys");
        }
        double rate = Math.min(1.0, available / (double) valueTokens);
        for (int i = 0; i < values.size(); i++) {
            Cancellation.check("between JSON values");
            String v = values.get(i).textValue();
            int t = ctx.counter().count(v);
            int vt = (int) Math.floor(rate * t);
            slot.get(i)[0] = vt >= t || vt < 1 ? v : inner.compressSegment(v, vt, t, ctx);
            setters.get(i).run();
        }
        return write(root);
    }

    private static void collect(
            JsonNode node,
            String key,
            Set<String> keys,
            List<TextNode> values,
            List<Runnable> setters,
            List<String[]> slots,
            TokenCounter counter) {
        if (node instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            it.forEachRemaining(entries::add);
            for (Map.Entry<String, JsonNode> e : entries) {
                JsonNode v = e.getValue();
                if (v instanceof TextNode t
                        && (keys.isEmpty() || keys.contains(e.getKey()))
                        && counter.count(t.textValue()) >= MIN_VALUE_TOKENS) {
                    String[] s = new String[1];
                    values.add(t);
                    slots.add(s);
                    setters.add(() -> o.put(e.getKey(), s[0]));
                } else {
                    collect(v, e.getKey(), keys, values, setters, slots, counter);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = a.get(i);
                if (v instanceof TextNode t
                        && (keys.isEmpty() || keys.contains(key))
                        && counter.count(t.textValue()) >= MIN_VALUE_TOKENS) {
                    String[] s = new String[1];
                    int idx = i;
                    values.add(t);
                    slots.add(s);
                    setters.add(() -> a.set(idx, TextNode.valueOf(s[0])));
                } else {
                    collect(v, key, keys, values, setters, slots, counter);
                }
            }
        }
    }

    private static String at(JsonLocation loc) {
        return loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    private static String write(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write JSON", e);
        }
    }
}
