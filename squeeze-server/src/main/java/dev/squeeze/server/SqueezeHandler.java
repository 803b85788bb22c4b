package dev.squeeze.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.MethodCatalog;
import dev.squeeze.text.CompressorRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests, checks the API key, reads bodies asynchronously under the size cap, runs compression on the
 * bounded worker pool (429 when it and its queue are full) and relays proxied responses on the relay pool.
 * Every failure becomes {@code {"error":{"type","message"}}}; nothing thrown here escapes to Jetty.
 */
final class SqueezeHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(SqueezeHandler.class);
    static final String JSON = "application/json";

    private final ServerConfig config;
    private final CompressorRegistry registry;
    private final CompressService compress;
    private final ChatProxy proxy;
    private final Upstream upstream;
    private final ExecutorService workers;
    private final ExecutorService relays;
    private final ScheduledExecutorService deadlines;
    private final MemoryBudget memory;
    private final Semaphore upstreamStreams;
    private final Metrics metrics;
    private final byte[] keyDigest;
    private final String methodsText;
    private final String methodsAll;
    private final Map<String, String> methodsByFamily = new java.util.HashMap<>();

    SqueezeHandler(
            ServerConfig config,
            CompressorRegistry registry,
            ExecutorService workers,
            ExecutorService relays,
            Metrics metrics,
            Upstream upstream,
            ScheduledExecutorService deadlines) {
        super(InvocationType.NON_BLOCKING);
        this.config = config;
        this.registry = registry;
        Compressors compressors = new Compressors(registry, config.methodOptions());
        this.compress = new CompressService(compressors, config.maxTokens(), config.maxWordChars());
        this.proxy = new ChatProxy(config, compressors);
        this.upstream = upstream;
        this.workers = workers;
        this.relays = relays;
        this.deadlines = deadlines;
        this.memory = new MemoryBudget(config.memoryBudgetBytes());
        this.metrics = metrics;
        this.upstreamStreams = new Semaphore(config.maxUpstreamStreams());
        this.keyDigest = config.apiKey() == null ? null : sha256(config.apiKey());
        MethodCatalog catalog = MethodCatalog.load();
        this.methodsAll = catalog.toJson();
        this.methodsText = textMethods(registry, catalog);
        for (Family f : Family.values()) methodsByFamily.put(f.id(), new MethodCatalog(catalog.family(f)).toJson());
    }

    /** The endpoint label used in metrics: a fixed set, so clients cannot grow the label space. */
    static String endpoint(String path) {
        return switch (path) {
            case "/v1/compress", "/v1/chat/completions", "/v1/methods", "/health", "/metrics" -> path;
            default -> "other";
        };
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        String path = Request.getPathInContext(request);
        String ep = endpoint(path);
        Exchange ex = new Exchange(request, response, callback, ep, start);
        try {
            route(ex, path);
        } catch (ApiException e) {
            ex.error(e);
        } catch (RuntimeException e) {
            ex.internal(e);
        }
        return true;
    }

    private void route(Exchange ex, String path) {
        switch (ex.endpoint) {
            case "/health" -> {
                allow(ex, "GET");
                ex.send(200, JSON, "{\"status\":\"ok\"}");
                return;
            }
            case "other" ->
                throw new ApiException(
                        404,
                        "not_found",
                        "no endpoint " + path
                                + "; endpoints: POST /v1/compress, POST /v1/chat/completions, GET /v1/methods, GET /health, GET /metrics");
            default -> {}
        }
        authenticate(ex);
        switch (ex.endpoint) {
            case "/metrics" -> {
                allow(ex, "GET");
                ex.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics.render());
            }
            case "/v1/methods" -> {
                allow(ex, "GET");
                ex.send(200, JSON, methods(Request.extractQueryParameters(ex.request)));
            }
            case "/v1/compress" -> {
                allow(ex, "POST");
                readThen(ex, body -> {
                    CompressService.Outcome o = compress.compress(Json.parseObject(body));
                    metrics.tokens(o.tokensIn(), o.tokensOut());
                    return () -> ex.send(200, JSON, o.json().toString());
                });
            }
            case "/v1/chat/completions" -> {
                allow(ex, "POST");
                if (upstream == null) {
                    throw new ApiException(
                            404, "proxy_disabled", "the proxy is off: start the server with --upstream URL");
                }
                readThen(ex, body -> {
                    ObjectNode req = Json.parseObject(body);
                    ChatProxy.Savings s = proxy.compress(req);
                    metrics.tokens(s.originTokens(), s.compressedTokens());
                    metrics.proxySaved(s.saved());
                    byte[] forward = req.toString().getBytes(StandardCharsets.UTF_8);
                    return () -> {
                        if (!upstreamStreams.tryAcquire()) {
                            metrics.rejected();
                            throw new ApiException(
                                    429,
                                    "overloaded",
                                    "too many proxied responses in flight (" + config.maxUpstreamStreams()
                                            + "); retry later");
                        }
                        try {
                            relays.execute(() -> {
                                try {
                                    relay(ex, forward, s);
                                } finally {
                                    upstreamStreams.release();
                                }
                            });
                        } catch (RuntimeException e) {
                            upstreamStreams.release();
                            throw e;
                        }
                    };
                });
            }
            default -> throw new IllegalStateException("unrouted endpoint " + ex.endpoint);
        }
    }

    private static void allow(Exchange ex, String allowed) {
        String method = ex.request.getMethod();
        if (!allowed.equals(method)) {
            ex.response.getHeaders().put(HttpHeader.ALLOW, allowed);
            throw new ApiException(405, "method_not_allowed", method + " is not allowed here; use " + allowed);
        }
    }

    private void authenticate(Exchange ex) {
        if (keyDigest == null) return;
        String key = ex.request.getHeaders().get("X-Squeeze-Api-Key");
        if (key == null && !ex.endpoint.equals("/v1/chat/completions")) {
            // On the proxy, Authorization belongs to the upstream; elsewhere a bearer token may carry our key.
            String auth = ex.request.getHeaders().get(HttpHeader.AUTHORIZATION);
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7))
                key = auth.substring(7).trim();
        }
        // Compare digests: MessageDigest.isEqual is constant-time for equal lengths, and digests hide the key length.
        if (key == null || !MessageDigest.isEqual(keyDigest, sha256(key))) {
            throw new ApiException(
                    401,
                    "unauthorized",
                    key == null ? "missing API key: send it in the X-Squeeze-Api-Key header" : "wrong API key");
        }
    }

    /** The work of a request, on a worker: returns what answers the client (run only if the deadline has not). */
    private interface BodyTask {
        Runnable run(byte[] body) throws Exception;
    }

    /**
     * Reads the body (off any worker), leases its memory estimate, then runs the task on the worker pool under the
     * per-request deadline; 408/413/429/503 as configured. Exactly one of the worker and the deadline answers.
     */
    private void readThen(Exchange ex, BodyTask task) {
        long declared = ex.request.getLength();
        // a declared length past what BodyReader would drain is refused before reading anything
        if (declared > config.maxBodyBytes() + BodyReader.drainLimit(config.maxBodyBytes())) {
            throw BodyReader.tooLarge(config.maxBodyBytes());
        }
        BodyReader.read(ex.request, config.maxBodyBytes(), (body, failure) -> {
            if (failure != null) {
                if (failure instanceof ApiException a) ex.error(a);
                else if (failure instanceof java.util.concurrent.TimeoutException)
                    ex.error(stalled()); // still connected: say why
                else ex.fail(failure); // the connection died: nothing to answer
                return;
            }
            MemoryBudget.Lease lease;
            try {
                lease = memory.lease(body.length);
            } catch (ApiException e) {
                ex.error(e);
                return;
            }
            if (lease == null) {
                metrics.rejected();
                ex.response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                ex.error(new ApiException(
                        429,
                        "overloaded",
                        "the compressions in flight hold this server's memory budget ("
                                + "--memory-budget-mb); retry later"));
                return;
            }
            Work work = new Work(ex, lease);
            try {
                work.future = workers.submit(() -> work.run(task, body));
            } catch (RejectedExecutionException e) {
                lease.close();
                metrics.rejected();
                ex.response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                ex.error(new ApiException(
                        429,
                        "overloaded",
                        "all " + config.workers() + " workers are busy and " + config.queue()
                                + " requests are queued (--workers, --queue); retry later"));
                return;
            }
            work.timer = deadlines.schedule(work::expire, config.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        });
    }

    /** One request on the worker pool, racing its deadline for the right to answer. */
    private final class Work {
        private final Exchange ex;
        private final MemoryBudget.Lease lease;
        private final AtomicBoolean answered = new AtomicBoolean();
        private volatile boolean started;
        volatile Future<?> future;
        volatile ScheduledFuture<?> timer;

        Work(Exchange ex, MemoryBudget.Lease lease) {
            this.ex = ex;
            this.lease = lease;
        }

        void run(BodyTask task, byte[] body) {
            started = true;
            try {
                Runnable answer;
                try {
                    answer = task.run(body);
                } catch (ApiException e) {
                    answer = () -> ex.error(e);
                } catch (CancellationException e) {
                    // the deadline interrupted this worker and has answered; any other cancellation is a fault
                    answer = Thread.currentThread().isInterrupted() ? null : () -> ex.internal(e);
                } catch (Throwable e) { // whatever a method throws, the client gets JSON and the worker lives
                    answer = () -> ex.internal(e);
                }
                if (answer == null || !answered.compareAndSet(false, true)) return;
                ScheduledFuture<?> t = timer;
                if (t != null) t.cancel(false);
                // The compression is done: return its memory before answering, so that a client that sends its
                // next request on seeing this answer finds the budget free (closing is idempotent).
                lease.close();
                try {
                    answer.run();
                } catch (ApiException e) {
                    ex.error(e);
                } catch (RuntimeException e) {
                    ex.internal(e);
                }
            } finally {
                lease.close();
            }
        }

        /** The deadline passed: answer 503, interrupt the worker (it stops at the method's next check). */
        void expire() {
            if (!answered.compareAndSet(false, true)) return;
            future.cancel(true);
            if (!started) lease.close(); // never ran (still queued): nothing else returns it
            ex.error(new ApiException(
                    503,
                    "deadline_exceeded",
                    "compression did not finish within " + config.requestTimeoutMs()
                            + " ms (--request-timeout-ms); send less text or raise the limit"));
        }
    }

    private ApiException stalled() {
        return new ApiException(
                408,
                "request_timeout",
                "the request body stalled: no bytes for " + config.idleTimeoutMs() + " ms (--timeout-ms)");
    }

    /** Forwards to the upstream and copies its answer back, flushing after every read so SSE events stream. */
    private void relay(Exchange ex, byte[] body, ChatProxy.Savings s) {
        HttpResponse<InputStream> up;
        try {
            up = upstream.post("/chat/completions", ex.request.getHeaders(), body);
        } catch (HttpTimeoutException e) {
            ex.error(new ApiException(
                    504,
                    "upstream_timeout",
                    "the upstream did not answer within " + config.upstreamTimeoutMs()
                            + " ms (--upstream-timeout-ms)"));
            return;
        } catch (ConnectException e) {
            ex.error(new ApiException(
                    502, "upstream_unavailable", "cannot connect to the upstream " + upstream.resolve("")));
            return;
        } catch (java.net.ProtocolException e) { // e.g. a status line HttpClient itself refuses
            ex.error(new ApiException(
                    502, "upstream_bad_response", "the upstream's response is not valid HTTP: " + e.getMessage()));
            return;
        } catch (IOException e) {
            ex.error(new ApiException(
                    502,
                    "upstream_error",
                    "upstream request failed: " + e.getClass().getSimpleName()));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.fail(e);
            return;
        }
        int status = up.statusCode();
        if (status < 200
                || status > 599) { // not a final HTTP status: relaying it would hand the client a broken response
            try {
                up.body().close();
            } catch (IOException ignored) {
                // the exchange is abandoned either way
            }
            ex.error(new ApiException(
                    502,
                    "upstream_bad_status",
                    "the upstream answered with status " + status + ", which is not a final HTTP status (200-599)"));
            return;
        }
        Response r = ex.response;
        r.setStatus(status);
        java.util.Set<String> listed = Upstream.connectionTokens(up.headers().allValues("connection"));
        for (Map.Entry<String, List<String>> h : up.headers().map().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(":") || Upstream.HOP_BY_HOP.contains(name) || listed.contains(name)) continue;
            for (String v : h.getValue()) r.getHeaders().add(h.getKey(), v);
        }
        r.getHeaders().put("X-Squeeze-Tokens-Saved", Long.toString(s.saved()));
        r.getHeaders().put("X-Squeeze-Origin-Tokens", Long.toString(s.originTokens()));
        r.getHeaders().put("X-Squeeze-Compressed-Tokens", Long.toString(s.compressedTokens()));
        r.getHeaders().put("X-Squeeze-Compressed-Messages", Integer.toString(s.compressedMessages()));
        try (InputStream in = upstream.idleGuarded(up.body());
                OutputStream out = Content.Sink.asOutputStream(r)) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n == 0) continue;
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // Client or upstream went away mid-stream: the status is already sent, so just end the exchange.
            LOG.debug("relay ended early: {}", e.toString());
            ex.metricsOnce(up.statusCode());
            ex.callback.failed(e);
            return;
        }
        ex.metricsOnce(up.statusCode());
        ex.callback.succeeded();
    }

    private String methods(Fields query) {
        String family = query.getValue("family");
        if (family == null || family.equals("text")) return methodsText;
        if (family.equals("all")) return methodsAll;
        String json = methodsByFamily.get(family);
        if (json != null) return json;
        throw ApiException.badRequest(
                "unknown family '" + family + "'; known: all, text, image, video, audio, kv, vit");
    }

    /** Text methods this server can run: name, whether it needs a model file, and its catalog entry when present. */
    private static String textMethods(CompressorRegistry registry, MethodCatalog catalog) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        try {
            JsonNode all = Json.MAPPER.readTree(catalog.toJson());
            List<String> offline = registry.offlineNames();
            for (String name : registry.names()) {
                ObjectNode o = arr.addObject();
                o.put("name", name);
                o.put("offline", offline.contains(name));
                o.put("default", name.equals(CompressorRegistry.DEFAULT_METHOD));
                for (JsonNode m : all) if (name.equals(m.path("name").asText())) o.set("catalog", m);
            }
        } catch (IOException e) {
            throw new IllegalStateException("catalog JSON did not parse", e);
        }
        return arr.toString();
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** One request/response pair; records its metrics exactly once. */
    private final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        final String endpoint;
        final long start;
        private final java.util.concurrent.atomic.AtomicBoolean recorded =
                new java.util.concurrent.atomic.AtomicBoolean();

        Exchange(Request request, Response response, Callback callback, String endpoint, long start) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.endpoint = endpoint;
            this.start = start;
        }

        void metricsOnce(int status) {
            if (recorded.compareAndSet(false, true)) metrics.request(endpoint, status, System.nanoTime() - start);
        }

        void send(int status, String contentType, String body) {
            metricsOnce(status);
            response.setStatus(status);
            response.getHeaders()
                    .put(
                            HttpHeader.CONTENT_TYPE,
                            contentType.startsWith(JSON) ? JSON + "; charset=utf-8" : contentType);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            Content.Sink.write(response, true, body, callback);
        }

        void error(ApiException e) {
            if (response.isCommitted()) {
                fail(e);
                return;
            }
            if (e.status() == 401) response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            if (e.status() == 413 || e.status() == 408) response.getHeaders().put(HttpHeader.CONNECTION, "close");
            send(e.status(), JSON, Json.error(e.type(), e.getMessage()));
        }

        void internal(Throwable t) {
            LOG.error("internal error on {} {}", request.getMethod(), endpoint, t);
            error(new ApiException(
                    500,
                    "internal_error",
                    "internal error (" + t.getClass().getSimpleName() + "); the server log has the details"));
        }

        void fail(Throwable t) {
            metricsOnce(499);
            callback.failed(t);
        }
    }
}
