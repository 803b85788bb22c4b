package dev.squeeze.eval.cachegen;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.BenchSuite;
import dev.squeeze.bench.PlotSpec;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import dev.squeeze.cachegen.CacheGenEncoder;
import dev.squeeze.cachegen.CacheGenReader;
import dev.squeeze.cachegen.CompressionLevels;
import dev.squeeze.cachegen.EncodedStream;
import dev.squeeze.cachegen.KvSnapshot;
import dev.squeeze.cachegen.ModelFingerprint;
import dev.squeeze.cachegen.RoundTripPerplexity;
import dev.squeeze.eval.llm.EvalModel;
import dev.squeeze.eval.llm.LlmSpeed;
import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.runtime.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code squeeze bench cachegen}: CacheGen on stories15M (or the model named by {@code model=} / {@code tokenizer=})
 * over tinystories-sample.txt: bytes per token vs fp16, fp32 and KIVI-4bit, perplexity ratio of a teacher-forced
 * continuation after a round trip, decode time per token; and load-vs-recompute time for a full context of the model
 * and for 512 tokens of a random-weight 1.1B Llama (Q8_0).
 *
 * <p>Windows stay inside the model's trained context: per window the cache of {@code context - 1} tokens (default
 * 3/4 of min(256, seq_len) = 191) is encoded, decoded and restored, then the last context token and the
 * {@code window - context} continuation tokens are teacher-forced in the restored and the full session.
 *
 * <p>KIVI-4bit bytes are by formula: 4-bit codes plus an fp16 scale and an fp16 zero point per group of 32
 * values (keys grouped per channel, values per token in KIVI; same count) = 0.625 bytes per value; KIVI's
 * full-precision residual window is not counted (it only adds bytes).
 *
 * <p>Options: {@code quick=true} (fewer windows, 4-layer random model, 128 tokens), {@code windows=N} (default
 * {@value #WINDOWS}), {@code window=N}, {@code context=N}, {@code big=false} to skip the 1.1B model.
 */
public final class CacheGenSuite implements BenchSuite {
    static final double KIVI4_BYTES_PER_VALUE = 0.5 + 2.0 * 2 / 32;
    static final int WINDOWS = 24;

    @Override
    public String name() {
        return "cachegen";
    }

    @Override
    public String description() {
        return "CacheGen KV bitstreams on stories15M: bytes/token vs fp16/fp32/KIVI-4bit, perplexity after a round trip, decode vs recompute time";
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        Optional<EvalModel> em = EvalModel.resolve(ctx, "model", "tokenizer");
        if (em.isEmpty() || ctx.dataDir().isEmpty()) {
            ctx.note("cachegen: ../shared/data (" + EvalModel.DEFAULT_MODEL
                    + ", tinystories-sample.txt) is absent: the size-quality rows are skipped");
        } else {
            levels(ctx, em.get(), ctx.dataDir().get());
        }
        if (Boolean.parseBoolean(ctx.options().getOrDefault("big", "true"))) randomModel(ctx);
        else ctx.note("cachegen: big=false: the random 1.1B load-vs-recompute row is skipped");
    }

    private void levels(BenchContext ctx, EvalModel em, Path data) throws Exception {
        int windows = ctx.intOption("windows", ctx.quick() ? 4 : WINDOWS, 1, 100_000);
        try (LlamaModel m = em.load()) {
            int seqLen = m.config().seqLen();
            int window = ctx.intOption("window", Math.min(256, seqLen), 3, Integer.MAX_VALUE);
            if (window > seqLen) {
                throw new IllegalArgumentException("option window=" + window + " needs positions past " + em.name()
                        + "'s trained context (seq_len " + seqLen + "): not run");
            }
            int context = ctx.intOption("context", window * 3 / 4, 2, Integer.MAX_VALUE);
            if (context >= window)
                throw new IllegalArgumentException("option context=" + context + " must be below window=" + window);
            int continuation = window - context;
            List<int[]> seqs = new ArrayList<>();
            for (String p : Files.readString(data.resolve("text/tinystories-sample.txt"))
                    .split("\\n\\s*\\n")) {
                if (!p.isBlank()) seqs.add(m.tokenizer().encode(p.strip(), true));
            }
            ModelFingerprint fp = ModelFingerprint.of(m);
            int[] tokens = concat(seqs, window); // a full context of the model, for decode and load timing
            Session s = m.newSession();
            s.prefill(tokens, false);
            KvSnapshot snapFull = KvSnapshot.of(s.cache(), tokens);
            ctx.note(String.format(
                    Locale.ROOT,
                    "cachegen: %s (seq_len %d): per window %d cached tokens, then %d teacher-forced and scored "
                            + "(%d positions)%s; decode and load times use a %d-token cache",
                    em.name(),
                    seqLen,
                    context - 1,
                    continuation,
                    window,
                    seqLen < 511
                            ? ". The stories260K protocol (255 cached + 256 scored = 511 positions) would need positions past "
                                    + seqLen + ": not run on this model"
                            : "",
                    window));
            record Config(String method, int level, int anchor) {}
            List<Config> configs = new ArrayList<>();
            for (int lv = 0; lv <= CompressionLevels.MAX; lv++) configs.add(new Config("cachegen", lv, 0));
            configs.add(new Config("cachegen+delta", CompressionLevels.DEFAULT, 10));
            configs.add(new Config("cachegen+delta", CompressionLevels.DEFAULT + 1, 10));
            double values = 2.0 * fp.layers() * fp.kvDim();
            String goal = null;
            try (Progress bar = ctx.progress("cachegen levels", configs.size())) {
                for (Config c : configs) {
                    bar.message(c.method() + " level " + c.level());
                    CacheGenEncoder enc = CacheGenEncoder.builder()
                            .level(c.level())
                            .anchorInterval(c.anchor())
                            .build();
                    RoundTripPerplexity.Result r =
                            RoundTripPerplexity.evaluate(m, seqs, context, continuation, windows, enc);
                    double bpt = (double) r.bytes() / r.cachedTokens();
                    byte[] stream = enc.encode(snapFull, fp).toByteArray();
                    medianSeconds(3, () -> CacheGenReader.of(stream, "bench").decode(fp)); // warm-up (JIT)
                    double decodeSec = medianSeconds(
                            9, () -> CacheGenReader.of(stream, "bench").decode(fp));
                    ctx.add(Row.of("size-quality")
                            .put("method", c.method())
                            .put("model", em.name())
                            .put("level", c.level())
                            .put("anchorInterval", c.anchor())
                            .put("bytesPerToken", bpt)
                            .put("fp16BytesPerToken", 2 * values)
                            .put("fp32BytesPerToken", 4 * values)
                            .put("kivi4BytesPerToken", KIVI4_BYTES_PER_VALUE * values)
                            .put("ratioVsFp16", 2 * values / bpt)
                            .put("ratioVsKivi4", KIVI4_BYTES_PER_VALUE * values / bpt)
                            .put("pplRatio", r.pplRatio())
                            .put("top1Agreement", r.top1Agreement())
                            .put("windows", windows)
                            .put("cachedTokens", context - 1)
                            .put("scoredTokens", r.scored())
                            .put("decodeMicrosPerToken", decodeSec * 1e6 / tokens.length)
                            .put("streamBytes", stream.length)
                            .put("streamTokens", tokens.length));
                    if (goal == null && c.anchor() == 0 && 2 * values / bpt >= 4 && r.pplRatio() <= 1.01) {
                        goal = String.format(
                                Locale.ROOT,
                                "level %d, %.2fx smaller than fp16 at pplRatio %.4f",
                                c.level(),
                                2 * values / bpt,
                                r.pplRatio());
                    }
                    bar.step();
                }
            }
            ctx.note("cachegen goal (>= 4x smaller than fp16 at <= 1.01x perplexity, " + em.name() + "): "
                    + (goal == null ? "missed by every level" : "met by the finest level that reaches 4x: " + goal));
            ctx.plot(new PlotSpec(
                    "size-quality",
                    "Perplexity ratio vs compression (" + em.name() + ", " + (context - 1) + "-token cache, "
                            + continuation + " scored)",
                    "ratioVsFp16",
                    "pplRatio",
                    "method"));
            loadVsRecompute(ctx, m, em.name(), tokens, 9);
        }
    }

    private void randomModel(BenchContext ctx) throws Exception {
        LlamaConfig c = ctx.quick() ? LlmSpeed.quick() : LlmSpeed.oneB();
        int n = ctx.quick() ? 128 : 512;
        Path dir = Files.createTempDirectory(ctx.outDir(), "cachegen-random-");
        try {
            Path file = LlmSpeed.write(c, GgmlType.Q8_0, dir);
            try (LlamaModel m = ModelLoader.load(file, null)) {
                SplittableRandom r = new SplittableRandom(7);
                int[] tokens = new int[n];
                for (int i = 0; i < n; i++) tokens[i] = r.nextInt(c.vocabSize());
                loadVsRecompute(
                        ctx,
                        m,
                        (ctx.quick() ? "random-4-layer" : "random-1.1B") + "-q8_0",
                        tokens,
                        ctx.quick() ? 3 : 1);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
        ctx.note(
                "cachegen: the random model has TinyLlama-1.1B's shape (dim 2048, 22 layers, 4 KV heads x 64) with uniform "
                        + "random Q8_0 weights: its KV statistics are not a trained model's, so only its times and sizes are meaningful");
    }

    /** Recompute = prefill of the tokens; load = read the stream from disk, decode, fill a session's cache. */
    private void loadVsRecompute(BenchContext ctx, LlamaModel m, String name, int[] tokens, int repeats)
            throws Exception {
        ModelFingerprint fp = ModelFingerprint.of(m);
        Session s = m.newSession();
        s.prefill(Arrays.copyOf(tokens, Math.min(8, tokens.length)), false); // warm-up
        s.reset();
        long t0 = System.nanoTime();
        s.prefill(tokens, false);
        double first = (System.nanoTime() - t0) / 1e9;
        KvSnapshot snap = KvSnapshot.of(s.cache(), tokens);
        double recompute = repeats <= 1
                ? first
                : Math.min(first, medianSeconds(repeats - 1, () -> {
                    s.reset();
                    s.prefill(tokens, false);
                }));
        CacheGenEncoder enc = CacheGenEncoder.builder().build();
        long e0 = System.nanoTime();
        EncodedStream es = enc.encode(snap, fp);
        double encodeSec = (System.nanoTime() - e0) / 1e9;
        Path f = Files.createTempFile(ctx.outDir(), "cachegen-", ".sqkv");
        try {
            Files.write(f, es.toByteArray());
            Session target = m.newSession();
            double load = medianSeconds(Math.max(3, repeats), () -> {
                try (CacheGenReader r = CacheGenReader.open(f)) {
                    r.decode(fp).fill(target.cache());
                }
            });
            ctx.add(Row.of("load-vs-recompute")
                    .put("method", "cachegen")
                    .put("model", name)
                    .put("tokens", tokens.length)
                    .put("level", CompressionLevels.DEFAULT)
                    .put("bytes", es.bytes())
                    .put("fp16Bytes", es.fp16Bytes())
                    .put("ratioVsFp16", (double) es.fp16Bytes() / es.bytes())
                    .put("loadSeconds", load)
                    .put("recomputeSeconds", recompute)
                    .put("speedup", recompute / load)
                    .put("encodeSeconds", encodeSec));
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static int[] concat(List<int[]> seqs, int n) {
        int[] out = new int[n];
        int at = 0;
        for (int[] s : seqs) {
            int take = Math.min(s.length, n - at);
            System.arraycopy(s, 0, out, at, take);
            at += take;
            if (at == n) return out;
        }
        throw new IllegalArgumentException("the text holds fewer than " + n + " tokens");
    }

    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    static double medianSeconds(int reps, Work w) throws Exception {
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long a = System.nanoTime();
            w.run();
            t[i] = (System.nanoTime() - a) / 1e9;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }
}
