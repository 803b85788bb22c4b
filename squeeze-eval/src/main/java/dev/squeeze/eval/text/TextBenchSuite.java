package dev.squeeze.eval.text;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.BenchSuite;
import dev.squeeze.bench.PlotSpec;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import dev.squeeze.eval.llm.EvalModel;
import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.ForcedContent;
import dev.squeeze.text.PromptCompressor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code squeeze bench text}: retention of what the answer needs after compression, achieved vs requested
 * rate (cl100k_base), and single-thread throughput, per method, task and rate. Options: {@code quick=true}
 * (fewer examples), {@code methods=a,b} (default: every offline general-text method of the registry, and the default
 * method's MiniLM cascade {@value #CASCADE} on {@code paraphrase-32k} only; a method may carry options after colons,
 * {@code semantic:rerank=minilm:rerankTokens=2048}), {@code tasks=needle,kv-75,kv-140,nq-10,nq-20,gsm8k,paraphrase,
 * paraphrase-check,paraphrase-32k} (default: all; paraphrase: {@link ParaphraseTask}'s 48 needles at 1k-32k tokens,
 * paraphrase-check: its 24 check needles, paraphrase-32k: the 48 at 32k tokens, where retention is plotted against
 * tokens per CPU-second), {@code examples=N} (cap per task),
 * {@code lm=PATH} and {@code lmTokenizer=PATH}: the causal LM (squeeze-llm) given to the methods that need one
 * (llmlingua, longllmlingua, selective-context; default stories15M + tok32000.bin from the data folder, e.g.
 * {@code lm=../shared/data/models/stories260K.bin lmTokenizer=../shared/data/models/tok512.bin} for another);
 * {@code lmWindow=N} its scoring window (default its seq_len).
 */
