package dev.squeeze.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.squeeze.core.select.Budget;
import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.ForcedContent;
import dev.squeeze.text.PromptCompressor;
import dev.squeeze.text.TextChecks;
import dev.squeeze.text.TokenCounter;
import dev.squeeze.text.TokenEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/compress}: the JSON in, the {@code squeeze compress --json} object out.
 *
 * <p>Request: {@code {"text": "..."}} or {@code {"messages": [{"role": "...", "content": "..."}, ...]}}, plus
 * {@code rate} (default 0.5) or {@code targetTokens}, and optional {@code question}, {@code method},
 * {@code encoding}, {@code keep} (numbers, urls, ids, entities, all). With {@code messages}, every message
 * but the last user message is compressed (that one is the question when none is given) and the reply
 * carries {@code messages} instead of {@code compressed}; a {@code targetTokens} budget is shared among the
 * compressed messages in proportion to their size. Thread-safe.
 */
final class CompressService {
    private static final Set<String> FIELDS =
            Set.of("text", "messages", "rate", "targetTokens", "question", "method", "encoding", "keep");

    private final Compressors compressors;
    private final int maxTokens;
    private final int maxWordChars;

    CompressService(Compressors compressors, int maxTokens, int maxWordChars) {
        this.compressors = compressors;
        this.maxTokens = maxTokens;
        this.maxWordChars = maxWordChars;
    }

    /** The result object and the token counts in and out (for the metrics). */
    record Outcome(ObjectNode json, long tokensIn, long tokensOut) {}

    Outcome compress(ObjectNode body) {
        Json.requireOnly(body, FIELDS, "the request");
        String text = Json.optString(body, "text");
        JsonNode messages = body.get("messages");
        if ((text == null) == (messages == null || messages.isNull())) {
            throw ApiException.badRequest("give exactly one of 'text' (a string) and 'messages' (an array)");
        }
        Double rate = Json.optNumber(body, "rate");
        Integer target = Json.optInt(body, "targetTokens");
        if (rate != null && target != null)
            throw ApiException.badRequest("give at most one of 'rate' and 'targetTokens'");
        String question = Json.optString(body, "question");
        if (question != null) checkWords("'question'", question);
        PromptCompressor compressor = compressors.get(Json.optString(body, "method"));
        TokenEncoding encoding =
                parse(() -> TokenEncoding.parse(orDefault(Json.optString(body, "encoding"), "cl100k_base")));
        ForcedContent forced = parse(() -> ForcedContent.parse(Json.optString(body, "keep")));
        TokenCounter counter = TokenCounter.of(encoding);
        long start = System.nanoTime();
        if (text != null) {
            checkText("text", text);
            checkWords("'text'", text);
            checkTokens(counter.count(text));
            Budget budget = target != null ? count("targetTokens", target) : ratio("rate", rate == null ? 0.5 : rate);
            CompressionResult r = run(compressor, text, budget, question, forced, encoding);
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("compressed", r.compressed());
            o.put("originTokens", r.originTokens());
            o.put("compressedTokens", r.compressedTokens());
            o.put("rate", r.rate());
            o.put("method", r.method());
            o.put("millis", r.millis());
            return new Outcome(o, r.originTokens(), r.compressedTokens());
        }
        return compressMessages(messages, rate, target, question, compressor, forced, encoding, counter, start);
    }

