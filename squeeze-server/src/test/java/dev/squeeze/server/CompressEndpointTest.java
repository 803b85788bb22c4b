package dev.squeeze.server;

import static dev.squeeze.server.ServerTestSupport.get;
import static dev.squeeze.server.ServerTestSupport.json;
import static dev.squeeze.server.ServerTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.TokenCounter;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The service endpoints on a real server (loopback, port 0), checked against the library called directly. */
class CompressEndpointTest {
    static SqueezeServer server;
    static URI base;

    @BeforeAll
    static void start() {
        server = SqueezeServer.start(ServerConfig.builder().port(0).workers(2).build());
        base = server.uri();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthAnswersOk() throws Exception {
        var r = get(base, "/health");
        assertEquals(200, r.status());
        assertEquals("ok", r.json().path("status").asText());
        assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    @Test
    void compressReturnsTheCliObjectAndMatchesTheLibrary() throws Exception {
        String text = TestTexts.context(120, 1);
        var r = post(base, "/v1/compress", json(Map.of("text", text, "rate", 0.3, "question", TestTexts.QUESTION)));
        assertEquals(200, r.status(), r.body());
        JsonNode o = r.json();
        CompressionResult direct = CompressorRegistry.load()
                .defaultCompressor()
                .compress(CompressionRequest.builder(text)
                        .rate(0.3)
                        .question(TestTexts.QUESTION)
                        .build());
        assertEquals(direct.compressed(), o.path("compressed").asText());
        assertEquals(TokenCounter.cl100k().count(text), o.path("originTokens").asInt());
        assertEquals(
                TokenCounter.cl100k().count(o.path("compressed").asText()),
                o.path("compressedTokens").asInt());
        assertEquals(
                o.path("compressedTokens").asDouble() / o.path("originTokens").asDouble(),
                o.path("rate").asDouble(),
                1e-9);
        assertEquals("semantic", o.path("method").asText());
        assertTrue(o.path("millis").isNumber());
        assertTrue(o.path("rate").asDouble() < 0.4, "rate 0.3 requested, got " + o.path("rate"));
        assertTrue(o.path("compressed").asText().contains("7421-ALPHA"), "query-aware compression kept the needle");
    }

    @Test
    void targetTokensIsHonoured() throws Exception {
        String text = TestTexts.context(100, 2);
        var r = post(base, "/v1/compress", json(Map.of("text", text, "targetTokens", 200)));
        assertEquals(200, r.status(), r.body());
        int got = r.json().path("compressedTokens").asInt();
        assertTrue(got <= 210 && got >= 150, "targetTokens 200, got " + got);
    }

    @Test
    void messagesKeepTheLastUserMessageAndShortenTheRest() throws Exception {
        String ctx = TestTexts.context(100, 3);
        var body = Map.of(
                "rate",
                0.4,
                "messages",
                List.of(
                        Map.of("role", "system", "content", ctx),
                        Map.of("role", "user", "content", TestTexts.QUESTION)));
        var r = post(base, "/v1/compress", json(body));
        assertEquals(200, r.status(), r.body());
        JsonNode msgs = r.json().path("messages");
        assertEquals(2, msgs.size());
        assertEquals("system", msgs.get(0).path("role").asText());
        assertEquals(TestTexts.QUESTION, msgs.get(1).path("content").asText());
        String sys = msgs.get(0).path("content").asText();
        int q = TokenCounter.cl100k().count(TestTexts.QUESTION);
        assertTrue(
                TokenCounter.cl100k().count(sys) < 0.5 * TokenCounter.cl100k().count(ctx));
        assertTrue(sys.contains("7421-ALPHA"), "the last user message is the question for query-aware ranking");
        assertEquals(
                TokenCounter.cl100k().count(ctx) + q,
                r.json().path("originTokens").asInt());
    }

    @Test
    void methodsListsTheTextMethodsAndTheFullCatalog() throws Exception {
        var r = get(base, "/v1/methods");
        assertEquals(200, r.status());
        boolean semantic = false, lexical = false;
        for (JsonNode m : r.json()) {
            if (m.path("name").asText().equals("semantic")) {
                semantic = m.path("default").asBoolean() && m.path("offline").asBoolean();
            }
            if (m.path("name").asText().equals("lexical")) {
                lexical = !m.path("default").asBoolean() && m.path("offline").asBoolean();
            }
        }
        assertTrue(semantic && lexical, r.body());
        var all = get(base, "/v1/methods?family=all");
        assertEquals(200, all.status());
        // the whole catalog of this class path (here squeeze-text's methods; squeeze serve also has vision's and kv's)
        assertEquals(
                dev.squeeze.core.catalog.MethodCatalog.load().methods().size(),
                all.json().size(),
                all.body());
        assertTrue(
                all.body().contains("\"llmlingua-2\""),
                "the full catalog includes the methods the server cannot run offline");
        assertEquals(400, get(base, "/v1/methods?family=nope").status());
    }

    @Test
    void metricsCountRequestsTokensAndLatency() throws Exception {
        post(base, "/v1/compress", json(Map.of("text", TestTexts.context(40, 4), "rate", 0.5)));
        post(base, "/v1/compress", "{bad json");
        var r = get(base, "/metrics");
        assertEquals(200, r.status());
        String m = r.body();
        assertTrue(m.contains("squeeze_http_requests_total{endpoint=\"/v1/compress\",status=\"200\"}"), m);
        assertTrue(m.contains("squeeze_http_requests_total{endpoint=\"/v1/compress\",status=\"400\"}"), m);
        assertTrue(
                m.contains("squeeze_http_request_duration_seconds_bucket{endpoint=\"/v1/compress\",le=\"+Inf\"}"), m);
        long in = metric(m, "squeeze_tokens_in_total");
        long out = metric(m, "squeeze_tokens_out_total");
        assertTrue(in > 0 && out > 0 && out < in, "tokens in " + in + ", out " + out);
        assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
    }

    static long metric(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " "))
                return Long.parseLong(line.substring(name.length() + 1).trim());
        }
        throw new AssertionError(name + " missing from\n" + text);
    }
}
