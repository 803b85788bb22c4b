package dev.squeeze.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * Forwards a request to the upstream OpenAI-compatible API with {@link HttpClient} and hands back the
 * response as a stream, so server-sent events reach the client chunk by chunk. Request headers pass through
 * except hop-by-hop ones (RFC 9110 section 7.6.1), those the JDK client sets itself, and Squeeze's own. The
 * timeout bounds connecting, the wait for the response headers, and every silence within the body.
 *
 * <p>The client runs its asynchronous work on an executor this class owns, so {@link #close} stops it by shutting
 * that executor down (Java 17 has no {@code HttpClient.close()}); the client's selector thread ends when the
 * client is collected.
 */
final class Upstream implements AutoCloseable {
    /** Hop-by-hop headers and headers HttpClient owns; never forwarded in either direction. */
    static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "proxy-authenticate",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "host",
            "content-length",
            "expect",
            "http2-settings");

    private final URI base;
    private final Duration timeout;
    private final HttpClient client;
    private final ExecutorService clientThreads = Executors.newCachedThreadPool(daemon("squeeze-upstream-client"));
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "squeeze-upstream-watchdog");
        t.setDaemon(true);
        return t;
    });

    Upstream(URI base, long timeoutMs) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.timeout = Duration.ofMillis(timeoutMs);
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(clientThreads);
        // Plain-text upstreams (local vLLM, llama.cpp, test stubs) speak HTTP/1.1; h2c upgrade would add a round trip.
        if ("http".equalsIgnoreCase(base.getScheme())) b.version(HttpClient.Version.HTTP_1_1);
        this.client = b.build();
    }

    /** {@code base + path}, e.g. {@code https://api.openai.com/v1} + {@code /chat/completions}. */
    URI resolve(String path) {
        return URI.create(base + path);
    }

    /** Sends the request; returns once the upstream's status and headers have arrived (or the timeout passed). */
    HttpResponse<InputStream> post(String path, HttpFields clientHeaders, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(resolve(path))
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        Set<String> connectionListed = connectionTokens(clientHeaders);
        for (HttpField f : clientHeaders) {
            String name = f.getLowerCaseName();
            if (HOP_BY_HOP.contains(name) || connectionListed.contains(name) || name.startsWith("x-squeeze-")) continue;
            try {
                rb.header(f.getName(), f.getValue());
            } catch (IllegalArgumentException restricted) {
                // A header the JDK client refuses to set (it manages it itself): dropping it is what a proxy does.
            }
        }
        return client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * The upstream's body, closed (which cancels the exchange) when the upstream sends nothing for the timeout:
     * HttpClient's own timeout stops at the response headers, and a stalled stream must not hold a relay forever.
     */
    InputStream idleGuarded(InputStream in) {
        return new IdleGuardedStream(in, timeout.toNanos(), watchdog);
    }

    private static final class IdleGuardedStream extends FilterInputStream {
        private final long timeoutNanos;
        private final ScheduledFuture<?> check;
        private volatile long last = System.nanoTime();
        private volatile boolean timedOut;

        IdleGuardedStream(InputStream in, long timeoutNanos, ScheduledExecutorService watchdog) {
            super(in);
            this.timeoutNanos = timeoutNanos;
            long period = Math.max(10, timeoutNanos / 4_000_000); // check 4x per timeout, in ms
            this.check = watchdog.scheduleAtFixedRate(this::checkIdle, period, period, TimeUnit.MILLISECONDS);
        }

        private void checkIdle() {
            if (System.nanoTime() - last > timeoutNanos) {
                timedOut = true;
                check.cancel(false);
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing is all we can do
                }
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = in.read(b, off, len);
                last = System.nanoTime();
                if (timedOut) throw idle();
                return n;
            } catch (IOException e) {
                if (timedOut) throw idle();
                throw e;
            }
        }

        private IOException idle() {
            return new IOException("upstream sent nothing for " + timeoutNanos / 1_000_000 + " ms");
        }

        @Override
        public void close() throws IOException {
            check.cancel(false);
            super.close();
        }
    }

    /** Header names listed in the Connection header: hop-by-hop by declaration. */
    static Set<String> connectionTokens(HttpFields headers) {
        List<String> values = new ArrayList<>();
        for (HttpField f : headers) if (f.getLowerCaseName().equals("connection")) values.add(f.getValue());
        return connectionTokens(values);
    }

    /** The same for the values of an upstream response's Connection headers (lower-cased names). */
    static Set<String> connectionTokens(List<String> connectionValues) {
        Set<String> out = new TreeSet<>();
        for (String v : connectionValues) {
            for (String t : v.split(",")) out.add(t.trim().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** Daemon threads named {@code name-N}. */
    static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        clientThreads.shutdownNow();
    }
}