    private Outcome compressMessages(
            JsonNode messages,
            Double rate,
            Integer target,
            String question,
            PromptCompressor compressor,
            ForcedContent forced,
            TokenEncoding encoding,
            TokenCounter counter,
            long start) {
        if (!messages.isArray()) throw Json.wrongType("messages", "an array", messages);
        if (messages.isEmpty()) throw ApiException.badRequest("'messages' is empty");
        List<String> roles = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        int lastUser = -1;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject()) throw Json.wrongType("messages[" + i + "]", "an object", m);
            ObjectNode mo = (ObjectNode) m;
            Json.requireOnly(mo, Set.of("role", "content"), "messages[" + i + "]");
            String role = Json.optString(mo, "role");
            String content = Json.optString(mo, "content");
            if (role == null) throw ApiException.badRequest("messages[" + i + "].role is missing");
            if (content == null) throw ApiException.badRequest("messages[" + i + "].content is missing");
            checkText("messages[" + i + "].content", content);
            checkWords("messages[" + i + "].content", content);
            roles.add(role);
            contents.add(content);
            if (role.equals("user")) lastUser = i;
        }
        int[] tokens = new int[contents.size()];
        long total = 0, compressible = 0;
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = counter.count(contents.get(i));
            total += tokens[i];
            if (i != lastUser && tokens[i] > 0) compressible += tokens[i];
        }
        checkTokens(total);
        String q = question != null ? question : (lastUser >= 0 ? contents.get(lastUser) : null);
        ArrayNode out = Json.MAPPER.createArrayNode();
        long kept = 0;
        String method = compressor.method();
        for (int i = 0; i < tokens.length; i++) {
            String c = contents.get(i);
            if (i != lastUser && tokens[i] > 0) {
                int share =
                        target == null ? 0 : (int) Math.max(1, Math.floor((double) target * tokens[i] / compressible));
                Budget b = target == null ? ratio("rate", rate == null ? 0.5 : rate) : count("targetTokens", share);
                CompressionResult r = run(compressor, c, b, q, forced, encoding);
                c = r.compressed();
                kept += r.compressedTokens();
            } else {
                kept += tokens[i];
            }
            ObjectNode m = out.addObject();
            m.put("role", roles.get(i));
            m.put("content", c);
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("messages", out);
        o.put("originTokens", total);
        o.put("compressedTokens", kept);
        o.put("rate", total == 0 ? 1.0 : kept / (double) total);
        o.put("method", method);
        o.put("millis", (System.nanoTime() - start) / 1e6);
        return new Outcome(o, total, kept);
    }

    /** Binary text (NUL, unpaired surrogates) is refused before anything counts or compresses it. */
    static void checkText(String what, String text) {
        try {
            TextChecks.requireText(what, text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** One linear scan before any token is counted: a huge "word" costs the tokenizer far more than its length. */
    private void checkWords(String what, String text) {
        try {
            TextChecks.requireWordsAtMost(what, text, maxWordChars);
        } catch (IllegalArgumentException e) {
            throw new ApiException(422, "word_too_long", e.getMessage() + " (--max-word-chars)");
        }
    }

    private void checkTokens(long tokens) {
        if (tokens > maxTokens) {
            throw new ApiException(
                    413,
                    "too_many_tokens",
                    "request has " + tokens + " input tokens; this server accepts at most " + maxTokens
                            + " per request (--max-tokens)");
        }
    }

    /** A request's {@code rate}: a ratio in (0, 1]; anything else is a 400 naming the field. */
    static Budget ratio(String field, double rate) {
        if (!(rate > 0.0 && rate <= 1.0)) throw ApiException.badRequest(field + " must be in (0, 1], got " + rate);
        return Budget.ratio(rate);
    }

    /** A request's {@code targetTokens}: a count > 0; anything else is a 400 naming the field. */
    static Budget count(String field, int tokens) {
        if (tokens <= 0) throw ApiException.badRequest(field + " must be > 0, got " + tokens);
        return Budget.count(tokens);
    }

    static CompressionResult run(
            PromptCompressor c,
            String text,
            Budget budget,
            String question,
            ForcedContent forced,
            TokenEncoding encoding) {
        return parse(() -> {
            return c.compress(CompressionRequest.builder(text)
                    .budget(budget)
                    .question(question)
                    .forced(forced)
                    .encoding(encoding)
                    .build());
        });
    }

    private static String orDefault(String v, String d) {
        return v == null ? d : v;
    }

    /** Library validation (IllegalArgumentException, with a message meant for users) becomes a 400. */
    private static <T> T parse(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
