package dev.squeeze.eval.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.BenchSuite;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import dev.squeeze.server.ServerConfig;
import dev.squeeze.server.SqueezeServer;
import dev.squeeze.text.TokenCounter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code squeeze bench server}: a load test of {@code POST /v1/compress} on loopback against an in-process server.
 *
 * <p>{@code clients} (64) concurrent clients send {@code requests} (10,000) requests of ~{@code tokens} (4,096)
 * token contexts at rate 0.25. Each context starts with a unique id in a {@code <squeeze compress=false>} segment,
 * so every response can be matched to its request: a response is "mixed up" if it lacks its own id or carries
 * another one, "lost" if the call failed or timed out. Reports p50/p99/max latency, requests/s, input tokens/s,
 * and counts of 5xx, 429, lost and mixed-up responses (the goal: all zero). Then {@code proxyRequests} (2,000)
 * chat requests through {@code /v1/chat/completions} to a loopback echo upstream ({@link EchoUpstream}): each
 * reply must echo the request's own last user message and show its system context arrived compressed.
 * Options: clients, requests, proxyRequests, tokens, workers (default: cores), quick=true (1,000 + 300 requests).
 */
public final class ServerBenchSuite implements BenchSuite {
    private static final ObjectMapper OM = new ObjectMapper();

    @Override
    public String name() {
        return "server";
    }

    @Override
    public String description() {
        return "HTTP load test on loopback: 64 clients x 10,000 /v1/compress requests of 4k-token contexts, then 2,000 proxied chat requests (latency, throughput, zero 5xx)";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        int clients = Integer.parseInt(context.options().getOrDefault("clients", "64"));
        int requests = Integer.parseInt(context.options().getOrDefault("requests", context.quick() ? "1000" : "10000"));
        int tokens = Integer.parseInt(context.options().getOrDefault("tokens", "4096"));
        int workers = Integer.parseInt(context.options()
                .getOrDefault("workers", Integer.toString(Runtime.getRuntime().availableProcessors())));
        int warmup = Math.min(500, requests / 10);

        // 64 distinct contexts of ~tokens tokens, reused with different ids (keeps memory flat at 10k requests).
        List<String> contexts = new ArrayList<>();
        TokenCounter tc = TokenCounter.cl100k();
        for (int i = 0; i < clients; i++) contexts.add(LoadText.context(tokens, i, tc));
        int contextTokens = tc.count(contexts.get(0));

        int proxyRequests =
                Integer.parseInt(context.options().getOrDefault("proxyRequests", context.quick() ? "300" : "2000"));
        try (EchoUpstream upstream = new EchoUpstream();
                SqueezeServer server = SqueezeServer.start(ServerConfig.builder()
                        .port(0)
                        .workers(workers)
                        .queue(Math.max(64, 2 * clients))
                        .upstream(upstream.baseUri())
                        .build());
                HttpClient client = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
                ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            measure(
                    context,
                    "server-load",
                    "/v1/compress",
                    pool,
                    client,
                    server.uri().resolve("/v1/compress"),
                    compressWorkload(contexts),
                    clients,
                    requests,
                    warmup,
                    workers,
                    contextTokens);
            if (proxyRequests > 0) {
                measure(
                        context,
                        "proxy-load",
                        "/v1/chat/completions",
                        pool,
                        client,
                        server.uri().resolve("/v1/chat/completions"),
                        proxyWorkload(contexts, contextTokens),
                        clients,
                        proxyRequests,
                        Math.min(200, proxyRequests / 10),
                        workers,
                        contextTokens);
            }
        }
    }

