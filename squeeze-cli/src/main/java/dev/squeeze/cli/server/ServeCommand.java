package dev.squeeze.cli.server;

import dev.squeeze.server.ServerConfig;
import dev.squeeze.server.SqueezeServer;
import dev.squeeze.text.CompressorRegistry;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code squeeze serve}: the HTTP compression service and OpenAI-compatible proxy. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve POST /v1/compress, GET /v1/methods, GET /health, GET /metrics and, with --upstream,"
                    + " an OpenAI-compatible POST /v1/chat/completions proxy that compresses long context messages."
        })
final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Interface to bind (default ${DEFAULT-VALUE}: loopback only).")
    String host;

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "Port (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(
            names = "--upstream",
            description = "Base URL of the OpenAI-compatible API to proxy to, e.g. https://api.openai.com/v1.")
    URI upstream;

    @Option(
            names = "--api-key",
            description = "Key clients must send in X-Squeeze-Api-Key (default: env SQUEEZE_API_KEY; none = open).")
    String apiKey;

    @Option(
            names = "--max-body-bytes",
            defaultValue = "8388608",
            description = "Request body cap in bytes (default ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(
            names = "--max-tokens",
            defaultValue = "262144",
            description = "Input tokens per request (default ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(
            names = "--max-word-chars",
            defaultValue = "1000",
            description =
                    "Longest word (run of letters, symbols or spaces) a text may hold; checked before counting tokens (default ${DEFAULT-VALUE}).")
    int maxWordChars;

    @Option(
            names = "--request-timeout-ms",
            defaultValue = "30000",
            description = "Deadline of one compression, queue wait included; 503 beyond (default ${DEFAULT-VALUE}).")
    long requestTimeoutMs;

    @Option(
            names = "--memory-budget-mb",
            description =
                    "Heap compressions in flight may hold together, estimated at 40 bytes per body byte (default: half the heap).")
    Long memoryBudgetMb;

    @Option(names = "--workers", description = "Compression threads (default: number of cores).")
    Integer workers;

    @Option(
            names = "--queue",
            defaultValue = "64",
            description = "Requests waiting for a worker before 429 (default ${DEFAULT-VALUE}).")
    int queue;

    @Option(
            names = "--timeout-ms",
            defaultValue = "30000",
            description = "Idle timeout of client connections (default ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(
            names = "--upstream-timeout-ms",
            defaultValue = "120000",
            description = "Upstream connect and response-headers timeout (default ${DEFAULT-VALUE}).")
    long upstreamTimeoutMs;

    @Option(
            names = "--max-connections",
            defaultValue = "1024",
            description = "Open client connections (default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--max-upstream-streams",
            defaultValue = "256",
            description = "Proxied responses relayed at once before 429 (default ${DEFAULT-VALUE}).")
    int maxUpstreamStreams;

    @Option(
            names = "--proxy-rate",
            defaultValue = "0.5",
            description = "Rate the proxy compresses chosen messages to (default ${DEFAULT-VALUE}).")
    double proxyRate;

    @Option(
            names = "--proxy-min-tokens",
            defaultValue = "1024",
            description = "Only messages longer than this are compressed (default ${DEFAULT-VALUE}).")
    int proxyMinTokens;

    @Option(
            names = "--proxy-method",
            defaultValue = CompressorRegistry.DEFAULT_METHOD,
            description = "Method the proxy uses (default ${DEFAULT-VALUE}).")
    String proxyMethod;

    @Option(
            names = "--proxy-roles",
            defaultValue = "system,user,tool",
            split = ",",
            description =
                    "Roles whose long messages the proxy compresses (default ${DEFAULT-VALUE}); never the last user message.")
    List<String> proxyRoles;

    @Option(
            names = "--method-option",
            paramLabel = "METHOD.KEY=VALUE",
            description = "Setting of a method (repeatable), e.g. llmlingua-2.model=/models/llmlingua-2.onnx.")
    List<String> methodOptions = new java.util.ArrayList<>();

    /** The running server (tests stop it through this). */
    volatile SqueezeServer server;

    @Override
    public Integer call() throws InterruptedException {
        String key = apiKey != null ? apiKey : System.getenv("SQUEEZE_API_KEY");
        ServerConfig.Builder b = ServerConfig.builder()
                .host(host)
                .port(port)
                .upstream(upstream)
                .apiKey(key == null || key.isEmpty() ? null : key)
                .maxBodyBytes(maxBodyBytes)
                .maxTokens(maxTokens)
                .queue(queue)
                .idleTimeoutMs(timeoutMs)
                .upstreamTimeoutMs(upstreamTimeoutMs)
                .maxConnections(maxConnections)
                .maxUpstreamStreams(maxUpstreamStreams)
                .proxyRate(proxyRate)
                .proxyMinTokens(proxyMinTokens)
                .proxyMethod(proxyMethod)
                .proxyRoles(proxyRoles);
        if (workers != null) b.workers(workers);
        b.maxWordChars(maxWordChars).requestTimeoutMs(requestTimeoutMs);
        if (memoryBudgetMb != null) {
            if (memoryBudgetMb <= 0 || memoryBudgetMb > Long.MAX_VALUE >> 20) {
                throw new IllegalArgumentException("--memory-budget-mb must be > 0, got " + memoryBudgetMb);
            }
            b.memoryBudgetBytes(memoryBudgetMb << 20);
        }
        for (String o : methodOptions) b.methodOption(o);
        ServerConfig config = b.build();
        SqueezeServer server = SqueezeServer.start(config);
        this.server = server;
        Thread hook = new Thread(server::close, "squeeze-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        var out = spec.commandLine().getOut();
        out.println("squeeze serve: listening on " + server.uri()
                + (config.upstream() != null ? ", proxying /v1/chat/completions to " + config.upstream() : "")
                + (config.apiKey() != null ? ", API key required" : ""));
        if (!isLoopback(host))
            out.println("squeeze serve: warning: bound to " + host + ", reachable from other machines");
        out.flush();
        try {
            server.join();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook is running
            }
        }
        return 0;
    }

    private static boolean isLoopback(String h) {
        return h.equals("127.0.0.1") || h.equals("localhost") || h.equals("::1") || h.equals("[::1]");
    }
}