public final class TextBenchSuite implements BenchSuite {
    /**
     * CPU clocks, robust to other processes on a shared machine (wall time is not): the calling thread's CPU time
     * for methods that run on it alone (the offline ones), the process's for the neural ones whose ONNX Runtime
     * workers run on other threads (it also counts GC and JIT threads, so it errs on the slow side).
     */
    private static final java.lang.management.ThreadMXBean THREAD =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private static final com.sun.management.OperatingSystemMXBean PROCESS = (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private static long cpuNanos(boolean process) {
        return process ? PROCESS.getProcessCpuTime() : THREAD.getCurrentThreadCpuTime();
    }

    static final double[] RATES = {0.5, 0.33, 0.2, 0.1};
    /** The default method with its MiniLM re-ranking cascade, run by default on paraphrase-32k only (it is slow). */
    static final String CASCADE = "semantic:rerank=minilm";

    static final String SPEED_TASK = "paraphrase-32k";
    static final double[] NQ_RATES = {0.5, 0.33, 0.25, 0.2, 0.1};

    @Override
    public String name() {
        return "text";
    }

    @Override
    public String description() {
        return "prompt compression: needle, key-value, NQ-open with distractors, GSM8K numbers, paraphrased needles; retention vs rate and tokens/s";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        if (context.dataDir().isEmpty()) {
            context.note("text suite skipped: ../shared/data not found");
            return;
        }
        Path data = context.dataDir().get();
        boolean quick = context.quick();
        CompressorRegistry registry = CompressorRegistry.load();
        boolean chosen = context.options().containsKey("methods");
        List<String> methods = new ArrayList<>(
                chosen
                        ? List.of(context.options().get("methods").split(","))
                        : registry.offlineNames().stream()
                                .filter(n -> !n.equals("json"))
                                .toList());
        if (!chosen) methods.add(CASCADE);
        Map<String, List<TextTasks.Example>> tasks = new LinkedHashMap<>();
        tasks.put("needle", TextTasks.needle(data, TextTasks.NEEDLE_LENGTHS, quick ? 4 : TextTasks.NEEDLE_DEPTHS));
        tasks.put("kv-75", TextTasks.keyValue(data, 75, quick ? 20 : 100));
        tasks.put("kv-140", TextTasks.keyValue(data, 140, quick ? 20 : 100));
        tasks.put("nq-10", TextTasks.nq(data, 10, quick ? 40 : 200, 7));
        tasks.put("nq-20", TextTasks.nq(data, 20, quick ? 40 : 200, 11));
        tasks.put("gsm8k", TextTasks.gsm8k(data, quick ? 50 : 300));
        tasks.put(
                "paraphrase",
                ParaphraseTask.examples(
                        data,
                        ParaphraseTask.NEEDLES,
                        ParaphraseTask.LENGTHS,
                        quick ? 12 : ParaphraseTask.NEEDLES.size()));
        tasks.put(
                "paraphrase-check",
                ParaphraseTask.examples(
                        data,
                        ParaphraseTask.CHECK_NEEDLES,
                        ParaphraseTask.LENGTHS,
                        quick ? 6 : ParaphraseTask.CHECK_NEEDLES.size()));
        tasks.put(
                SPEED_TASK,
                ParaphraseTask.examples(
                        data, ParaphraseTask.NEEDLES, new int[] {32000}, quick ? 12 : ParaphraseTask.NEEDLES.size()));
        if (context.options().containsKey("tasks")) { // e.g. tasks=nq-10,gsm8k for slow neural methods
            List<String> keep = List.of(context.options().get("tasks").split(","));
            tasks.keySet().retainAll(keep);
        }
        if (context.options().containsKey("examples")) { // cap per task, e.g. for the slow neural methods
            int cap = Integer.parseInt(context.options().get("examples"));
            tasks.replaceAll((k, v) -> v.subList(0, Math.min(cap, v.size())));
        }
        for (String task : tasks.keySet()) {
            context.plot(new PlotSpec(task, task + ": retention vs rate", "rate", "retention", "method"));
        }
        if (tasks.containsKey(SPEED_TASK)) {
            context.plot(new PlotSpec(
                    SPEED_TASK,
                    SPEED_TASK + ": retention vs log10(input tokens per CPU-second), one point per rate",
                    "log10TokensPerSecond",
                    "retention",
                    "method"));
        }
        context.note(
                "text: tokensPerSecond = input tokens / CPU seconds spent in compress() after a warm-up pass (JIT): the "
                        + "calling thread's CPU for offline methods, the whole process's for neural ones (column clock); it reads as "
                        + "tokens/s on one core and resists the shared machine's load; wallTokensPerSecond is wall time. Compare ratios from one run");
        List<String> offline = registry.offlineNames();
        List<Row> rows = new ArrayList<>();
        for (String spec : methods) {
            MethodSpec m = MethodSpec.parse(spec);
            Map<String, List<TextTasks.Example>> run = new LinkedHashMap<>(tasks);
            if (!chosen && spec.equals(CASCADE)) run.keySet().retainAll(List.of(SPEED_TASK));
            if (run.isEmpty()) continue;
            // Thread CPU for the offline methods as such; process CPU when a model's worker threads take part.
            boolean processClock = !offline.contains(m.name()) || !m.options().isEmpty();
            PromptCompressor c = create(registry, m, context);
            warmUp(c, run, processClock ? 2 : 20);
            for (var e : run.entrySet()) {
                double[] rates = e.getKey().startsWith("nq") || e.getKey().startsWith("paraphrase") ? NQ_RATES : RATES;
                try (Progress pr = context.progress(
                        "text " + spec + " " + e.getKey(),
                        (long) rates.length * e.getValue().size())) {
                    for (double rate : rates) {
                        Row row = measure(c, e.getKey(), e.getValue(), rate, pr, processClock)
                                .put("method", m.label());
                        context.add(row);
                        rows.add(row);
                    }
                }
            }
        }
        for (String note : TextGoals.check(rows)) context.note(note);
    }

    /** A method name with options: {@code semantic:rerank=minilm:rerankTokens=2048}. */
    record MethodSpec(String name, Map<String, String> options) {
        static MethodSpec parse(String spec) {
            String[] parts = spec.trim().split(":");
            Map<String, String> o = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq <= 0)
                    throw new IllegalArgumentException(
                            "method option '" + parts[i] + "' in '" + spec + "' is not key=value");
                o.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
            return new MethodSpec(parts[0], o);
        }

        String label() {
            StringBuilder sb = new StringBuilder(name);
            options.forEach((k, v) -> sb.append(':').append(k).append('=').append(v));
            return sb.toString();
        }
    }

    static final List<String> CAUSAL_LM_METHODS = List.of("llmlingua", "longllmlingua", "selective-context");

