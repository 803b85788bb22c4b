package dev.squeeze.server;

import dev.squeeze.text.CompressorRegistry;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Squeeze HTTP service: {@code POST /v1/compress}, {@code GET /v1/methods}, {@code GET /health},
 * {@code GET /metrics} and, with an upstream, the OpenAI-compatible {@code POST /v1/chat/completions} proxy.
 *
 * <p>Built on Jetty 12 core handlers (no servlet API). Limits: the connector's idle timeout closes connections
 * that stop sending (slowloris), request headers are capped at 16 KiB (431), open connections at
 * {@link ServerConfig#maxConnections()}, bodies at {@link ServerConfig#maxBodyBytes()} (413), input tokens at
 * {@link ServerConfig#maxTokens()} (413), words at {@link ServerConfig#maxWordChars()} (422, checked before any token
 * is counted), each compression's heap estimate against {@link ServerConfig#memoryBudgetBytes()} (413 alone, 429 with
 * others) and its time at {@link ServerConfig#requestTimeoutMs()} (503); compression runs on a fixed pool of {@link ServerConfig#workers()}
 * threads with a queue of {@link ServerConfig#queue()} (429 beyond); proxied responses are relayed on a pool of
 * platform threads, at most {@link ServerConfig#maxUpstreamStreams()} at once (429 beyond; idle relay threads end
 * after 30 s). No global state: several servers can run in one JVM.
 */
public final class SqueezeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqueezeServer.class);

    private final ServerConfig config;
    private final Server jetty;
    private final ServerConnector connector;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor relays;
    private final ScheduledThreadPoolExecutor deadlines = deadlineTimer();
    private final Upstream upstream;

    private SqueezeServer(ServerConfig config, CompressorRegistry registry) {
        this.config = config;
        BlockingQueue<Runnable> queue =
                config.queue() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(config.queue());
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(
                config.workers(),
                config.workers(),
                0,
                TimeUnit.MILLISECONDS,
                queue,
                r -> {
                    Thread t = new Thread(r, "squeeze-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.AbortPolicy());
        this.upstream = config.upstream() == null ? null : new Upstream(config.upstream(), config.upstreamTimeoutMs());
        // A relay blocks on upstream I/O for a whole response, so each needs its own thread. The handler admits at most
        // maxUpstreamStreams relays (its semaphore), so this pool never holds more threads than that and its queue
        // only bridges the instant between a relay releasing its permit and its thread taking the next task.
        int streams = config.maxUpstreamStreams();
        this.relays = new ThreadPoolExecutor(
                streams, streams, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), Upstream.daemon("squeeze-relay"));
        relays.allowCoreThreadTimeOut(true);
        Metrics metrics =
                new Metrics(workers::getActiveCount, () -> workers.getQueue().size());

        // Jetty's own threads only parse HTTP and move bytes (bodies are read asynchronously), so a small pool
        // suffices.
        QueuedThreadPool threads =
                new QueuedThreadPool(Math.max(16, 2 * Runtime.getRuntime().availableProcessors() + 8), 4);
        threads.setName("squeeze-http");
        threads.setDaemon(true);
        this.jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 * 1024);
        http.setIdleTimeout(config.idleTimeoutMs());
        this.connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeoutMs());
        jetty.addConnector(connector);
        jetty.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
        jetty.setErrorHandler(new JsonErrorHandler());
        jetty.setHandler(new SqueezeHandler(config, registry, workers, relays, metrics, upstream, deadlines));
        jetty.setStopTimeout(5_000);
    }

    /** One daemon thread for every request's deadline; a cancelled deadline leaves the queue at once. */
    private static ScheduledThreadPoolExecutor deadlineTimer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "squeeze-deadline");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /** Starts a server with every compressor on the class path. */
    public static SqueezeServer start(ServerConfig config) {
        return start(config, CompressorRegistry.load());
    }

    /** Starts a server with the given compressors (tests inject their own). */
    public static SqueezeServer start(ServerConfig config, CompressorRegistry registry) {
        SqueezeServer s = new SqueezeServer(Objects.requireNonNull(config), Objects.requireNonNull(registry));
        try {
            s.jetty.start();
        } catch (Exception e) {
            s.close();
            throw new IllegalStateException(
                    "cannot start the server on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        LOG.info("squeeze server listening on {}", s.uri());
        return s;
    }

    /** The bound port (the real one when the config asked for 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public URI uri() {
        return URI.create("http://" + hostForUri() + ":" + port());
    }

    private String hostForUri() {
        String h = config.host();
        return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    public ServerConfig config() {
        return config;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("error while stopping the server: {}", e.toString());
        }
        workers.shutdownNow();
        relays.shutdownNow();
        deadlines.shutdownNow();
        if (upstream != null) upstream.close();
    }
}
