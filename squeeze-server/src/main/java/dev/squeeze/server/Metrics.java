package dev.squeeze.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Counters in the Prometheus text exposition format (version 0.0.4), kept without a metrics library:
 * requests by endpoint and status, tokens in and out of compression, tokens saved by the proxy, and a
 * latency histogram per endpoint. Lock-free on the request path (LongAdder).
 */
final class Metrics {
    /** Histogram upper bounds in seconds. */
    static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private record Key(String endpoint, int status) {}

    private static final class Histogram {
        final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
        final LongAdder sumMicros = new LongAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
        }

        void observe(double seconds) {
            int i = 0;
            while (i < BUCKETS.length && seconds > BUCKETS[i]) i++;
            counts[i].increment();
            sumMicros.add(Math.round(seconds * 1e6));
        }
    }

    private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final LongAdder tokensIn = new LongAdder();
    private final LongAdder tokensOut = new LongAdder();
    private final LongAdder proxySaved = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final IntSupplier busyWorkers;
    private final IntSupplier queued;

    Metrics(IntSupplier busyWorkers, IntSupplier queued) {
        this.busyWorkers = busyWorkers;
        this.queued = queued;
    }

    void request(String endpoint, int status, long nanos) {
        requests.computeIfAbsent(new Key(endpoint, status), k -> new LongAdder())
                .increment();
        latency.computeIfAbsent(endpoint, k -> new Histogram()).observe(nanos / 1e9);
    }

    void tokens(long in, long out) {
        tokensIn.add(in);
        tokensOut.add(out);
    }

    void proxySaved(long saved) {
        proxySaved.add(saved);
    }

    void rejected() {
        rejected.increment();
    }

    String render() {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("# HELP squeeze_http_requests_total HTTP requests by endpoint and status.\n");
        sb.append("# TYPE squeeze_http_requests_total counter\n");
        requests.entrySet().stream()
                .sorted((a, b) -> a.getKey().endpoint().equals(b.getKey().endpoint())
                        ? Integer.compare(a.getKey().status(), b.getKey().status())
                        : a.getKey().endpoint().compareTo(b.getKey().endpoint()))
                .forEach(e -> sb.append("squeeze_http_requests_total{endpoint=\"")
                        .append(e.getKey().endpoint())
                        .append("\",status=\"")
                        .append(e.getKey().status())
                        .append("\"} ")
                        .append(e.getValue().sum())
                        .append('\n'));
        sb.append("# HELP squeeze_http_request_duration_seconds Time from request start to response completion.\n");
        sb.append("# TYPE squeeze_http_request_duration_seconds histogram\n");
        latency.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Histogram h = e.getValue();
            long cum = 0;
            for (int i = 0; i <= BUCKETS.length; i++) {
                cum += h.counts[i].sum();
                String le = i < BUCKETS.length ? Double.toString(BUCKETS[i]) : "+Inf";
                sb.append("squeeze_http_request_duration_seconds_bucket{endpoint=\"")
                        .append(e.getKey())
                        .append("\",le=\"")
                        .append(le)
                        .append("\"} ")
                        .append(cum)
                        .append('\n');
            }
            sb.append("squeeze_http_request_duration_seconds_sum{endpoint=\"")
                    .append(e.getKey())
                    .append("\"} ")
                    .append(h.sumMicros.sum() / 1e6)
                    .append('\n');
            sb.append("squeeze_http_request_duration_seconds_count{endpoint=\"")
                    .append(e.getKey())
                    .append("\"} ")
                    .append(cum)
                    .append('\n');
        });
        counter(sb, "squeeze_tokens_in_total", "Input tokens of compressed text (before compression).", tokensIn.sum());
        counter(sb, "squeeze_tokens_out_total", "Tokens of compressed text (after compression).", tokensOut.sum());
        counter(sb, "squeeze_proxy_tokens_saved_total", "Tokens removed from proxied chat requests.", proxySaved.sum());
        counter(
                sb,
                "squeeze_rejected_total",
                "Requests refused with 429 because the workers and queue were full.",
                rejected.sum());
        gauge(sb, "squeeze_workers_busy", "Workers compressing now.", busyWorkers.getAsInt());
        gauge(sb, "squeeze_queue_depth", "Requests waiting for a worker.", queued.getAsInt());
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ")
                .append(name)
                .append(" counter\n")
                .append(name)
                .append(' ')
                .append(v)
                .append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ")
                .append(name)
                .append(" gauge\n")
                .append(name)
                .append(' ')
                .append(v)
                .append('\n');
    }
}
