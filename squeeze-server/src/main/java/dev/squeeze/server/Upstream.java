package dev.squeeze.server;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Forwards a request to the upstream OpenAI-compatible API with {@link HttpClient} and hands back the
 * response as a stream, so server-sent events reach the client chunk by chunk. Request headers pass through
 * except hop-by-hop ones (RFC 9110 section 7.6.1), those the JDK client sets itself, and Squeeze's own.
 */
final class Upstream implements AutoCloseable {
    /** Hop-by-hop headers and headers HttpClient owns; never forwarded in either direction. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect",
            "http2-settings");

    private final URI base;
    private final Duration timeout;
    private final HttpClient client;

    Upstream(URI base, long timeoutMs) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.timeout = Duration.ofMillis(timeoutMs);
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER);
        // Plain-text upstreams (local vLLM, llama.cpp, test stubs) speak HTTP/1.1; h2c upgrade would add a round trip.
        if ("http".equalsIgnoreCase(base.getScheme())) b.version(HttpClient.Version.HTTP_1_1);
        this.client = b.build();
    }

    /** {@code base + path}, e.g. {@code https://api.openai.com/v1} + {@code /chat/completions}. */
    URI resolve(String path) { return URI.create(base + path); }

    /** Sends the request; returns once the upstream's status and headers have arrived (or the timeout passed). */
    HttpResponse<InputStream> post(String path, HttpFields clientHeaders, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(resolve(path)).timeout(timeout)
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

    /** Header names listed in the Connection header: hop-by-hop by declaration. */
    static Set<String> connectionTokens(HttpFields headers) {
        Set<String> out = new TreeSet<>();
        for (HttpField f : headers) {
            if (f.getLowerCaseName().equals("connection")) {
                for (String t : f.getValue().split(",")) out.add(t.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    @Override
    public void close() { client.close(); }
}
