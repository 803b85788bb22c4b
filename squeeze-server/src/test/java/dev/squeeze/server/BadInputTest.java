package dev.squeeze.server;

import static dev.squeeze.server.ServerTestSupport.get;
import static dev.squeeze.server.ServerTestSupport.json;
import static dev.squeeze.server.ServerTestSupport.post;
import static dev.squeeze.server.ServerTestSupport.postBytes;
import static dev.squeeze.server.ServerTestSupport.postChunked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every bad request gets a clear 4xx JSON error, and the server keeps serving after each one. */
class BadInputTest {
    static SqueezeServer server;
    static URI base;

    @BeforeAll
    static void start() {
        server = SqueezeServer.start(ServerConfig.builder()
                .port(0)
                .workers(2)
                .maxBodyBytes(64 * 1024)
                .maxTokens(2000)
                .build());
        base = server.uri();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void stillServing() throws Exception {
        assertEquals(200, get(base, "/health").status(), "the server must keep serving after a bad request");
        var ok = post(base, "/v1/compress", json(Map.of("text", TestTexts.context(20, 9), "rate", 0.5)));
        assertEquals(200, ok.status(), ok.body());
    }

    private static void assertError(ServerTestSupport.Reply r, int status, String type, String mentions) {
        assertEquals(status, r.status(), r.body());
        assertEquals(type, r.errorType(), r.body());
        assertTrue(
                r.errorMessage().contains(mentions), "message '" + r.errorMessage() + "' should mention " + mentions);
        assertFalse(r.body().contains("\tat "), "no stack trace in " + r.body());
        assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    @Test
    void malformedJson() throws Exception {
        assertError(post(base, "/v1/compress", "{\"text\": \"abc\", "), 400, "invalid_json", "not valid JSON");
        assertError(post(base, "/v1/compress", "[1, 2]"), 400, "invalid_json", "must be a JSON object");
        assertError(post(base, "/v1/compress", ""), 400, "invalid_request", "empty");
        assertError(
                post(base, "/v1/compress", "{\"text\":\"a\",\"text\":\"b\"}"), 400, "invalid_json", "Duplicate field");
        assertError(post(base, "/v1/compress", "{\"text\":\"a b c\"} trailing"), 400, "invalid_json", "not valid JSON");
        assertError(post(base, "/v1/compress", "[".repeat(200)), 400, "invalid_json", "not valid JSON");
    }

    @Test
    void wrongTypesAndValues() throws Exception {
        assertError(post(base, "/v1/compress", "{\"text\": 42}"), 400, "invalid_request", "'text' must be a string");
        assertError(
                post(base, "/v1/compress", "{\"text\": \"a b\", \"rate\": \"half\"}"),
                400,
                "invalid_request",
                "'rate' must be a number");
        assertError(
                post(base, "/v1/compress", "{\"text\": \"a b\", \"targetTokens\": 1.5}"),
                400,
                "invalid_request",
                "'targetTokens' must be an integer");
        assertError(
                post(base, "/v1/compress", "{\"text\": \"a b\", \"rate\": 1.5}"),
                400,
                "invalid_request",
                "rate must be in (0, 1]");
        assertError(
                post(base, "/v1/compress", "{\"text\": \"a b\", \"rate\": 0.5, \"targetTokens\": 3}"),
                400,
                "invalid_request",
                "at most one");
        assertError(post(base, "/v1/compress", "{\"text\": \"\"}"), 400, "invalid_request", "empty");
        assertError(post(base, "/v1/compress", "{\"txt\": \"a b\"}"), 400, "invalid_request", "unknown field 'txt'");
        assertError(
                post(base, "/v1/compress", "{\"messages\": \"hi\"}"),
                400,
                "invalid_request",
                "'messages' must be an array");
        assertError(
                post(base, "/v1/compress", "{\"messages\": [{\"role\": \"user\"}]}"),
                400,
                "invalid_request",
                "content is missing");
        assertError(
                post(base, "/v1/compress", "{\"text\": \"a b\", \"encoding\": \"p50k\"}"),
                400,
                "invalid_request",
                "unknown encoding");
        assertError(
                post(base, "/v1/compress", "{\"text\": \"a\\u0000b\"}"), 400, "invalid_request", "control character");
        assertError(
                post(base, "/v1/compress", "{\"text\": \"a \\ud800 b\"}"),
                400,
                "invalid_request",
                "unpaired surrogate");
    }

    @Test
    void unknownMethodNamesTheKnownOnes() throws Exception {
        var r = post(base, "/v1/compress", "{\"text\": \"a b c\", \"method\": \"gzip\"}");
        assertError(r, 400, "unknown_method", "unknown method 'gzip'");
        assertTrue(r.errorMessage().contains("lexical"));
    }

    @Test
    void invalidUtf8() throws Exception {
        byte[] head = "{\"text\": \"caf".getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(head, head.length + 4);
        body[head.length] = (byte) 0xC3; // a lead byte followed by a non-continuation byte
        body[head.length + 1] = (byte) 0x28;
        body[head.length + 2] = '"';
        body[head.length + 3] = '}';
        assertError(postBytes(base, "/v1/compress", body), 400, "invalid_encoding", "not valid UTF-8");
    }

    @Test
    void oversizeBodies() throws Exception {
        byte[] big = ("{\"text\": \"" + "x ".repeat(40_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertError(postBytes(base, "/v1/compress", big), 413, "body_too_large", "65536 bytes");
        assertError(postChunked(base, "/v1/compress", big), 413, "body_too_large", "65536 bytes");
    }

    @Test
    void tokenCap() throws Exception {
        String text = TestTexts.context(300, 5); // ~3.6k tokens > 2000
        assertError(post(base, "/v1/compress", json(Map.of("text", text))), 413, "too_many_tokens", "at most 2000");
    }

    @Test
    void unknownPathAndWrongMethod() throws Exception {
        assertError(get(base, "/v2/nothing"), 404, "not_found", "/v1/compress");
        var r = get(base, "/v1/compress");
        assertError(r, 405, "method_not_allowed", "use POST");
        assertEquals("POST", r.raw().headers().firstValue("Allow").orElse(""));
        assertError(post(base, "/v1/chat/completions", "{}"), 404, "proxy_disabled", "--upstream");
    }

    @Test
    void oversizeHeadersGetJson431() throws Exception {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(reply.startsWith("HTTP/1.1 431"), reply);
            assertTrue(reply.contains("\"type\":\"headers_too_large\""), reply);
        }
    }

    /** Random mutations of a valid request: every answer is 200 or a JSON 4xx, never a 5xx. */
    @Test
    void fuzzedBodiesNeverCause5xx() throws Exception {
        byte[] valid = json(Map.of(
                        "text", TestTexts.context(15, 3), "rate", 0.4, "question", "vault code?", "keep", "numbers"))
                .getBytes(StandardCharsets.UTF_8);
        java.util.SplittableRandom r = new java.util.SplittableRandom(20261125);
        for (int i = 0; i < 150; i++) {
            byte[] b = valid.clone();
            int edits = 1 + r.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = r.nextInt(b.length);
                switch (r.nextInt(3)) {
                    case 0 -> b[at] = (byte) r.nextInt(256); // flip a byte
                    case 1 -> b = Arrays.copyOf(b, Math.max(1, at)); // truncate
                    default -> b[at] = (byte) "{}[]\",:0-e".charAt(r.nextInt(10)); // inject JSON syntax
                }
            }
            var reply = postBytes(base, "/v1/compress", b);
            assertTrue(
                    reply.status() == 200 || (reply.status() >= 400 && reply.status() < 500),
                    "mutation " + i + " got " + reply.status() + ": " + reply.body());
            if (reply.status() != 200) assertTrue(reply.json().path("error").has("type"), reply.body());
        }
    }

    @Test
    void malformedHttpGetsJsonFromJetty() throws Exception {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("GARBAGE\u0001 / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
            assertTrue(reply.contains("{\"error\":{\"type\":\"invalid_request\""), reply);
        }
    }
}
