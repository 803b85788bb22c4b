package dev.squeeze.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one JSON shape of a result, shared by {@code squeeze compress --json} and the HTTP service:
 * {@code {compressed, originTokens, compressedTokens, rate, method, millis}}.
 */
public final class CompressionJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CompressionJson() {}

    public static ObjectNode toNode(CompressionResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("compressed", r.compressed());
        o.put("originTokens", r.originTokens());
        o.put("compressedTokens", r.compressedTokens());
        o.put("rate", r.rate());
        o.put("method", r.method());
        o.put("millis", r.millis());
        return o;
    }

    public static String toJson(CompressionResult r) {
        try {
            return JSON.writeValueAsString(toNode(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write a compression result as JSON", e);
        }
    }
}
