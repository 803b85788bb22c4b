package dev.squeeze.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.ForcedContent;
import dev.squeeze.text.PromptCompressor;
import dev.squeeze.text.TextChecks;
import dev.squeeze.text.TokenCounter;
import dev.squeeze.text.TokenEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compression half of the OpenAI-compatible proxy: picks the messages of a chat-completions request worth
 * compressing and rewrites their text in place; everything else in the request is forwarded untouched.
 *
 * <p>Chosen by default: messages of role system, user or tool whose text has more than
 * {@link ServerConfig#proxyMinTokens()} tokens, never the last user message (the question, which is also what
 * query-aware methods rank the context against). Text is a string {@code content} or the {@code text} of
 * {@code {"type":"text"}} parts. A client may adjust this per request with a top-level
 * {@code "squeeze": {"enabled": false | "rate": 0.3 | "method": "..." | "minTokens": 200}} object, which is removed
 * before forwarding. A message that the method rejects (e.g. it contains control characters) is forwarded
 * unchanged and counted as skipped: the proxy never breaks a request the upstream would accept.
 */
final class ChatProxy {
    private static final Logger LOG = LoggerFactory.getLogger(ChatProxy.class);
    private static final Set<String> OVERRIDES = Set.of("enabled", "rate", "method", "minTokens");

    private final ServerConfig config;
    private final Compressors compressors;
    private final TokenCounter counter = TokenCounter.of(TokenEncoding.CL100K_BASE);

    ChatProxy(ServerConfig config, Compressors compressors) {
        this.config = config;
        this.compressors = compressors;
    }

    /** What compression did to one request. */
    record Savings(long originTokens, long compressedTokens, int compressedMessages, int skippedMessages) {
        long saved() {
            return originTokens - compressedTokens;
        }
    }

    /** Compresses the chosen messages of {@code body} in place. */
    Savings compress(ObjectNode body) {
        double rate = config.proxyRate();
        String method = config.proxyMethod();
        int minTokens = config.proxyMinTokens();
        boolean enabled = true;
        JsonNode ov = body.remove("squeeze");
        if (ov != null && !ov.isNull()) {
            if (!ov.isObject()) throw Json.wrongType("squeeze", "an object", ov);
            ObjectNode o = (ObjectNode) ov;
            Json.requireOnly(o, OVERRIDES, "'squeeze'");
            Boolean e = Json.optBoolean(o, "enabled");
            Double r = Json.optNumber(o, "rate");
            String m = Json.optString(o, "method");
            Integer t = Json.optInt(o, "minTokens");
            if (e != null) enabled = e;
            if (r != null) {
                if (!(r > 0 && r <= 1)) throw ApiException.badRequest("squeeze.rate must be in (0, 1], got " + r);
                rate = r;
            }
            if (m != null) method = m;
            if (t != null) {
                if (t < 0) throw ApiException.badRequest("squeeze.minTokens must be >= 0, got " + t);
                minTokens = t;
            }
        }
        JsonNode msgs = body.get("messages");
        if (msgs == null || msgs.isNull()) throw ApiException.badRequest("field 'messages' is missing");
        if (!msgs.isArray()) throw Json.wrongType("messages", "an array", msgs);
        ArrayNode messages = (ArrayNode) msgs;

        // Every text slot, its token count, and the last user message (the question).
        List<Slot> slots = new ArrayList<>();
        int lastUser = -1;
        long total = 0;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject()) throw Json.wrongType("messages[" + i + "]", "an object", m);
            String role = Json.optString((ObjectNode) m, "role");
            if (role == null) throw ApiException.badRequest("messages[" + i + "].role is missing");
            if (role.equals("user")) lastUser = i;
            JsonNode c = m.get("content");
            if (c != null && c.isTextual()) {
                addSlot(slots, i, role, (ObjectNode) m, "content", c.textValue());
            } else if (c != null && c.isArray()) {
                for (JsonNode part : c) {
                    if (part.isObject()
                            && "text".equals(part.path("type").asText())
                            && part.path("text").isTextual()) {
                        addSlot(
                                slots,
                                i,
                                role,
                                (ObjectNode) part,
                                "text",
                                part.get("text").textValue());
                    }
                }
            }
        }
        for (Slot s : slots) total += s.tokens;
        if (total > config.maxTokens()) {
            throw new ApiException(
                    413,
                    "too_many_tokens",
                    "chat request has " + total + " message tokens; this server accepts at most " + config.maxTokens()
                            + " per request (--max-tokens)");
        }
        if (!enabled) return new Savings(total, total, 0, 0);
        PromptCompressor compressor = compressors.get(method);
        String question = null;
        if (lastUser >= 0) {
            StringBuilder q = new StringBuilder();
            for (Slot s : slots)
                if (s.message == lastUser) q.append(q.isEmpty() ? "" : "\n").append(s.text);
            question = q.isEmpty() ? null : q.toString();
        }
        long kept = 0;
        int done = 0, skipped = 0;
        for (Slot s : slots) {
            boolean chosen = s.message != lastUser
                    && s.tokens > minTokens
                    && config.proxyRoles().contains(s.role);
            if (!chosen) {
                kept += s.tokens;
                continue;
            }
            try {
                CompressionResult r = CompressService.run(
                        compressor,
                        s.text,
                        CompressService.ratio("rate", rate),
                        question,
                        ForcedContent.none(),
                        TokenEncoding.CL100K_BASE);
                s.holder.put(s.field, r.compressed());
                kept += r.compressedTokens();
                done++;
            } catch (ApiException e) {
                LOG.warn("message {} forwarded uncompressed: {}", s.message, e.getMessage());
                kept += s.tokens;
                skipped++;
            }
        }
        return new Savings(total, kept, done, skipped);
    }

    /** Text that is not valid for compression (control characters, unpaired surrogates) is left alone. */
    private void addSlot(List<Slot> slots, int message, String role, ObjectNode holder, String field, String text) {
        try {
            TextChecks.requireText("messages[" + message + "]", text);
        } catch (IllegalArgumentException e) {
            LOG.debug("message {} not compressible: {}", message, e.getMessage());
            return;
        }
        TextChecks.Run word = TextChecks.longestRun(text); // before counting: a huge word is costly to tokenize
        if (word.length() > config.maxWordChars()) {
            LOG.debug(
                    "message {} forwarded uncounted: a {}-character word at char offset {} (--max-word-chars {})",
                    message,
                    word.length(),
                    word.offset(),
                    config.maxWordChars());
            return;
        }
        slots.add(new Slot(message, role, holder, field, text, counter.count(text)));
    }

    /** One text field of a message: the message index, its role, the JSON object holding it and the field name. */
    private record Slot(int message, String role, ObjectNode holder, String field, String text, int tokens) {}
}
