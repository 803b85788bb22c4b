package dev.squeeze.eval.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * llama.cpp in a child process: the prebuilt CPU build inside the npm package {@code node-llama-cpp} at a pinned
 * version, driven through its Node API by {@code llamacpp-driver.mjs} (a resource of this package, copied next to
 * the installation). {@link #install} puts the package into a cache folder on first use with {@code npm}; nothing
 * is downloaded when it is already there. One command at a time, JSON lines over the child's stdin/stdout.
 */
public final class LlamaCppDriver implements AutoCloseable {
    /** The npm package version every comparison uses. */
    public static final String VERSION = "3.21.1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    /** Timings of one run: prompt processing up to its first greedy token, then {@code decode} single steps. */
    public record Run(double promptMillis, double decodeMillis, int[] tokens) {}

    /** Greedy tokens and the next-token distribution (vocab) after the prompt and after each of them. */
    public record Distributions(int[] tokens, double[][] probabilities) {}

    private LlamaCppDriver(Process process) {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** {@code $SQUEEZE_CACHE/node-llama-cpp-VERSION}, else {@code ~/.cache/squeeze/node-llama-cpp-VERSION}. */
    public static Path defaultCacheDir() {
        String env = System.getenv("SQUEEZE_CACHE");
        Path base = env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "squeeze");
        return base.resolve("node-llama-cpp-" + VERSION);
    }

    /**
     * The folder holding node-llama-cpp {@value #VERSION}, installing it with npm on first use (its CPU binaries
     * for this platform only, about 85 MB). Empty, with the reason sent to {@code log}, when node or npm is
     * missing, the platform has no prebuilt binary, or the install fails.
     */
    public static Optional<Path> install(Path dir, Consumer<String> log) {
        Path pkg = dir.resolve("node_modules/node-llama-cpp/package.json");
        if (Files.isRegularFile(pkg) && Files.isDirectory(dir.resolve("node_modules/@node-llama-cpp")))
            return Optional.of(dir);
        if (!onPath("node") || !onPath("npm")) {
            log.accept("llama.cpp side skipped: node and npm are needed to install node-llama-cpp " + VERSION
                    + " (not found on PATH)");
            return Optional.empty();
        }
        String platform = platformPackage();
        if (platform == null) {
            log.accept("llama.cpp side skipped: node-llama-cpp has no prebuilt CPU binary for "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            return Optional.empty();
        }
        log.accept("installing node-llama-cpp " + VERSION + " (llama.cpp's prebuilt CPU build, " + platform
                + ") with npm into " + dir + " (first use only)");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("package.json"), "{\"name\":\"squeeze-llamacpp\",\"private\":true}\n");
            ProcessBuilder pb = new ProcessBuilder(
                            "npm",
                            "install",
                            "--no-audit",
                            "--no-fund",
                            "--omit=optional",
                            "node-llama-cpp@" + VERSION,
                            platform + "@" + VERSION)
                    .directory(dir.toFile())
                    .redirectErrorStream(true);
            pb.environment()
                    .put(
                            "NODE_LLAMA_CPP_SKIP_DOWNLOAD",
                            "true"); // the prebuilt binary is enough: never build from source
            Process p = pb.start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isRegularFile(pkg)) {
                log.accept("llama.cpp side skipped: npm install failed in " + dir + ": " + text.strip());
                return Optional.empty();
            }
            return Optional.of(dir);
        } catch (IOException e) {
            log.accept("llama.cpp side skipped: npm install failed in " + dir + ": " + e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Starts the driver in an installed folder (see {@link #install}). */
    public static LlamaCppDriver start(Path installDir) throws IOException {
        Path script = installDir.resolve("llamacpp-driver.mjs");
        try (InputStream s = LlamaCppDriver.class.getResourceAsStream("llamacpp-driver.mjs")) {
            if (s == null) throw new IOException("resource llamacpp-driver.mjs is missing from the squeeze-eval jar");
            Files.write(script, s.readAllBytes());
        }
        Process p = new ProcessBuilder("node", script.toString())
                .directory(installDir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        return new LlamaCppDriver(p);
    }

    /** Process id of the node child (for CPU accounting). */
    public long pid() {
        return process.pid();
    }

    /** node, node-llama-cpp and llama.cpp versions and llama.cpp's CPU feature line. */
    public JsonNode info() throws IOException {
        return call(command("info"));
    }

    /** Loads a GGUF file with a context of {@code context} tokens, batches of {@code batch}, {@code threads} threads. */
    public double load(Path model, int threads, int context, int batch) throws IOException {
        ObjectNode c = command("load")
                .put("model", model.toAbsolutePath().toString())
                .put("threads", threads)
                .put("context", context)
                .put("batch", batch);
        return call(c).get("loadMs").asDouble();
    }

    /** Clears the sequence, processes the prompt and decodes {@code decode} greedy tokens. */
    public Run run(int[] prompt, int decode) throws IOException {
        ObjectNode c = command("run").put("decode", decode);
        ids(c, prompt);
        JsonNode r = call(c);
        return new Run(r.get("promptMs").asDouble(), r.get("decodeMs").asDouble(), ints(r.get("tokens")));
    }

    /** The greedy continuation of the prompt for {@code steps} tokens with each step's next-token distribution. */
    public Distributions probabilities(int[] prompt, int steps, int vocab) throws IOException {
        ObjectNode c = command("probs").put("steps", steps).put("vocab", vocab);
        ids(c, prompt);
        JsonNode r = call(c);
        List<double[]> probs = new ArrayList<>();
        for (JsonNode n : r.get("probs")) {
            ByteBuffer b =
                    ByteBuffer.wrap(Base64.getDecoder().decode(n.asText())).order(ByteOrder.LITTLE_ENDIAN);
            double[] p = new double[vocab];
            b.asDoubleBuffer().get(p);
            probs.add(p);
        }
        return new Distributions(ints(r.get("tokens")), probs.toArray(new double[0][]));
    }

    @Override
    public void close() {
        try {
            in.write("{\"cmd\":\"exit\"}\n");
            in.flush();
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroy();
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }

    private static ObjectNode command(String name) {
        return JSON.createObjectNode().put("cmd", name);
    }

    private static void ids(ObjectNode c, int[] tokens) {
        var a = c.putArray("prompt");
        for (int t : tokens) a.add(t);
    }

    private static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = a.get(i).asInt();
        return v;
    }

    private JsonNode call(ObjectNode command) throws IOException {
        in.write(JSON.writeValueAsString(command));
        in.write('\n');
        in.flush();
        String line = out.readLine();
        if (line == null)
            throw new IOException(
                    "llama.cpp driver exited (command " + command.get("cmd").asText() + ")");
        JsonNode r = JSON.readTree(line);
        if (!r.path("ok").asBoolean(false)) {
            throw new IOException("llama.cpp driver failed on '"
                    + command.get("cmd").asText() + "': " + r.path("error").asText(line));
        }
        return r;
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) return true;
        }
        return false;
    }

    /** The npm package with node-llama-cpp's CPU binary for this platform, or null. */
    static @Nullable String platformPackage() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
        if (os.contains("linux"))
            return x64 ? "@node-llama-cpp/linux-x64" : arm64 ? "@node-llama-cpp/linux-arm64" : null;
        if (os.contains("mac"))
            return x64 ? "@node-llama-cpp/mac-x64" : arm64 ? "@node-llama-cpp/mac-arm64-metal" : null;
        if (os.contains("windows")) return x64 ? "@node-llama-cpp/win-x64" : arm64 ? "@node-llama-cpp/win-arm64" : null;
        return null;
    }
}
