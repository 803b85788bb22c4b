package dev.squeeze.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small HTTP client for the tests. */
final class ServerTestSupport {
    static final ObjectMapper OM = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private ServerTestSupport() {}

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return OM.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("reply is not JSON: " + body, e);
            }
        }

        String errorType() {
            return json().path("error").path("type").asText();
        }

        String errorMessage() {
            return json().path("error").path("message").asText();
        }
    }

    static Reply get(URI base, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(20))
                .GET();
        if (headers.length > 0) b.headers(headers);
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    static Reply post(URI base, String path, String json, String... headers) throws IOException, InterruptedException {
        return postBytes(base, path, json.getBytes(StandardCharsets.UTF_8), headers);
    }

    static Reply postBytes(URI base, String path, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) b.headers(headers);
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    /** Posts with chunked transfer encoding (no Content-Length), so only the streaming cap can stop it. */
    static Reply postChunked(URI base, String path, byte[] body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();
        HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    static String json(Object o) {
        try {
            return OM.writeValueAsString(o);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
