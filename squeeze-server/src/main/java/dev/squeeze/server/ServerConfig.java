package dev.squeeze.server;

import dev.squeeze.text.CompressorRegistry;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link SqueezeServer}. Every limit has a finite default; {@link Builder#build()} rejects values
 * that would disable a limit (zero or negative sizes and timeouts) with a message naming the setting.
 *
 * @param host               interface to bind ("127.0.0.1" by default: loopback only unless told otherwise)
 * @param port               TCP port; 0 picks a free one (tests)
 * @param upstream           base URL of the OpenAI-compatible API the proxy forwards to (e.g.
 *                           {@code https://api.openai.com/v1}); {@code null} disables {@code /v1/chat/completions}
 * @param apiKey             key clients must send ({@code X-Squeeze-Api-Key}, or {@code Authorization: Bearer}
 *                           on the non-proxy endpoints); {@code null} = no authentication. Visible ASCII only
 *                           (0x21-0x7E): header values are ISO-8859-1 on the wire and clients disagree on how to
 *                           send other characters (UTF-8 bytes, Latin-1, or refusal), so such a key could never match
 * @param maxBodyBytes       request body cap (413 beyond)
 * @param maxTokens          per-request cap on input tokens (cl100k/o200k as requested; 413 beyond)
 * @param workers            threads that compress (CPU-bound work)
 * @param queue              requests waiting for a worker; more are refused with 429
 * @param idleTimeoutMs      a connection with no bytes for this long is closed (slow clients, slowloris)
 * @param upstreamTimeoutMs  connect + time to the upstream's response headers (504 beyond)
 * @param maxConnections     open client connections; more are not accepted until one closes
 * @param maxUpstreamStreams proxied responses being relayed at once (each on a relay thread); 429 beyond
 * @param proxyMinTokens     a chat message is compressed only when its content has more tokens than this
 * @param proxyRate          rate the proxy compresses chosen messages to, in (0, 1]
 * @param proxyMethod        compression method the proxy uses
 * @param proxyRoles         roles whose messages the proxy may compress (never the last user message)
 * @param methodOptions      per-method settings (method name to key/value, e.g. llmlingua-2 to model=/path);
 *                           set by the operator only, never by requests
 * @param maxWordChars       longest word (run of letters, of symbols or of whitespace) a text may hold, checked in one
 *                           scan before any token is counted (422 beyond): BPE tokenizers hand such a run to their merge
 *                           loop whole, and jtokkit takes a slower path for pieces over 500 bytes
 * @param requestTimeoutMs   deadline of a compression, queue wait included (503 beyond; the worker is interrupted
 *                           and stops at the method's next cancellation check)
 * @param memoryBudgetBytes  heap that compressions in flight may hold together, each estimated from its body
 *                           ({@link MemoryBudget}): 413 when one alone exceeds it, 429 while others hold it
 */
public record ServerConfig(
        String host,
        int port,
        @Nullable URI upstream,
        @Nullable String apiKey,
        int maxBodyBytes,
        int maxTokens,
        int workers,
        int queue,
        long idleTimeoutMs,
        long upstreamTimeoutMs,
        int maxConnections,
        int maxUpstreamStreams,
        int proxyMinTokens,
        double proxyRate,
        String proxyMethod,
        Set<String> proxyRoles,
        Map<String, Map<String, String>> methodOptions,
        int maxWordChars,
        long requestTimeoutMs,
        long memoryBudgetBytes) {
    public ServerConfig {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("host must not be blank");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        if (upstream != null) {
            String s = upstream.getScheme() == null ? "" : upstream.getScheme().toLowerCase(Locale.ROOT);
            if (!s.equals("http") && !s.equals("https") || upstream.getHost() == null) {
                throw new IllegalArgumentException("upstream must be an absolute http(s) URL, got '" + upstream + "'");
            }
        }
        if (apiKey != null && apiKey.isEmpty()) throw new IllegalArgumentException("api key must not be empty");
        if (apiKey != null) {
            for (int i = 0; i < apiKey.length(); i++) {
                char c = apiKey.charAt(i);
                if (c < 0x21 || c > 0x7E) { // the key itself is never echoed
                    throw new IllegalArgumentException(
                            "api key must be visible ASCII (0x21-0x7E); character " + i + " is U+"
                                    + String.format("%04X", (int) c)
                                    + ": HTTP header values are ISO-8859-1 on the wire and clients "
                                    + "send other characters differently, so this key would never match (and spaces do not survive "
                                    + "'Authorization: Bearer')");
                }
            }
        }
        positive("max-body-bytes", maxBodyBytes);
        positive("max-tokens", maxTokens);
        positive("workers", workers);
        if (workers > MAX_WORKERS)
            throw new IllegalArgumentException("workers must be <= " + MAX_WORKERS + ", got " + workers);
        // the queue is an ArrayBlockingQueue: its capacity is allocated up front
        if (queue < 0 || queue > MAX_QUEUE)
            throw new IllegalArgumentException("queue must be in [0, " + MAX_QUEUE + "], got " + queue);
        positive("max-word-chars", maxWordChars);
        positive("request-timeout-ms", requestTimeoutMs);
        positive("memory-budget", memoryBudgetBytes);
        positive("timeout-ms", idleTimeoutMs);
        positive("upstream-timeout-ms", upstreamTimeoutMs);
        positive("max-connections", maxConnections);
        positive("max-upstream-streams", maxUpstreamStreams);
        if (proxyMinTokens < 0)
            throw new IllegalArgumentException("proxy-min-tokens must be >= 0, got " + proxyMinTokens);
        if (!(proxyRate > 0 && proxyRate <= 1))
            throw new IllegalArgumentException("proxy-rate must be in (0, 1], got " + proxyRate);
        if (proxyMethod == null || proxyMethod.isBlank())
            throw new IllegalArgumentException("proxy method must not be blank");
        proxyRoles = Set.copyOf(proxyRoles);
        Map<String, Map<String, String>> mo = new java.util.LinkedHashMap<>();
        if (methodOptions != null) methodOptions.forEach((k, v) -> mo.put(k, Map.copyOf(v)));
        methodOptions = Map.copyOf(mo);
    }

    static final int MAX_WORKERS = 1024, MAX_QUEUE = 1 << 16;

    private static void positive(String name, long v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Defaults: loopback:8080, 8 MiB bodies, 256k tokens, words of 1,000 characters, one worker per core, queue 64,
     * 30 s idle, 30 s per compression, half the heap for compressions in flight, 120 s upstream.
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private @Nullable URI upstream;
        private @Nullable String apiKey;
        private int maxBodyBytes = 8 << 20;
        private int maxTokens = 262_144;
        private int workers = Runtime.getRuntime().availableProcessors();
        private int queue = 64;
        private long idleTimeoutMs = 30_000;
        private long upstreamTimeoutMs = 120_000;
        private int maxConnections = 1024;
        private int maxUpstreamStreams = 256;
        private int proxyMinTokens = 1024;
        private double proxyRate = 0.5;
        private String proxyMethod = CompressorRegistry.DEFAULT_METHOD;
        private Set<String> proxyRoles = Set.of("system", "user", "tool");
        private final Map<String, Map<String, String>> methodOptions = new LinkedHashMap<>();
        private int maxWordChars = 1_000;
        private long requestTimeoutMs = 30_000;
        private long memoryBudgetBytes = Runtime.getRuntime().maxMemory() / 2;

        public Builder host(String v) {
            host = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder upstream(@Nullable URI v) {
            upstream = v;
            return this;
        }

        public Builder apiKey(@Nullable String v) {
            apiKey = v;
            return this;
        }

        public Builder maxBodyBytes(int v) {
            maxBodyBytes = v;
            return this;
        }

        public Builder maxTokens(int v) {
            maxTokens = v;
            return this;
        }

        public Builder workers(int v) {
            workers = v;
            return this;
        }

        public Builder queue(int v) {
            queue = v;
            return this;
        }

        public Builder idleTimeoutMs(long v) {
            idleTimeoutMs = v;
            return this;
        }

        public Builder upstreamTimeoutMs(long v) {
            upstreamTimeoutMs = v;
            return this;
        }

        public Builder maxConnections(int v) {
            maxConnections = v;
            return this;
        }

        public Builder maxUpstreamStreams(int v) {
            maxUpstreamStreams = v;
            return this;
        }

        public Builder proxyMinTokens(int v) {
            proxyMinTokens = v;
            return this;
        }

        public Builder proxyRate(double v) {
            proxyRate = v;
            return this;
        }

        public Builder proxyMethod(String v) {
            proxyMethod = v;
            return this;
        }

        public Builder proxyRoles(List<String> v) {
            proxyRoles = Set.copyOf(v);
            return this;
        }

        public Builder maxWordChars(int v) {
            maxWordChars = v;
            return this;
        }

        public Builder requestTimeoutMs(long v) {
            requestTimeoutMs = v;
            return this;
        }

        public Builder memoryBudgetBytes(long v) {
            memoryBudgetBytes = v;
            return this;
        }

        /** One method setting, e.g. {@code methodOption("llmlingua-2", "model", "/models/llmlingua-2.onnx")}. */
        public Builder methodOption(String method, String key, String value) {
            methodOptions.computeIfAbsent(method, m -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        /** Parses {@code METHOD.KEY=VALUE} (the CLI's --method-option). */
        public Builder methodOption(String spec) {
            int eq = spec.indexOf('=');
            int dot = spec.indexOf('.'); // method names have no dots; keys may
            if (eq < 0 || dot <= 0 || dot >= eq - 1) {
                throw new IllegalArgumentException(
                        "method option '" + spec + "' must look like METHOD.KEY=VALUE, e.g. llmlingua-2.model=/m.onnx");
            }
            return methodOption(spec.substring(0, dot), spec.substring(dot + 1, eq), spec.substring(eq + 1));
        }

        public ServerConfig build() {
            return new ServerConfig(
                    host,
                    port,
                    upstream,
                    apiKey,
                    maxBodyBytes,
                    maxTokens,
                    workers,
                    queue,
                    idleTimeoutMs,
                    upstreamTimeoutMs,
                    maxConnections,
                    maxUpstreamStreams,
                    proxyMinTokens,
                    proxyRate,
                    proxyMethod,
                    proxyRoles,
                    methodOptions,
                    maxWordChars,
                    requestTimeoutMs,
                    memoryBudgetBytes);
        }
    }
}
