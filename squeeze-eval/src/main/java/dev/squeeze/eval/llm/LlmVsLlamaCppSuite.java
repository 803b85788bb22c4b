package dev.squeeze.eval.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.BenchSuite;
import dev.squeeze.bench.PlotSpec;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.quant.QuantKernels;
import dev.squeeze.llm.runtime.Sampler;
import dev.squeeze.llm.runtime.Session;
import dev.squeeze.llm.runtime.SessionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code squeeze bench llm-vs-llamacpp}: Squeeze and llama.cpp side by side in one process tree (llama.cpp is the
 * prebuilt CPU build of npm's node-llama-cpp {@value LlamaCppDriver#VERSION}, a child process, installed into a
 * cache folder on first use), on the same GGUF files written by Squeeze's writer: a random-weight Llama of
 * TinyLlama-1.1B's shape with a synthetic vocabulary. For every type, thread count and prompt length, runs alternate
 * (Squeeze, llama.cpp, then llama.cpp, Squeeze, ...): prompt processing of P random tokens up to the first greedy
 * token, then {@code decode} greedy steps. Every run is a row with the machine's load around it; summary rows give
 * medians and the ratios Squeeze / llama.cpp (median of the alternated pairs' ratios); one row per type gives the
 * logit agreement. llama.cpp runs with node-llama-cpp's defaults (its KV cache is F16; Squeeze's is f32), one batch
 * for the longest prompt. The machine's read bandwidth is measured first, so decode's bytes per second can be read
 * against it.
 *
 * <p>Options: {@code types=F16,Q8_0,Q4_0,Q4_K,Q6_K}, {@code threads=1,2}, {@code prompts=128,512}, {@code decode=64},
 * {@code repeats=3}, {@code layers=22}, {@code models=DIR} (keep the GGUF files there and reuse them; default: a
 * temporary folder removed afterwards), {@code llamacpp=false} (Squeeze only), {@code cache=DIR} (where
 * node-llama-cpp is installed). {@code quick=true}: 4 layers, Q8_0 and Q4_0, prompt 64, decode 16, 2 repeats.
 */
public final class LlmVsLlamaCppSuite implements BenchSuite {
    static final String TASK_RUN = "llamacpp-run";
    static final String TASK_SUMMARY = "llamacpp-summary";
    /** The logit check: a prompt of 32 random tokens, then 8 greedy steps of llama.cpp, teacher-forced on Squeeze. */
    static final int LOGIT_PROMPT = 32, LOGIT_STEPS = 8;

    @Override
    public String name() {
        return "llm-vs-llamacpp";
    }

    @Override
    public String description() {
        return "Squeeze vs llama.cpp (node-llama-cpp " + LlamaCppDriver.VERSION
                + " CPU build) on the same random 1.1B GGUF files: "
                + "prompt processing and decode tok/s, alternated runs, logit agreement";
    }

