package dev.squeeze.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Strict JSON in and out: UTF-8 only (no replacement characters), duplicate keys and trailing tokens rejected. */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // The proxy re-serialises requests: numbers must come out exactly as they came in (0.10, 1e400, 2^70).
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    static {
        // Nesting is bounded well below Jackson's default (1000): no request needs more than a few levels.
        MAPPER.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private Json() {}

    /** Decodes the body as strict UTF-8 and parses one JSON object. */
    static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) throw ApiException.badRequest("request body is empty; expected a JSON object");
        CharsetDecoder dec = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        String text;
        try {
            text = dec.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new ApiException(
                    400,
                    "invalid_encoding",
                    "request body is not valid UTF-8 (malformed byte near offset " + in.position() + ")");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ApiException(
                    400, "invalid_json", "request body is not valid JSON: " + e.getOriginalMessage() + locationOf(e));
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(
                    400,
                    "invalid_json",
                    "request body must be a JSON object, got "
                            + (node == null
                                    ? "nothing"
                                    : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        return (ObjectNode) node;
    }

    private static String locationOf(JsonProcessingException e) {
        var loc = e.getLocation();
        return loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }

    /** Fails on any field not in {@code known}: a typo ("targetToken") must not be silently ignored. */
    static void requireOnly(ObjectNode o, Set<String> known, String where) {
        for (var it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw ApiException.badRequest("unknown field '" + f + "' in " + where + "; known: "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    static @Nullable String optString(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw wrongType(field, "a string", n);
        return n.textValue();
    }

    static @Nullable Double optNumber(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isNumber()) throw wrongType(field, "a number", n);
        return n.doubleValue();
    }

    static @Nullable Integer optInt(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber() || !n.canConvertToInt()) throw wrongType(field, "an integer (32-bit)", n);
        return n.intValue();
    }

    static @Nullable Boolean optBoolean(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isBoolean()) throw wrongType(field, "true or false", n);
        return n.booleanValue();
    }

    static ApiException wrongType(String field, String expected, JsonNode got) {
        return ApiException.badRequest("field '" + field + "' must be " + expected + ", got "
                + got.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }

    static String error(String type, String message) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("type", type);
        e.put("message", message);
        return root.toString();
    }
}
