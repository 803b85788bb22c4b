package dev.squeeze.server;

import static dev.squeeze.server.ServerTestSupport.CLIENT;
import static dev.squeeze.server.ServerTestSupport.OM;
import static dev.squeeze.server.ServerTestSupport.json;
import static dev.squeeze.server.ServerTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.squeeze.text.TokenCounter;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible proxy against a recording upstream stub on loopback. */
class ProxyTest {
    static UpstreamStub stub;
    static SqueezeServer server;
    static URI base;

    @BeforeAll
    static void start() throws Exception {
        stub = new UpstreamStub();
        server = SqueezeServer.start(ServerConfig.builder()
                .port(0)
                .upstream(stub.baseUri())
                .proxyMinTokens(200)
                .proxyRate(0.3)
                .apiKey("proxy-key")
                .upstreamTimeoutMs(5000)
                .build());
        base = server.uri();
    }

    @AfterAll
    static void stop() {
        server.close();
        stub.close();
    }

    private static String chatBody(String context, boolean stream) {
        return json(Map.of(
                "model",
                "gpt-4o-mini",
                "stream",
                stream,
                "temperature",
                0,
                "messages",
                List.of(
                        Map.of("role", "system", "content", "You answer from the context. Context:\n" + context),
                        Map.of("role", "assistant", "content", "Understood."),
                        Map.of("role", "user", "content", TestTexts.QUESTION))));
    }

    @Test
    void forwardsACompressedRequestWithHeadersAndTheQuestionIntact() throws Exception {
        String ctx = TestTexts.context(150, 11);
        String sent = chatBody(ctx, false);
        var r = post(
                base,
                "/v1/chat/completions",
                sent,
                "Authorization",
                "Bearer sk-upstream",
                "X-Squeeze-Api-Key",
                "proxy-key",
                "OpenAI-Organization",
                "org-42",
                "X-Custom",
                "kept");
        assertEquals(200, r.status(), r.body());
        assertEquals(UpstreamStub.JSON_REPLY, r.body(), "the upstream's body is relayed byte for byte");
        assertEquals("stub", r.raw().headers().firstValue("X-Upstream").orElse(""), "upstream headers pass back");

        assertEquals("/v1/chat/completions", stub.lastPath);
        Map<String, List<String>> h = stub.lastHeaders;
        assertEquals(List.of("Bearer sk-upstream"), h.get("authorization"));
        assertEquals(List.of("org-42"), h.get("openai-organization"));
        assertEquals(List.of("kept"), h.get("x-custom"));
        assertFalse(h.containsKey("x-squeeze-api-key"), "the proxy's own key never reaches the upstream");

        JsonNode fwd = OM.readTree(stub.lastBody);
        JsonNode orig = OM.readTree(sent);
        assertEquals(orig.path("model"), fwd.path("model"));
        assertEquals(orig.path("temperature"), fwd.path("temperature"));
        JsonNode msgs = fwd.path("messages");
        assertEquals(3, msgs.size());
        assertEquals(TestTexts.QUESTION, msgs.get(2).path("content").asText(), "the last user question is intact");
        assertEquals("Understood.", msgs.get(1).path("content").asText(), "short messages are left alone");
        TokenCounter tc = TokenCounter.cl100k();
        String sys = msgs.get(0).path("content").asText();
        int before = tc.count(orig.path("messages").get(0).path("content").asText());
        int after = tc.count(sys);
        assertTrue(after < 0.45 * before, "system context compressed at rate 0.3: " + before + " -> " + after);
        assertTrue(sys.contains("7421-ALPHA"), "the answer survives query-aware compression");

        long saved = Long.parseLong(
                r.raw().headers().firstValue("X-Squeeze-Tokens-Saved").orElseThrow());
        assertEquals(before - after, saved);
        assertEquals(
                "1",
                r.raw().headers().firstValue("X-Squeeze-Compressed-Messages").orElse(""));
    }