    private static void measure(
            BenchContext context,
            String task,
            String endpoint,
            ExecutorService pool,
            HttpClient client,
            URI uri,
            Workload w,
            int clients,
            int requests,
            int warmup,
            int workers,
            int contextTokens)
            throws Exception {
        runPhase(pool, client, uri, w, clients, warmup, null, null); // JIT warm-up, not reported
        long[] latencies = new long[requests];
        Counters c;
        long t0 = System.nanoTime();
        try (Progress p = context.progress(task, requests)) {
            c = runPhase(pool, client, uri, w, clients, requests, latencies, p);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int n = c.done.get();
        Arrays.sort(latencies, 0, n);
        double p50 = n == 0 ? Double.NaN : latencies[(int) Math.floor(0.50 * (n - 1))] / 1e6;
        double p99 = n == 0 ? Double.NaN : latencies[(int) Math.floor(0.99 * (n - 1))] / 1e6;
        double max = n == 0 ? Double.NaN : latencies[n - 1] / 1e6;
        context.add(Row.of(task)
                .put("method", dev.squeeze.text.CompressorRegistry.DEFAULT_METHOD)
                .put("endpoint", endpoint)
                .put("clients", clients)
                .put("requests", requests)
                .put("workers", workers)
                .put("contextTokens", contextTokens)
                .put("ok", c.ok.get())
                .put("status5xx", c.s5xx.get())
                .put("status429", c.s429.get())
                .put("status4xxOther", c.s4xx.get())
                .put("lost", c.lost.get())
                .put("mixedUp", c.mixed.get())
                .put("p50Ms", p50)
                .put("p99Ms", p99)
                .put("maxMs", max)
                .put("requestsPerSecond", requests / seconds)
                .put("inputTokensPerSecond", c.tokensIn.get() / seconds)
                .put("wallSeconds", seconds));
        context.note(String.format(
                java.util.Locale.ROOT,
                "%s (%s): %d clients, %d requests of %d tokens, %d workers: %d ok, %d 5xx, %d 429, %d lost, %d mixed up; "
                        + "p50 %.1f ms, p99 %.1f ms, %.0f req/s, %.2f M input tokens/s",
                task,
                endpoint,
                clients,
                requests,
                contextTokens,
                workers,
                c.ok.get(),
                c.s5xx.get(),
                c.s429.get(),
                c.lost.get(),
                c.mixed.get(),
                p50,
                p99,
                requests / seconds,
                c.tokensIn.get() / seconds / 1e6));
    }

    private static final class Counters {
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger s5xx = new AtomicInteger();
        final AtomicInteger s429 = new AtomicInteger();
        final AtomicInteger s4xx = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final AtomicInteger mixed = new AtomicInteger();
        final AtomicLong tokensIn = new AtomicLong();
    }

    /** One kind of request: the body for request i (with its id) and whether a 200 reply belongs to it. */
    private interface Workload {
        String body(int i, String id);

        /** True when the reply is this request's own; adds its input tokens to {@code c}. */
        boolean check(String id, int i, JsonNode reply, Counters c);
    }

    private static Workload compressWorkload(List<String> contexts) {
        return new Workload() {
            @Override
            public String body(int i, String id) {
                ObjectNode body = OM.createObjectNode();
                body.put("text", "<squeeze compress=false>" + id + "</squeeze>\n" + contexts.get(i % contexts.size()));
                body.put("rate", 0.25);
                return body.toString();
            }

            @Override
            public boolean check(String id, int i, JsonNode o, Counters c) {
                String compressed = o.path("compressed").asText();
                c.tokensIn.addAndGet(o.path("originTokens").asLong());
                // Exactly its own id: no other request's id may appear.
                return compressed.contains(id) && compressed.indexOf("REQ-") == compressed.lastIndexOf("REQ-");
            }
        };
    }

    private static Workload proxyWorkload(List<String> contexts, int contextTokens) {
        return new Workload() {
            @Override
            public String body(int i, String id) {
                ObjectNode body = OM.createObjectNode();
                body.put("model", "stub");
                var msgs = body.putArray("messages");
                msgs.addObject().put("role", "system").put("content", contexts.get(i % contexts.size()));
                msgs.addObject().put("role", "user").put("content", "Question for request " + id + "?");
                return body.toString();
            }

            @Override
            public boolean check(String id, int i, JsonNode o, Counters c) {
                c.tokensIn.addAndGet(contextTokens);
                boolean compressed = o.path("firstMessageChars").asInt()
                        < 0.75 * contexts.get(i % contexts.size()).length();
                return o.path("echo").asText().equals("Question for request " + id + "?") && compressed;
            }
        };
    }

    /** {@code clients} loops pull request numbers from a shared counter until {@code total} are sent. */
    private static Counters runPhase(
            ExecutorService pool,
            HttpClient client,
            URI uri,
            Workload w,
            int clients,
            int total,
            long[] latencies,
            Progress progress)
            throws Exception {
        Counters c = new Counters();
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int k = 0; k < clients; k++) {
            fs.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                    String id = "REQ-" + Integer.toString(i + 1_000_000, 36).toUpperCase(java.util.Locale.ROOT) + "-ID";
                    String body = w.body(i, id);
                    long t = System.nanoTime();
                    try {
                        HttpResponse<String> r = client.send(
                                HttpRequest.newBuilder(uri)
                                        .timeout(Duration.ofSeconds(60))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        long dt = System.nanoTime() - t;
                        int s = r.statusCode();
                        if (s >= 500) c.s5xx.incrementAndGet();
                        else if (s == 429) c.s429.incrementAndGet();
                        else if (s != 200) c.s4xx.incrementAndGet();
                        else if (w.check(id, i, OM.readTree(r.body()), c)) c.ok.incrementAndGet();
                        else c.mixed.incrementAndGet();
                        if (latencies != null) latencies[c.done.getAndIncrement()] = dt;
                    } catch (Exception e) {
                        c.lost.incrementAndGet();
                    }
                    if (progress != null) progress.step();
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        return c;
    }

    /** Deterministic prose for the load test (~tokens tokens), distinct per seed. */
    static final class LoadText {
        private static final String[] WORDS = ("harbour lantern council orchard timber canal ledger meadow signal "
                        + "quarry archive beacon furnace granary cathedral voyage tariff compass glacier harvest merchant ferry "
                        + "observatory parchment reservoir scaffold tavern vineyard workshop bridge river market engineer winter "
                        + "schedule pattern migration festival storm visitor season history collection")
                .split(" ");

        private LoadText() {}

        static String context(int tokens, long seed, TokenCounter tc) {
            SplittableRandom r = new SplittableRandom(seed * 7919 + 17);
            StringBuilder sb = new StringBuilder(tokens * 6);
            int approx = 0;
            // Per-sentence counts run a little high (joins merge spaces), so re-count the whole once it looks done.
            while (approx < tokens || (approx = tc.count(sb.toString())) < tokens) {
                StringBuilder s = new StringBuilder();
                int len = 8 + r.nextInt(14);
                for (int w = 0; w < len; w++) {
                    String word = WORDS[r.nextInt(WORDS.length)];
                    if (w == 0) word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                    s.append(word).append(w == len - 1 ? ". " : (r.nextInt(9) == 0 ? ", " : " "));
                }
                if (r.nextInt(6) == 0) s.append(r.nextInt(100_000)).append(" units were recorded. ");
                sb.append(s);
                approx += tc.count(s.toString());
                if (r.nextInt(10) == 0) sb.append("\n\n");
            }
            return sb.toString().trim();
        }
    }
}