    /** What to run. */
    record Plan(
            List<GgmlType> types,
            int[] threads,
            int[] prompts,
            int decode,
            int repeats,
            int warmups,
            LlamaConfig config,
            Optional<Path> modelsDir,
            boolean llamaCpp,
            Path cacheDir,
            long bandwidthBytes) {

        static Plan of(BenchContext ctx) {
            Map<String, String> o = ctx.options();
            boolean quick = ctx.quick();
            int cores = Runtime.getRuntime().availableProcessors();
            List<GgmlType> types = new ArrayList<>();
            for (String t : o.getOrDefault("types", quick ? "Q8_0,Q4_0" : "F16,Q8_0,Q4_0,Q4_K,Q6_K")
                    .split(",")) {
                types.add(parseType(t.trim()));
            }
            int layers = Integer.parseInt(o.getOrDefault("layers", quick ? "4" : "22"));
            LlamaConfig c = LlmSpeed.tinyLlamaShape(layers);
            int[] threads = ints(o.getOrDefault("threads", cores >= 2 ? "1,2" : "1"), "threads");
            for (int t : threads) {
                if (t > cores)
                    throw new IllegalArgumentException(
                            "option threads: " + t + " is more than the " + cores + " cores this JVM sees");
            }
            return new Plan(
                    types,
                    threads,
                    ints(o.getOrDefault("prompts", quick ? "64" : "128,512"), "prompts"),
                    Integer.parseInt(o.getOrDefault("decode", quick ? "16" : "64")),
                    Integer.parseInt(o.getOrDefault("repeats", quick ? "2" : "3")),
                    warmups(o.getOrDefault("warmups", quick ? "1" : "3")),
                    c,
                    Optional.ofNullable(o.get("models")).map(Path::of),
                    Boolean.parseBoolean(o.getOrDefault("llamacpp", "true")),
                    Optional.ofNullable(o.get("cache")).map(Path::of).orElse(LlamaCppDriver.defaultCacheDir()),
                    1L << 29);
        }

        /**
         * Unrecorded runs per format and thread count before the recorded ones. A JIT runtime: in repeated Q4_0
         * prefills of one JVM (PrefillCpuProbe) the first four ran at 60-70 % of the later ones' rate, so with one
         * warm-up the first recorded runs could time part of Squeeze's compilation.
         */
        private static int warmups(String v) {
            int n;
            try {
                n = Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option warmups: not a whole number: '" + v + "'", e);
            }
            if (n < 1) throw new IllegalArgumentException("option warmups: must be >= 1, got " + n);
            return n;
        }

        private static GgmlType parseType(String t) {
            try {
                GgmlType g = GgmlType.valueOf(t.toUpperCase(Locale.ROOT));
                dev.squeeze.llm.format.GgufWriter.fileType(g);
                return g;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "option types: '" + t + "' is not one of F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K");
            }
        }

