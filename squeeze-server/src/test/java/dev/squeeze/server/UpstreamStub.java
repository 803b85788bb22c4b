package dev.squeeze.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fake OpenAI-compatible upstream on loopback (port 0) that records what it received. A request whose body
 * contains {@code "stream":true} gets three SSE events; the second is sent only after the test calls
 * {@link #releaseSecondEvent()} (so the test can prove the first event reached the client before the upstream
 * finished), else after 5 s with {@link #streamedBeforeEnd} left false.
 */
final class UpstreamStub implements AutoCloseable {
    static final String JSON_REPLY = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"7421-ALPHA\"},\"finish_reason\":\"stop\"}]}";

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "upstream-stub");
        t.setDaemon(true);
        return t;
    });
    volatile String lastPath;
    volatile String lastBody;
    volatile Map<String, List<String>> lastHeaders = Map.of();
    final CountDownLatch secondEvent = new CountDownLatch(1);
    final AtomicBoolean streamedBeforeEnd = new AtomicBoolean();
    /** Delay before the upstream answers (a slow model). */
    volatile long delayMs;

    UpstreamStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    void releaseSecondEvent() {
        secondEvent.countDown();
    }

    private void handle(HttpExchange ex) throws IOException {
        lastPath = ex.getRequestURI().getPath();
        lastBody = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> h = new ConcurrentHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
        lastHeaders = h;
        if (delayMs > 0) {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (lastBody.contains("\"stream\":true")) {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.getResponseHeaders().add("X-Upstream", "stub");
            ex.sendResponseHeaders(200, 0); // chunked
            try (OutputStream out = ex.getResponseBody()) {
                writeEvent(out, "{\"choices\":[{\"delta\":{\"content\":\"7421\"}}]}");
                try {
                    streamedBeforeEnd.set(secondEvent.await(5, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                writeEvent(out, "{\"choices\":[{\"delta\":{\"content\":\"-ALPHA\"}}]}");
                writeEvent(out, "[DONE]");
            }
            return;
        }
        byte[] reply = JSON_REPLY.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.getResponseHeaders().add("X-Upstream", "stub");
        ex.sendResponseHeaders(200, reply.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(reply);
        }
    }

    private static void writeEvent(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
