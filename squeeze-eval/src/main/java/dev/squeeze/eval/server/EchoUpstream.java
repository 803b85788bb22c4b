package dev.squeeze.eval.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback stand-in for an OpenAI-compatible upstream in the proxy load test: answers every chat request with
 * the last user message it received and the character length of the first message, so the client can check
 * that its own request (not another's) was forwarded and that the context arrived compressed.
 */
final class EchoUpstream implements AutoCloseable {
    private static final ObjectMapper OM = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    EchoUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    private void handle(HttpExchange ex) throws IOException {
        JsonNode req = OM.readTree(ex.getRequestBody());
        JsonNode msgs = req.path("messages");
        ObjectNode reply = OM.createObjectNode();
        reply.put("echo", msgs.get(msgs.size() - 1).path("content").asText());
        reply.put("firstMessageChars", msgs.get(0).path("content").asText().length());
        byte[] body = OM.writeValueAsBytes(reply);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