        private static int[] ints(String csv, String name) {
            try {
                int[] v = Arrays.stream(csv.split(","))
                        .map(String::trim)
                        .mapToInt(Integer::parseInt)
                        .toArray();
                for (int x : v) if (x <= 0) throw new NumberFormatException("not positive");
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "option " + name + ": '" + csv + "' is not a list of positive integers");
            }
        }
    }

    /** One timed run of one side. */
    record Timing(
            double promptTokPerS,
            double decodeTokPerS,
            int[] tokens,
            double loadBefore,
            double loadAfter,
            double otherCores) {}

    @Override
    public void run(BenchContext ctx) throws Exception {
        run(ctx, Plan.of(ctx));
    }

    void run(BenchContext ctx, Plan plan) throws Exception {
        int maxThreads = Arrays.stream(plan.threads()).max().orElse(1);
        describeMachine(ctx, plan, maxThreads);
        Optional<Path> llamaDir = plan.llamaCpp()
                ? LlamaCppDriver.install(plan.cacheDir(), m -> {
                    ctx.note(m);
                    System.err.println("llm-vs-llamacpp: " + m);
                })
                : Optional.empty();
        if (!plan.llamaCpp()) ctx.note("llama.cpp side not run (llamacpp=false): Squeeze rows only");
        int maxPrompt = Arrays.stream(plan.prompts()).max().orElse(1);
        int[] longest = randomTokens(maxPrompt, plan.config().vocabSize(), 7);
        List<Row> runs = new ArrayList<>();
        long steps = (long) plan.types().size() * plan.threads().length * plan.prompts().length * plan.repeats();
        // created right before the try whose finally removes it, so no early failure leaves it behind
        Path models = plan.modelsDir().orElse(Files.createTempDirectory("squeeze-llamacpp-models"));
        try (Progress p = ctx.progress("llm-vs-llamacpp", steps);
                LlamaCppDriver llama = llamaDir.isPresent() ? LlamaCppDriver.start(llamaDir.get()) : null) {
            if (llama != null) {
                JsonNode info = llama.info();
                ctx.note("llama.cpp: node-llama-cpp "
                        + info.path("nodeLlamaCpp").asText() + " ("
                        + info.path("buildType").asText()
                        + ", llama.cpp " + info.path("llamaCpp").path("release").asText() + ", node "
                        + info.path("node").asText() + "); "
                        + info.path("systemInfo").asText().trim());
            }
            for (GgmlType type : plan.types()) {
                p.message("writing " + type);
                long w0 = System.nanoTime();
                Path file = BenchModels.file(plan.config(), type, models);
                double writeSeconds = (System.nanoTime() - w0) / 1e9;
                for (int threads : plan.threads()) {
                    try (LlamaModel m = ModelLoader.load(file, null, threads)) {
                        long weightBytes = m.weights().bytes()
                                - m.weights().tokenEmbedding().bytes();
                        if (threads == plan.threads()[0]) {
                            ctx.add(Row.of("llamacpp-file")
                                    .put("format", type.name())
                                    .put("fileBytes", Files.size(file))
                                    .put("bitsPerWeight", 8.0 * Files.size(file) / parameters(plan.config()))
                                    .put("weightBytesPerToken", weightBytes)
                                    .put("writeSeconds", writeSeconds));
                        }
                        int context = Math.max(maxPrompt + plan.decode(), LOGIT_PROMPT + LOGIT_STEPS) + 8;
                        Session s = m.newSession(
                                SessionOptions.builder().cacheCapacity(context).build());
                        if (llama != null) llama.load(file, threads, context, maxPrompt);
                        // warm-up (JIT, page cache) on both sides, not recorded
                        int[] warm = Arrays.copyOf(longest, plan.prompts()[0]);
                        for (int w = 0; w < plan.warmups(); w++) {
                            squeeze(s, warm, Math.min(8, plan.decode()), -1);
                            if (llama != null) llama.run(warm, Math.min(8, plan.decode()));
                        }
                        for (int prompt : plan.prompts()) {
                            int[] tokens = Arrays.copyOf(longest, prompt);
                            for (int rep = 0; rep < plan.repeats(); rep++) {
                                p.message(type + " " + threads + "T prompt " + prompt + " run " + (rep + 1));
                                boolean squeezeFirst = rep % 2 == 0 || llama == null;
                                Timing a = squeezeFirst
                                        ? squeeze(s, tokens, plan.decode(), llama == null ? -1 : llama.pid())
                                        : llama(llama, tokens, plan.decode());
                                Timing b = llama == null
                                        ? null
                                        : squeezeFirst
                                                ? llama(llama, tokens, plan.decode())
                                                : squeeze(s, tokens, plan.decode(), llama.pid());
                                Timing sq = squeezeFirst ? a : b, ll = squeezeFirst ? b : a;
                                runs.add(
                                        row("squeeze", type, threads, prompt, plan.decode(), rep, sq, weightBytes, ll));
                                if (ll != null)
                                    runs.add(row(
                                            "llama.cpp",
                                            type,
                                            threads,
                                            prompt,
                                            plan.decode(),
                                            rep,
                                            ll,
                                            weightBytes,
                                            sq));
                                p.step();
                            }
                        }
                        if (llama != null && threads == maxThreads) {
                            int[] prompt =
                                    randomTokens(LOGIT_PROMPT, plan.config().vocabSize(), 11);
                            LogitAgreement g = LogitAgreement.measure(
                                    s,
                                    prompt,
                                    llama.probabilities(
                                            prompt, LOGIT_STEPS, plan.config().vocabSize()));
                            ctx.add(Row.of("llamacpp-logits")
                                    .put("format", type.name())
                                    .put("steps", g.steps())
                                    .put("maxAbsLogProb", g.maxAbsLogProb())
                                    .put("maxAbsLogProbTop", g.maxAbsLogProbTop())
                                    .put("meanKl", g.meanKl())
                                    .put("top1Agreement", g.top1Agreement()));
                        }
                    }
                }
                if (plan.modelsDir().isEmpty()) {
                    Files.deleteIfExists(file);
                    Files.deleteIfExists(models.resolve(file.getFileName() + ".done"));
                }
            }
        } finally {
            if (plan.modelsDir().isEmpty()) Files.deleteIfExists(models);
        }
        runs.forEach(ctx::add);
        summarise(ctx, plan, runs);
    }

    private void describeMachine(BenchContext ctx, Plan plan, int maxThreads) throws InterruptedException {
        ctx.note(String.format(
                Locale.ROOT,
                "model: random-weight Llama %d layers, dim %d, hidden %d, %d heads, %d KV heads, vocab %d "
                        + "(%,d parameters), written by Squeeze's GgufWriter; prompt = random token ids; greedy decoding",
                plan.config().nLayers(),
                plan.config().dim(),
                plan.config().hiddenDim(),
                plan.config().nHeads(),
                plan.config().nKvHeads(),
                plan.config().vocabSize(),
                parameters(plan.config())));
        ctx.note("Squeeze: Java " + Runtime.version() + ", kernels "
                + KernelProvider.kernels().name() + " / quant "
                + QuantKernels.best().name() + "; machine: "
                + Runtime.getRuntime().availableProcessors() + " cores (nproc)");
        for (int t = 1; t <= maxThreads; t++) {
            double gbps = StreamBandwidth.readGBps(plan.bandwidthBytes(), t, 3);
            ctx.add(Row.of("llamacpp-bandwidth").put("threads", t).put("readGBps", gbps));
        }
    }

    private static Timing squeeze(Session s, int[] prompt, int decode, long childPid) {
        int vocab = s.model().config().vocabSize();
        int[] out = new int[decode + 1];
        MachineLoad before = MachineLoad.now(childPid);
        s.reset();
        long t0 = System.nanoTime();
        int next = Sampler.argmax(s.prefill(prompt, false).data(), vocab);
        long t1 = System.nanoTime();
        out[0] = next;
        for (int i = 0; i < decode; i++) {
            next = Sampler.argmax(s.step(next), vocab);
            out[i + 1] = next;
        }
        long t2 = System.nanoTime();
        MachineLoad after = MachineLoad.now(childPid);
        return new Timing(
                prompt.length / ((t1 - t0) / 1e9),
                decode / ((t2 - t1) / 1e9),
                out,
                before.loadAverage(),
                after.loadAverage(),
                after.otherCoresSince(before));
    }

    private static Timing llama(LlamaCppDriver llama, int[] prompt, int decode) throws IOException {
        MachineLoad before = MachineLoad.now(llama.pid());
        LlamaCppDriver.Run r = llama.run(prompt, decode);
        MachineLoad after = MachineLoad.now(llama.pid());
        return new Timing(
                prompt.length / (r.promptMillis() / 1e3),
                decode / (r.decodeMillis() / 1e3),
                r.tokens(),
                before.loadAverage(),
                after.loadAverage(),
                after.otherCoresSince(before));
    }

    private static Row row(
            String side,
            GgmlType type,
            int threads,
            int prompt,
            int decode,
            int rep,
            Timing t,
            long weightBytes,
            Timing other) {
        Row r = Row.of(TASK_RUN)
                .put("method", side)
                .put("format", type.name())
                .put("threads", threads)
                .put("promptTokens", prompt)
                .put("decodeTokens", decode)
                .put("run", rep)
                .put("promptTokPerS", t.promptTokPerS())
                .put("decodeTokPerS", t.decodeTokPerS())
                .put("decodeGBps", t.decodeTokPerS() * weightBytes / 1e9)
                .put("loadBefore", t.loadBefore())
                .put("loadAfter", t.loadAfter())
                .put("otherCores", t.otherCores());
        if (other != null) r.put("sameTokensAsOther", commonPrefix(t.tokens(), other.tokens()));
        return r;
    }

    private static void summarise(BenchContext ctx, Plan plan, List<Row> runs) {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : runs) {
            String key = r.get("format") + "|" + r.get("threads") + "|" + r.get("promptTokens");
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        StringBuilder table =
                new StringBuilder("ratios Squeeze / llama.cpp (median over alternated pairs): format, threads, prompt: "
                        + "prompt processing; decode");
        for (List<Row> g : groups.values()) {
            List<Row> sq =
                    g.stream().filter(r -> r.get("method").equals("squeeze")).toList();
            List<Row> ll =
                    g.stream().filter(r -> r.get("method").equals("llama.cpp")).toList();
            Row first = g.get(0);
            Row s = Row.of(TASK_SUMMARY)
                    .put("format", first.get("format"))
                    .put("threads", first.get("threads"))
                    .put("promptTokens", first.get("promptTokens"))
                    .put("runs", sq.size())
                    .put("squeezePromptTokPerS", median(sq, "promptTokPerS"))
                    .put("squeezeDecodeTokPerS", median(sq, "decodeTokPerS"))
                    .put("squeezeDecodeGBps", median(sq, "decodeGBps"))
                    .put("medianOtherCores", median(g, "otherCores"));
            if (!ll.isEmpty()) {
                double[] pr = new double[sq.size()], dr = new double[sq.size()];
                for (int i = 0; i < sq.size(); i++) {
                    pr[i] = num(sq.get(i), "promptTokPerS") / num(ll.get(i), "promptTokPerS");
                    dr[i] = num(sq.get(i), "decodeTokPerS") / num(ll.get(i), "decodeTokPerS");
                }
                double promptRatio = median(pr), decodeRatio = median(dr);
                s.put("llamaPromptTokPerS", median(ll, "promptTokPerS"))
                        .put("llamaDecodeTokPerS", median(ll, "decodeTokPerS"))
                        .put("llamaDecodeGBps", median(ll, "decodeGBps"))
                        .put("promptRatio", promptRatio)
                        .put("decodeRatio", decodeRatio);
                table.append(String.format(
                        Locale.ROOT,
                        " | %s %sT p%s: %.2f; %.2f",
                        first.get("format"),
                        first.get("threads"),
                        first.get("promptTokens"),
                        promptRatio,
                        decodeRatio));
            }
            ctx.add(s);
        }
        if (table.indexOf("|") > 0) ctx.note(table.toString());
        ctx.note(
                "goals (issue #14): prompt processing >= 0.8x llama.cpp at Q8_0 and Q4_0; decode >= 0.9x; read each ratio with the "
                        + "otherCores column (CPU other processes used during the run; near 0 on a quiet machine)");
        ctx.plot(new PlotSpec(
                TASK_SUMMARY,
                "Squeeze / llama.cpp prompt-processing ratio by prompt length",
                "promptTokens",
                "promptRatio",
                "format"));
    }

    static int commonPrefix(int[] a, int[] b) {
        int n = 0;
        while (n < a.length && n < b.length && a[n] == b[n]) n++;
        return n;
    }

    private static double num(Row r, String key) {
        return ((Number) r.get(key)).doubleValue();
    }

    private static double median(List<Row> rows, String key) {
        return median(rows.stream()
                .mapToDouble(r -> num(r, key))
                .filter(v -> !Double.isNaN(v))
                .toArray());
    }

    static double median(double[] v) {
        if (v.length == 0) return Double.NaN;
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static int[] randomTokens(int n, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] t = new int[n];
        t[0] = 1; // BOS
        for (int i = 1; i < n; i++) t[i] = 3 + r.nextInt(vocab - 3);
        return t;
    }

    static long parameters(LlamaConfig c) {
        return LlmSpeed.parameters(c);
    }
}
