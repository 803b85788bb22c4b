package dev.squeeze.server;

import static dev.squeeze.server.ServerTestSupport.get;
import static dev.squeeze.server.ServerTestSupport.json;
import static dev.squeeze.server.ServerTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.CompressorFactory;
import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.PromptCompressor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** API key, saturation (429) and slow clients, each on its own small server. */
class LimitsTest {

    @Test
    void apiKeyIsRequiredAndComparedExactly() throws Exception {
        try (SqueezeServer s = SqueezeServer.start(
                ServerConfig.builder().port(0).apiKey("s3cret-key").build())) {
            URI b = s.uri();
            String body = json(Map.of("text", TestTexts.context(10, 1)));
            var missing = post(b, "/v1/compress", body);
            assertEquals(401, missing.status());
            assertEquals("unauthorized", missing.errorType());
            assertTrue(missing.errorMessage().contains("X-Squeeze-Api-Key"));
            assertEquals(
                    401,
                    post(b, "/v1/compress", body, "X-Squeeze-Api-Key", "s3cret-kez")
                            .status());
            assertEquals(
                    401,
                    post(b, "/v1/compress", body, "X-Squeeze-Api-Key", "s3cret-key-longer")
                            .status());
            assertEquals(
                    401, post(b, "/v1/compress", body, "X-Squeeze-Api-Key", "").status());
            assertEquals(401, get(b, "/metrics").status());
            assertEquals(
                    200,
                    post(b, "/v1/compress", body, "X-Squeeze-Api-Key", "s3cret-key")
                            .status());
            assertEquals(
                    200,
                    post(b, "/v1/compress", body, "Authorization", "Bearer s3cret-key")
                            .status());
            assertEquals(200, get(b, "/health").status(), "health stays open for probes");
        }
    }

    /** A compressor that blocks until released: holds the single worker so the next request finds no room. */
    static final class BlockingFactory implements CompressorFactory {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String name() {
            return "blocking";
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
                    return "blocking";
                }

                @Override
                public CompressionResult compress(CompressionRequest r) {
                    entered.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new CompressionResult(r.text(), 1, 1, 1.0, "blocking", 0);
                }
            };
        }
    }

    @Test
    void saturatedWorkersAnswer429AndRecover() throws Exception {
        BlockingFactory blocking = new BlockingFactory();
        CompressorRegistry reg = new CompressorRegistry(List.of(blocking));
        try (SqueezeServer s = SqueezeServer.start(
                ServerConfig.builder().port(0).workers(1).queue(1).build(), reg)) {
            URI b = s.uri();
            String body = "{\"text\": \"hello there\", \"method\": \"blocking\"}";
            CompletableFuture<ServerTestSupport.Reply> first = CompletableFuture.supplyAsync(() -> call(b, body));
            assertTrue(blocking.entered.await(10, TimeUnit.SECONDS), "first request reached the worker");
            CompletableFuture<ServerTestSupport.Reply> queued = CompletableFuture.supplyAsync(() -> call(b, body));
            // The queue slot fills asynchronously: wait until the server reports it taken, then one more is refused.
            boolean full = false;
            for (int i = 0; i < 200 && !full; i++) {
                full = get(b, "/metrics").body().contains("\nsqueeze_queue_depth 1\n");
                if (!full) Thread.sleep(20);
            }
            assertTrue(full, "second request queued");
            var refused = post(b, "/v1/compress", body);
            assertEquals(429, refused.status(), refused.body());
            assertEquals("overloaded", refused.errorType());
            assertEquals("1", refused.raw().headers().firstValue("Retry-After").orElse(""));
            blocking.release.countDown();
            assertEquals(200, first.get(10, TimeUnit.SECONDS).status());
            assertEquals(200, queued.get(10, TimeUnit.SECONDS).status());
            assertEquals(200, post(b, "/v1/compress", body).status(), "serves again once the pool drains");
            assertTrue(get(b, "/metrics").body().contains("squeeze_rejected_total "));
        }
    }

    static ServerTestSupport.Reply call(URI b, String body) {
        try {
            return post(b, "/v1/compress", body);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void slowlorisIsCutOffWhileOthersAreServed() throws Exception {
        long idle = 300;
        try (SqueezeServer s = SqueezeServer.start(
                ServerConfig.builder().port(0).idleTimeoutMs(idle).build())) {
            URI b = s.uri();
            byte[] head =
                    "POST /v1/compress HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Pad: aaaaaaaa\r\n"
                            .getBytes(StandardCharsets.US_ASCII);
            long t0 = System.nanoTime();
            boolean cutOff = false;
            try (Socket sock = new Socket(b.getHost(), b.getPort())) {
                sock.setSoTimeout(5000);
                OutputStream out = sock.getOutputStream();
                InputStream in = sock.getInputStream();
                for (int i = 0; i < head.length && !cutOff; i++) {
                    try {
                        out.write(head[i]);
                        out.flush();
                    } catch (SocketException e) {
                        cutOff = true; // reset: the server closed the connection
                        break;
                    }
                    // Another client is served normally while this one drips.
                    if (i == 1) assertEquals(200, get(b, "/health").status());
                    Thread.sleep(2 * idle);
                    // After an idle gap the server has closed its side: a read sees EOF, a reset, or an error reply.
                    sock.setSoTimeout(50);
                    try {
                        int c = in.read();
                        if (c >= 0) {
                            String rest =
                                    (char) c + new String(in.readNBytes(in.available()), StandardCharsets.ISO_8859_1);
                            assertTrue(!rest.startsWith("HTTP/1.1 2"), rest); // Jetty may answer 408 before closing
                        }
                        cutOff = true;
                    } catch (java.net.SocketTimeoutException stillOpen) {
                        // not closed yet: keep dripping
                    } catch (SocketException reset) {
                        cutOff = true;
                    }
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(cutOff, "a client sending headers slower than the idle timeout must be disconnected");
            assertTrue(ms < 20 * idle, "cut off after " + ms + " ms");
            assertEquals(200, get(b, "/health").status(), "the server still serves others");
        }
    }

    @Test
    void slowBodyIsCutOffToo() throws Exception {
        long idle = 300;
        try (SqueezeServer s = SqueezeServer.start(
                ServerConfig.builder().port(0).idleTimeoutMs(idle).build())) {
            URI b = s.uri();
            try (Socket sock = new Socket(b.getHost(), b.getPort())) {
                sock.setSoTimeout(5000);
                OutputStream out = sock.getOutputStream();
                out.write("POST /v1/compress HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"text\""
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long t0 = System.nanoTime();
                String reply;
                try {
                    reply = new String(sock.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                } catch (SocketException reset) {
                    reply = "";
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 4000, "closed after " + ms + " ms");
                assertTrue(!reply.startsWith("HTTP/1.1 2"), reply);
            }
            assertEquals(200, get(b, "/health").status());
        }
    }

    @Test
    void configRejectsDisabledLimits() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> ServerConfig.builder().maxBodyBytes(0).build());
        assertTrue(e.getMessage().contains("max-body-bytes"));
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> ServerConfig.builder().upstream(URI.create("ftp://x")).build());
        assertEquals("127.0.0.1", ServerConfig.builder().build().host(), "loopback by default");
    }
}