    @Test
    void fieldsOutsideTheMessagesAreForwardedVerbatim() throws Exception {
        String body =
                "{\"model\":\"m\",\"top_p\":0.10,\"seed\":123456789012345678901234,\"logit_bias\":{\"50256\":-100},"
                        + "\"x\":1e400,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"caf\u00e9 \\u00e9 \\ud83d\\ude00\"}]}";
        var r = post(base, "/v1/chat/completions", body, "X-Squeeze-Api-Key", "proxy-key");
        assertEquals(200, r.status(), r.body());
        String fwd = stub.lastBody;
        for (String part : new String[] {
            "\"top_p\":0.10",
            "\"seed\":123456789012345678901234",
            "\"logit_bias\":{\"50256\":-100}",
            "\"x\":1E+400",
            "\"parameters\":{}"
        }) {
            assertTrue(fwd.contains(part), part + " in " + fwd);
        }
        assertEquals(
                "caf\u00e9 \u00e9 \ud83d\ude00",
                OM.readTree(fwd).path("messages").get(0).path("content").asText());
    }

    @Test
    void hopByHopHeadersAreNotForwarded() throws Exception {
        byte[] body = chatBody("short context", false).getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "X-Squeeze-Api-Key: proxy-key\r\nConnection: close, X-Hop\r\nX-Hop: dropped\r\nKeep-Alive: timeout=5\r\n"
                + "TE: trailers\r\nX-End-To-End: kept\r\nContent-Length: " + body.length + "\r\n\r\n";
        try (java.net.Socket sock = new java.net.Socket(base.getHost(), base.getPort())) {
            sock.setSoTimeout(10_000);
            sock.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            sock.getOutputStream().write(body);
            sock.getOutputStream().flush();
            String reply = new String(sock.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
        }
        Map<String, List<String>> h = stub.lastHeaders;
        assertEquals(List.of("kept"), h.get("x-end-to-end"));
        assertFalse(h.containsKey("x-hop"), "headers named in Connection are hop-by-hop");
        assertFalse(h.containsKey("keep-alive"));
        assertFalse(h.containsKey("te"));
    }

    @Test
    void streamsServerSentEventsChunkByChunkInOrder() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20))
                .header("X-Squeeze-Api-Key", "proxy-key")
                .header("Authorization", "Bearer sk-upstream")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody(TestTexts.context(150, 12), true)))
                .build();
        HttpResponse<InputStream> resp = CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, resp.statusCode());
        assertEquals(
                "text/event-stream", resp.headers().firstValue("Content-Type").orElse(""));
        assertNotNull(resp.headers().firstValue("X-Squeeze-Tokens-Saved").orElse(null));
        List<String> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                    // The upstream holds back event 2 until the client has event 1: only true streaming gets here.
                    if (events.size() == 1) stub.releaseSecondEvent();
                }
            }
        }
        assertTrue(stub.streamedBeforeEnd.get(), "event 1 must reach the client before the upstream sends event 2");
        assertEquals(
                List.of(
                        "{\"choices\":[{\"delta\":{\"content\":\"7421\"}}]}",
                        "{\"choices\":[{\"delta\":{\"content\":\"-ALPHA\"}}]}",
                        "[DONE]"),
                events);
    }

    @Test
    void perRequestOverrideCanDisableCompressionAndIsNotForwarded() throws Exception {
        String ctx = TestTexts.context(150, 13);
        var body = OM.readTree(chatBody(ctx, false));
        ((com.fasterxml.jackson.databind.node.ObjectNode) body)
                .putObject("squeeze")
                .put("enabled", false);
        var r = post(base, "/v1/chat/completions", body.toString(), "X-Squeeze-Api-Key", "proxy-key");
        assertEquals(200, r.status(), r.body());
        JsonNode fwd = OM.readTree(stub.lastBody);
        assertFalse(fwd.has("squeeze"), "the override object is removed before forwarding");
        assertEquals(body.path("messages"), fwd.path("messages"));
        assertEquals("0", r.raw().headers().firstValue("X-Squeeze-Tokens-Saved").orElse(""));
    }

    @Test
    void proxyNeedsTheKeyAndValidatesTheBody() throws Exception {
        assertEquals(
                401,
                post(base, "/v1/chat/completions", chatBody("x", false), "Authorization", "Bearer proxy-key")
                        .status(),
                "on the proxy, Authorization belongs to the upstream and never authenticates to Squeeze");
        var bad = post(
                base,
                "/v1/chat/completions",
                "{\"model\":\"m\",\"messages\":\"hi\"}",
                "X-Squeeze-Api-Key",
                "proxy-key");
        assertEquals(400, bad.status());
        assertEquals("invalid_request", bad.errorType());
    }

    @Test
    void aSlowUpstreamIsNotCutOffByTheClientIdleTimeout() throws Exception {
        try (SqueezeServer s = SqueezeServer.start(ServerConfig.builder()
                .port(0)
                .upstream(stub.baseUri())
                .idleTimeoutMs(300)
                .upstreamTimeoutMs(5000)
                .build())) {
            stub.delayMs = 1200; // four idle timeouts of silence while the model "thinks"
            var r = post(s.uri(), "/v1/chat/completions", chatBody("short", false));
            assertEquals(200, r.status(), r.body());
            assertEquals(UpstreamStub.JSON_REPLY, r.body());
        } finally {
            stub.delayMs = 0;
        }
    }

    @Test
    void upstreamSlowerThanItsTimeoutIs504() throws Exception {
        try (SqueezeServer s = SqueezeServer.start(ServerConfig.builder()
                .port(0)
                .upstream(stub.baseUri())
                .upstreamTimeoutMs(300)
                .build())) {
            stub.delayMs = 1500;
            var r = post(s.uri(), "/v1/chat/completions", chatBody("short", false));
            assertEquals(504, r.status(), r.body());
            assertEquals("upstream_timeout", r.errorType());
        } finally {
            stub.delayMs = 0;
        }
    }

    @Test
    void aStalledUpstreamStreamIsCutAfterTheUpstreamTimeout() throws Exception {
        // The stub sends one event, then holds the rest for 5 s (nobody releases it here).
        UpstreamStub stalled = new UpstreamStub();
        try (stalled;
                SqueezeServer s = SqueezeServer.start(ServerConfig.builder()
                        .port(0)
                        .upstream(stalled.baseUri())
                        .upstreamTimeoutMs(400)
                        .build())) {
            HttpRequest req = HttpRequest.newBuilder(s.uri().resolve("/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString(chatBody("short", true)))
                    .build();
            long t0 = System.nanoTime();
            HttpResponse<InputStream> resp = CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, resp.statusCode());
            List<String> events = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) if (line.startsWith("data: ")) events.add(line);
            } catch (java.io.IOException truncated) {
                // the relay aborts the response: a truncated chunked stream is the expected end
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(1, events.size(), "only the event sent before the stall");
            assertTrue(ms < 4000, "the relay gave up after " + ms + " ms, before the stub's 5 s stall ended");
            assertEquals(200, ServerTestSupport.get(s.uri(), "/health").status());
        }
    }

    @Test
    void unreachableUpstreamIs502() throws Exception {
        URI dead;
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = URI.create("http://127.0.0.1:" + probe.getLocalPort() + "/v1");
        }
        try (SqueezeServer s = SqueezeServer.start(ServerConfig.builder()
                .port(0)
                .upstream(dead)
                .upstreamTimeoutMs(2000)
                .build())) {
            var r = post(s.uri(), "/v1/chat/completions", chatBody("short", false));
            assertEquals(502, r.status(), r.body());
            assertEquals("upstream_unavailable", r.errorType());
        }
    }
}
