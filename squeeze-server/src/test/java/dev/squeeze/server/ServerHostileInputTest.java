package dev.squeeze.server;

import static dev.squeeze.server.ServerTestSupport.json;
import static dev.squeeze.server.ServerTestSupport.post;
import static dev.squeeze.server.ServerTestSupport.postBytes;
import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.text.Cancellation;
import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.CompressorFactory;
import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.JsonCompressor;
import dev.squeeze.text.LexicalCompressorFactory;
import dev.squeeze.text.PromptCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Hostile requests and upstreams (issue #16, classes 3, 4, 12, 13, 14): each is answered with the exact status and
 * error type, and a message naming the field, value or limit (and its option).
 */
class ServerHostileInputTest {

    @Test
    void aTwoMegabyteOneWordBodyIsRefusedByTheWordCheckBeforeAnyTokenIsCounted() throws Exception {
        // max-tokens 10: had anything counted tokens first, the answer would be 413 too_many_tokens
        try (SqueezeServer s =
                SqueezeServer.start(ServerConfig.builder().port(0).maxTokens(10).build())) {
            String word = "a".repeat(2_000_000);
            var r = post(s.uri(), "/v1/compress", json(Map.of("text", word, "rate", 0.5)));
            assertEquals(422, r.status(), r.body());
            assertEquals("word_too_long", r.errorType());
            assertTrue(
                    r.errorMessage().contains("'text'")
                            && r.errorMessage().contains("2000000-character word")
                            && r.errorMessage().contains("offset 0")
                            && r.errorMessage().contains("--max-word-chars"),
                    r.errorMessage());
            var m = post(
                    s.uri(),
                    "/v1/compress",
                    json(Map.of(
                            "messages",
                            List.of(
                                    Map.of("role", "system", "content", "ok"),
                                    Map.of("role", "user", "content", "x " + "=".repeat(5_000))))));
            assertEquals(422, m.status(), m.body());
            assertTrue(
                    m.errorMessage().contains("messages[1].content")
                            && m.errorMessage().contains("offset 2"),
                    m.errorMessage());
            var q = post(s.uri(), "/v1/compress", json(Map.of("text", "short", "question", "b".repeat(1_001))));
            assertEquals(422, q.status(), q.body());
            assertTrue(q.errorMessage().contains("'question'"), q.errorMessage());
        }
    }

    @Test
    void theProxyForwardsAMessageWithAnOverlongWordWithoutCountingOrCompressingIt() throws Exception {
        try (UpstreamStub up = new UpstreamStub();
                SqueezeServer s = SqueezeServer.start(ServerConfig.builder()
                        .port(0)
                        .upstream(up.baseUri())
                        .maxTokens(10)
                        .build())) {
            String word = "z".repeat(100_000);
            var r = post(
                    s.uri(),
                    "/v1/chat/completions",
                    json(Map.of(
                            "model",
                            "m",
                            "messages",
                            List.of(
                                    Map.of("role", "system", "content", word),
                                    Map.of("role", "user", "content", "hi")))));
            assertEquals(200, r.status(), r.body());
            assertTrue(up.lastBody.contains(word), "forwarded unchanged");
        }
    }

    /** A method that runs until its thread is interrupted, checking for cancellation like the real ones do. */
    static final class EndlessFactory implements CompressorFactory {
        final CountDownLatch cancelled = new CountDownLatch(1);

        @Override
        public String name() {
            return "endless";
        }

        @Override
        public java.util.Optional<dev.squeeze.core.catalog.MethodInfo> info() {
            return java.util.Optional.empty();
        }

        @Override
        public PromptCompressor create(Map<String, String> options) {
            return new PromptCompressor() {
                @Override
                public String method() {
                    return "endless";
                }

                @Override
                public CompressionResult compress(CompressionRequest r) {
                    try {
                        while (true) {
                            Cancellation.check("in the endless method");
                            Thread.onSpinWait();
                        }
                    } catch (java.util.concurrent.CancellationException e) {
                        cancelled.countDown();
                        throw e;
                    }
                }
            };
        }
    }

    /** Returns its input as is: proves a worker is free without depending on how fast a real method runs. */
    static final class EchoFactory implements CompressorFactory {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public java.util.Optional<dev.squeeze.core.catalog.MethodInfo> info() {
            return java.util.Optional.empty();
        }

        @Override
        public PromptCompressor create(Map<String, String> options) {
            return new PromptCompressor() {
                @Override
                public String method() {
                    return "echo";
                }

                @Override
                public CompressionResult compress(CompressionRequest r) {
                    return new CompressionResult(r.text(), 1, 1, 1.0, "echo", 0);
                }
            };
        }
    }

    @Test
    void aRequestPastItsDeadlineIs503AndItsWorkerIsFreed() throws Exception {
        EndlessFactory endless = new EndlessFactory();
        CompressorRegistry reg = new CompressorRegistry(List.of(endless, new EchoFactory()));
        dev.squeeze.text.TokenCounter.cl100k()
                .count("warm"); // the vocabulary loads once per JVM, not inside a deadline
        try (SqueezeServer s = SqueezeServer.start(
                ServerConfig.builder()
                        .port(0)
                        .workers(1)
                        .queue(1)
                        .requestTimeoutMs(2_000)
                        .build(),
                reg)) {
            var r = post(s.uri(), "/v1/compress", json(Map.of("text", "hello there", "method", "endless")));
            assertEquals(503, r.status(), r.body());
            assertEquals("deadline_exceeded", r.errorType());
            assertTrue(
                    r.errorMessage().contains("2000 ms") && r.errorMessage().contains("--request-timeout-ms"),
                    r.errorMessage());
            assertTrue(endless.cancelled.await(10, TimeUnit.SECONDS), "the method saw the interrupt and stopped");
            var ok = post(s.uri(), "/v1/compress", json(Map.of("text", "hello again", "method", "echo")));
            assertEquals(200, ok.status(), "the single worker serves again: " + ok.body());
        }
    }

    @Test
    void theMemoryEstimateRefusesWhatCannotFitAndQueuesNothingPastTheBudget() throws Exception {
        LimitsTest.BlockingFactory holding = new LimitsTest.BlockingFactory(); // holds its memory lease until released
        CompressorRegistry reg = new CompressorRegistry(List.of(holding, new LexicalCompressorFactory()));
        long budget = 8L << 20; // 8 MiB: a 100 KB body is estimated at 4 MB, a 300 KB one at 12 MB
        try (SqueezeServer s = SqueezeServer.start(
                ServerConfig.builder()
                        .port(0)
                        .workers(2)
                        .memoryBudgetBytes(budget)
                        .build(),
                reg)) {
            URI b = s.uri();
            String big = TestTexts.context(5_000, 3);
            assertTrue(big.length() > 300_000, "context of " + big.length());
            var tooBig = post(b, "/v1/compress", json(Map.of("text", big)));
            assertEquals(413, tooBig.status(), tooBig.body());
            assertEquals("insufficient_memory", tooBig.errorType());
            assertTrue(
                    tooBig.errorMessage().contains("MiB")
                            && tooBig.errorMessage().contains("--memory-budget-mb"),
                    tooBig.errorMessage());
            String mid = "\"" + "word ".repeat(24_000) + "\""; // ~120 KB: 4.8 MB estimated, two do not fit in 8 MiB
            String body = "{\"text\": " + mid + ", \"method\": \"blocking\"}";
            CompletableFuture<ServerTestSupport.Reply> first =
                    CompletableFuture.supplyAsync(() -> LimitsTest.call(b, body));
            assertTrue(holding.entered.await(10, TimeUnit.SECONDS));
            var second = post(b, "/v1/compress", body);
            assertEquals(429, second.status(), second.body());
            assertEquals("overloaded", second.errorType());
            assertTrue(second.errorMessage().contains("memory"), second.errorMessage());
            holding.release.countDown();
            assertEquals(200, first.get(10, TimeUnit.SECONDS).status());
            assertEquals(200, post(b, "/v1/compress", body).status(), "the lease was returned");
        }
    }

    @Test
    void deeplyNestedJsonForTheJsonMethodIsA400NotA500() throws Exception {
        try (SqueezeServer s =
                SqueezeServer.start(ServerConfig.builder().port(0).build())) {
            // "[ [ [": spaced, or the 2,000 brackets would be one 2,000-character word (refused by --max-word-chars)
            String doc = "[ ".repeat(2_000) + "\"" + "word ".repeat(50) + "\"" + " ]".repeat(2_000);
            var r = post(s.uri(), "/v1/compress", json(Map.of("text", doc, "method", "json")));
            assertEquals(400, r.status(), r.body());
            assertEquals("invalid_request", r.errorType());
            assertTrue(r.errorMessage().contains(Integer.toString(JsonCompressor.MAX_DEPTH)), r.errorMessage());
        }
    }

    @Test
    void invalidUtf8NamesTheByteOffset() throws Exception {
        try (SqueezeServer s =
                SqueezeServer.start(ServerConfig.builder().port(0).build())) {
            byte[] b = "{\"text\": \"abc\u00e9\"}".getBytes(StandardCharsets.UTF_8);
            b[13] = (byte) 0xFF; // the first byte of the é
            var r = postBytes(s.uri(), "/v1/compress", b);
            assertEquals(400, r.status(), r.body());
            assertEquals("invalid_encoding", r.errorType());
            assertTrue(r.errorMessage().contains("offset 13"), r.errorMessage());
        }
    }

    @Test
    void aStalledBodyIs408() throws Exception {
        long idle = 300;
        try (SqueezeServer s = SqueezeServer.start(
                        ServerConfig.builder().port(0).idleTimeoutMs(idle).build());
                Socket sock = new Socket(s.uri().getHost(), s.uri().getPort())) {
            sock.setSoTimeout(10_000);
            OutputStream out = sock.getOutputStream();
            out.write(
                    "POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"text\""
                            .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new String(readHead(sock.getInputStream()), StandardCharsets.ISO_8859_1);
            assertTrue(reply.startsWith("HTTP/1.1 408"), reply);
            assertTrue(
                    reply.contains("request_timeout")
                            || reply.toLowerCase(java.util.Locale.ROOT).contains("connection: close"),
                    reply);
        }
    }

    static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        try {
            while ((n = in.read(buf)) > 0) {
                b.write(buf, 0, n);
                if (b.toString(StandardCharsets.ISO_8859_1).contains("}")) break;
            }
        } catch (java.net.SocketException reset) {
            // what was read is the answer
        }
        return b.toByteArray();
    }

    /** A raw HTTP/1.1 upstream answering every request with {@code response} (status line, headers, body). */
    static final class RawUpstream implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0);

        RawUpstream(String response) throws IOException {
            Thread t = new Thread(
                    () -> {
                        while (!server.isClosed()) {
                            try (Socket c = server.accept()) {
                                InputStream in = c.getInputStream();
                                String head = new String(readUntilBlankLine(in), StandardCharsets.ISO_8859_1);
                                int len = 0;
                                for (String line : head.split("\r\n")) {
                                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                                        len = Integer.parseInt(
                                                line.substring(15).trim());
                                }
                                in.readNBytes(len);
                                c.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                                c.getOutputStream().flush();
                            } catch (IOException closed) {
                                return;
                            }
                        }
                    },
                    "raw-upstream");
            t.setDaemon(true);
            t.start();
        }

        static byte[] readUntilBlankLine(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                b.write(c);
                byte[] a = b.toByteArray();
                int n = a.length;
                if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') break;
            }
            return b.toByteArray();
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1");
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    static String chat() {
        return json(Map.of("model", "m", "messages", List.of(Map.of("role", "user", "content", "hi"))));
    }

    @Test
    void anUpstreamStatusOutsideHttpIs502() throws Exception {
        for (String status : new String[] {"999", "600", "099"}) {
            try (RawUpstream up = new RawUpstream(
                            "HTTP/1.1 " + status + " Odd\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
                    SqueezeServer s = SqueezeServer.start(
                            ServerConfig.builder().port(0).upstream(up.base()).build())) {
                var r = post(s.uri(), "/v1/chat/completions", chat());
                assertEquals(502, r.status(), status + ": " + r.body());
                // 999 reaches us as a status; HttpClient itself refuses some status lines (a protocol error)
                if (status.equals("999")) assertEquals("upstream_bad_status", r.errorType());
                else
                    assertTrue(
                            r.errorType().equals("upstream_bad_status")
                                    || r.errorType().equals("upstream_bad_response"),
                            r.body());
                assertTrue(
                        r.errorMessage().contains(status.replaceFirst("^0", ""))
                                || r.errorType().equals("upstream_bad_response"),
                        r.errorMessage());
            }
        }
    }

    @Test
    void headersTheUpstreamNamesInConnectionAreNotRelayed() throws Exception {
        String reply =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: X-Hop-Secret, close\r\n"
                        + "X-Hop-Secret: upstream-internal\r\nX-Kept: yes\r\n\r\n{}";
        try (RawUpstream up = new RawUpstream(reply);
                SqueezeServer s = SqueezeServer.start(
                        ServerConfig.builder().port(0).upstream(up.base()).build())) {
            var r = post(s.uri(), "/v1/chat/completions", chat());
            assertEquals(200, r.status(), r.body());
            assertEquals("yes", r.raw().headers().firstValue("X-Kept").orElse(""));
            assertTrue(
                    r.raw().headers().firstValue("X-Hop-Secret").isEmpty(),
                    r.raw().headers().map().toString());
        }
    }

    @Test
    void aNonAsciiApiKeyIsRefusedAtStartupWithTheReason() {
        for (String key : new String[] {"schl\u00fcssel", "key with space", "tab\tkey", "\u5bc6\u94a5"}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> ServerConfig.builder().apiKey(key).build());
            assertTrue(e.getMessage().contains("api key") && e.getMessage().contains("ASCII"), e.getMessage());
        }
        assertEquals(
                "Ok-key_1.~!",
                ServerConfig.builder().apiKey("Ok-key_1.~!").build().apiKey());
    }

    @Test
    void newLimitsRejectDisablingValues() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ServerConfig.builder().maxWordChars(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ServerConfig.builder().requestTimeoutMs(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ServerConfig.builder().memoryBudgetBytes(0).build());
        IllegalArgumentException q = assertThrows(
                IllegalArgumentException.class,
                () -> ServerConfig.builder().queue(Integer.MAX_VALUE).build());
        assertTrue(q.getMessage().contains("queue"), q.getMessage());
        assertTrue(ServerConfig.builder().build().memoryBudgetBytes() > 0);
    }
}