    /**
     * The shared instance, one with the spec's options, or for a causal-LM method one built on the {@code lm=} model,
     * by default the evaluation model (stories15M + tok32000 from the data folder).
     */
    static PromptCompressor create(CompressorRegistry registry, MethodSpec spec, BenchContext context) {
        String method = spec.name();
        Map<String, String> options = context.options();
        if (!CAUSAL_LM_METHODS.contains(method)) {
            return spec.options().isEmpty() ? registry.get(method) : registry.create(method, spec.options());
        }
        EvalModel lm = EvalModel.resolve(context, "lm", "lmTokenizer")
                .orElseThrow(() -> new IllegalArgumentException(method
                        + " needs a causal LM: give --option lm=PATH [--option lmTokenizer=PATH], or put "
                        + EvalModel.DEFAULT_MODEL + " and "
                        + EvalModel.DEFAULT_TOKENIZER + " in ../shared/data"));
        Map<String, String> o = new LinkedHashMap<>(spec.options());
        o.put("model", lm.model().toString());
        if (lm.tokenizer() != null) o.put("tokenizer", lm.tokenizer().toString());
        if (options.containsKey("lmWindow")) o.put("window", options.get("lmWindow"));
        return registry.create(method, o);
    }

    /** Untimed pass so that throughput is measured on compiled code, as a request path would see it. */
    static void warmUp(PromptCompressor c, Map<String, List<TextTasks.Example>> tasks, int examples) {
        for (List<TextTasks.Example> list : tasks.values()) {
            for (int i = 0; i < Math.min(examples, list.size()); i++) {
                for (double rate : RATES) {
                    try {
                        c.compress(CompressionRequest.builder(list.get(i).context())
                                .rate(rate)
                                .question(list.get(i).question())
                                .build());
                    } catch (IllegalArgumentException ignored) {
                        // counted in the measured pass
                    }
                }
            }
        }
    }

    /** One row: mean retention and achieved rate, worst rate error, tokens/s over the examples. */
    static Row measure(
            PromptCompressor c,
            String task,
            List<TextTasks.Example> examples,
            double rate,
            Progress pr,
            boolean processClock) {
        ForcedContent forced = task.equals("gsm8k") ? ForcedContent.numbersAndUrls() : ForcedContent.none();
        int kept = 0, errors = 0, n = 0;
        double achieved = 0, worst = 0;
        long tokens = 0, nanos = 0, wall = 0;
        List<String> firstError = new ArrayList<>();
        for (TextTasks.Example ex : examples) {
            CompressionRequest req = CompressionRequest.builder(ex.context())
                    .rate(rate)
                    .question(ex.question())
                    .forced(forced)
                    .build();
            long t0 = cpuNanos(processClock);
            long w0 = System.nanoTime();
            CompressionResult r;
            try {
                r = c.compress(req);
            } catch (IllegalArgumentException err) {
                errors++;
                if (firstError.isEmpty()) firstError.add(err.getMessage());
                if (pr != null) pr.step();
                continue;
            }
            nanos += cpuNanos(processClock) - t0;
            wall += System.nanoTime() - w0;
            tokens += r.originTokens();
            n++;
            achieved += r.rate();
            worst = Math.max(worst, Math.abs(r.rate() - rate));
            if (TextTasks.retained(ex, r.compressed())) kept++;
            if (pr != null) pr.step();
        }
        int total = examples.size();
        Row row = Row.of(task)
                .put("method", c.method())
                .put("rate", rate)
                .put("achievedRate", n == 0 ? Double.NaN : achieved / n)
                .put("maxRateError", worst)
                .put("retention", total == 0 ? Double.NaN : kept / (double) total)
                .put("tokensPerSecond", nanos == 0 ? Double.NaN : tokens / (nanos / 1e9))
                .put("log10TokensPerSecond", nanos == 0 ? Double.NaN : Math.log10(tokens / (nanos / 1e9)))
                .put("cpuSecondsPer1kTokens", tokens == 0 ? Double.NaN : nanos / 1e9 / tokens * 1000)
                .put("clock", processClock ? "process-cpu" : "thread-cpu")
                .put("wallTokensPerSecond", wall == 0 ? Double.NaN : tokens / (wall / 1e9))
                .put("examples", total)
                .put("errors", errors);
        if (!firstError.isEmpty()) row.put("firstError", firstError.getFirst());
        return row;
    }
}
