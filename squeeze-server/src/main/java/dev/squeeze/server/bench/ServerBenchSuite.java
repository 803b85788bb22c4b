package dev.squeeze.server.bench;

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
 * and counts of 5xx, 429, lost and mixed-up responses (the goal: all zero). Options: clients, requests, tokens,
 * workers (default: cores), quick=true (1,000 requests).
 */
public final class ServerBenchSuite implements BenchSuite {
    private static final ObjectMapper OM = new ObjectMapper();

    @Override
    public String name() { return "server"; }

    @Override
    public String description() {
        return "HTTP load test: 64 clients x 10,000 /v1/compress requests of 4k-token contexts on loopback (latency, throughput, zero 5xx)";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        int clients = Integer.parseInt(context.options().getOrDefault("clients", "64"));
        int requests = Integer.parseInt(context.options().getOrDefault("requests", context.quick() ? "1000" : "10000"));
        int tokens = Integer.parseInt(context.options().getOrDefault("tokens", "4096"));
        int workers = Integer.parseInt(context.options().getOrDefault("workers",
                Integer.toString(Runtime.getRuntime().availableProcessors())));
        int warmup = Math.min(500, requests / 10);

        // 64 distinct contexts of ~tokens tokens, reused with different ids (keeps memory flat at 10k requests).
        List<String> contexts = new ArrayList<>();
        TokenCounter tc = TokenCounter.cl100k();
        for (int i = 0; i < clients; i++) contexts.add(LoadText.context(tokens, i, tc));
        int contextTokens = tc.count(contexts.get(0));

        ServerConfig cfg = ServerConfig.builder().port(0).workers(workers).queue(Math.max(64, 2 * clients)).build();
        try (SqueezeServer server = SqueezeServer.start(cfg);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .connectTimeout(Duration.ofSeconds(10)).build();
             ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            URI uri = server.uri().resolve("/v1/compress");
            runPhase(pool, client, uri, contexts, clients, warmup, null, null); // JIT warm-up, not reported

            long[] latencies = new long[requests];
            Counters c;
            long t0 = System.nanoTime();
            try (Progress p = context.progress("server load", requests)) {
                c = runPhase(pool, client, uri, contexts, clients, requests, latencies, p);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Arrays.sort(latencies, 0, c.done.get());
            int n = c.done.get();
            double p50 = n == 0 ? Double.NaN : latencies[(int) Math.floor(0.50 * (n - 1))] / 1e6;
            double p99 = n == 0 ? Double.NaN : latencies[(int) Math.floor(0.99 * (n - 1))] / 1e6;
            double max = n == 0 ? Double.NaN : latencies[n - 1] / 1e6;
            context.add(Row.of("server-load").put("method", "lexical").put("clients", clients).put("requests", requests)
                    .put("workers", workers).put("contextTokens", contextTokens)
                    .put("ok", c.ok.get()).put("status5xx", c.s5xx.get()).put("status429", c.s429.get())
                    .put("status4xxOther", c.s4xx.get()).put("lost", c.lost.get()).put("mixedUp", c.mixed.get())
                    .put("p50Ms", p50).put("p99Ms", p99).put("maxMs", max)
                    .put("requestsPerSecond", requests / seconds)
                    .put("inputTokensPerSecond", c.tokensIn.get() / seconds)
                    .put("wallSeconds", seconds));
            context.note(String.format(java.util.Locale.ROOT,
                    "server load: %d clients, %d requests of %d tokens, %d workers: %d ok, %d 5xx, %d 429, %d lost, %d mixed up; "
                            + "p50 %.1f ms, p99 %.1f ms, %.0f req/s, %.2f M input tokens/s",
                    clients, requests, contextTokens, workers, c.ok.get(), c.s5xx.get(), c.s429.get(), c.lost.get(),
                    c.mixed.get(), p50, p99, requests / seconds, c.tokensIn.get() / seconds / 1e6));
        }
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

    /** {@code clients} loops pull request numbers from a shared counter until {@code total} are sent. */
    private static Counters runPhase(ExecutorService pool, HttpClient client, URI uri, List<String> contexts,
                                     int clients, int total, long[] latencies, Progress progress) throws Exception {
        Counters c = new Counters();
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int k = 0; k < clients; k++) {
            fs.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                    String id = "REQ-" + Integer.toString(i + 1_000_000, 36).toUpperCase(java.util.Locale.ROOT) + "-ID";
                    ObjectNode body = OM.createObjectNode();
                    body.put("text", "<squeeze compress=false>" + id + "</squeeze>\n" + contexts.get(i % contexts.size()));
                    body.put("rate", 0.25);
                    long t = System.nanoTime();
                    try {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                                HttpResponse.BodyHandlers.ofString());
                        long dt = System.nanoTime() - t;
                        int s = r.statusCode();
                        if (s >= 500) c.s5xx.incrementAndGet();
                        else if (s == 429) c.s429.incrementAndGet();
                        else if (s != 200) c.s4xx.incrementAndGet();
                        else {
                            JsonNode o = OM.readTree(r.body());
                            String compressed = o.path("compressed").asText();
                            // Exactly its own id: no other request's id may appear.
                            boolean own = compressed.contains(id) && compressed.indexOf("REQ-") == compressed.lastIndexOf("REQ-");
                            if (own) c.ok.incrementAndGet();
                            else c.mixed.incrementAndGet();
                            c.tokensIn.addAndGet(o.path("originTokens").asLong());
                        }
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
                + "schedule pattern migration festival storm visitor season history collection").split(" ");

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
