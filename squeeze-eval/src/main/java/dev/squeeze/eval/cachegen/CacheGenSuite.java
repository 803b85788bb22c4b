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
import dev.squeeze.eval.llm.LlmSpeed;
import dev.squeeze.llm.format.Llama2cLoader;
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
import java.util.SplittableRandom;

/**
 * {@code squeeze bench cachegen}: CacheGen on stories260K over tinystories-sample.txt (bytes per token vs fp16,
 * fp32 and KIVI-4bit, perplexity ratio of a teacher-forced continuation after a round trip, decode time per
 * token) and load-vs-recompute time for 512 tokens of stories260K and of a random-weight 1.1B Llama (Q8_0).
 *
 * <p>KIVI-4bit bytes are by formula: 4-bit codes plus an fp16 scale and an fp16 zero point per group of 32
 * values (keys grouped per channel, values per token in KIVI; same count) = 0.625 bytes per value; KIVI's
 * full-precision residual window is not counted (it only adds bytes).
 *
 * <p>Options: {@code quick=true} (fewer windows, 4-layer random model, 128 tokens), {@code windows=N},
 * {@code big=false} to skip the 1.1B model.
 */
public final class CacheGenSuite implements BenchSuite {
    static final double KIVI4_BYTES_PER_VALUE = 0.5 + 2.0 * 2 / 32;

    @Override public String name() { return "cachegen"; }

    @Override
    public String description() {
        return "CacheGen KV bitstreams: bytes/token vs fp16/fp32/KIVI-4bit, perplexity after a round trip, decode vs recompute time";
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        Path data = ctx.dataDir().orElse(null);
        if (data == null || !Files.isRegularFile(data.resolve("models/stories260K.bin"))) {
            ctx.note("cachegen: ../shared/data/models/stories260K.bin is absent: the stories260K rows are skipped");
        } else {
            stories(ctx, data);
        }
        if (Boolean.parseBoolean(ctx.options().getOrDefault("big", "true"))) randomModel(ctx);
        else ctx.note("cachegen: big=false: the random 1.1B load-vs-recompute row is skipped");
    }

    private void stories(BenchContext ctx, Path data) throws Exception {
        int windows = Integer.parseInt(ctx.options().getOrDefault("windows", ctx.quick() ? "8" : "60"));
        try (LlamaModel m = Llama2cLoader.load(data.resolve("models/stories260K.bin"), data.resolve("models/tok512.bin"))) {
            List<int[]> seqs = new ArrayList<>();
            for (String p : Files.readString(data.resolve("text/tinystories-sample.txt")).split("\\n\\s*\\n")) {
                if (!p.isBlank()) seqs.add(m.tokenizer().encode(p.strip(), true));
            }
            ModelFingerprint fp = ModelFingerprint.of(m);
            int[] tokens = concat(seqs, 512);
            Session s = m.newSession();
            s.prefill(tokens, false);
            KvSnapshot snap512 = KvSnapshot.of(s.cache(), tokens);
            record Config(String method, int level, int anchor) {}
            List<Config> configs = new ArrayList<>();
            for (int lv = 0; lv <= CompressionLevels.MAX; lv++) configs.add(new Config("cachegen", lv, 0));
            configs.add(new Config("cachegen+delta", CompressionLevels.DEFAULT, 10));
            configs.add(new Config("cachegen+delta", CompressionLevels.DEFAULT + 1, 10));
            try (Progress bar = ctx.progress("cachegen levels", configs.size())) {
                for (Config c : configs) {
                    bar.message(c.method() + " level " + c.level());
                    CacheGenEncoder enc = CacheGenEncoder.builder().level(c.level()).anchorInterval(c.anchor()).build();
                    RoundTripPerplexity.Result r = RoundTripPerplexity.evaluate(m, seqs, 256, 256, windows, enc);
                    double bpt = (double) r.bytes() / r.cachedTokens();
                    double values = 2.0 * fp.layers() * fp.kvDim();
                    EncodedStream e512 = enc.encode(snap512, fp);
                    byte[] stream = e512.toByteArray();
                    medianSeconds(3, () -> CacheGenReader.of(stream, "bench").decode(fp)); // warm-up (JIT)
                    double decodeSec = medianSeconds(9, () -> CacheGenReader.of(stream, "bench").decode(fp));
                    ctx.add(Row.of("size-quality").put("method", c.method()).put("level", c.level()).put("anchorInterval", c.anchor())
                            .put("bytesPerToken", bpt).put("fp16BytesPerToken", 2 * values).put("fp32BytesPerToken", 4 * values)
                            .put("kivi4BytesPerToken", KIVI4_BYTES_PER_VALUE * values).put("ratioVsFp16", 2 * values / bpt)
                            .put("ratioVsKivi4", KIVI4_BYTES_PER_VALUE * values / bpt).put("pplRatio", r.pplRatio())
                            .put("top1Agreement", r.top1Agreement()).put("windows", windows).put("scoredTokens", r.scored())
                            .put("decodeMicrosPerToken", decodeSec * 1e6 / 512).put("bytes512", stream.length));
                    bar.step();
                }
            }
            ctx.plot(new PlotSpec("size-quality", "Perplexity ratio vs compression (stories260K, 256-token cache, 256 scored)",
                    "ratioVsFp16", "pplRatio", "method"));
            loadVsRecompute(ctx, m, "stories260K", tokens, 9);
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
                loadVsRecompute(ctx, m, (ctx.quick() ? "random-4-layer" : "random-1.1B") + "-q8_0", tokens, ctx.quick() ? 3 : 1);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
        ctx.note("cachegen: the random model has TinyLlama-1.1B's shape (dim 2048, 22 layers, 4 KV heads x 64) with uniform "
                + "random Q8_0 weights: its KV statistics are not a trained model's, so only its times and sizes are meaningful");
    }

    /** Recompute = prefill of the tokens; load = read the stream from disk, decode, fill a session's cache. */
    private void loadVsRecompute(BenchContext ctx, LlamaModel m, String name, int[] tokens, int repeats) throws Exception {
        ModelFingerprint fp = ModelFingerprint.of(m);
        Session s = m.newSession();
        s.prefill(Arrays.copyOf(tokens, Math.min(8, tokens.length)), false); // warm-up
        s.reset();
        long t0 = System.nanoTime();
        s.prefill(tokens, false);
        double first = (System.nanoTime() - t0) / 1e9;
        KvSnapshot snap = KvSnapshot.of(s.cache(), tokens);
        double recompute = repeats <= 1 ? first : Math.min(first, medianSeconds(repeats - 1, () -> {
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
            ctx.add(Row.of("load-vs-recompute").put("method", "cachegen").put("model", name).put("tokens", tokens.length)
                    .put("level", CompressionLevels.DEFAULT).put("bytes", es.bytes()).put("fp16Bytes", es.fp16Bytes())
                    .put("ratioVsFp16", (double) es.fp16Bytes() / es.bytes()).put("loadSeconds", load).put("recomputeSeconds", recompute)
                    .put("speedup", recompute / load).put("encodeSeconds", encodeSec));
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
