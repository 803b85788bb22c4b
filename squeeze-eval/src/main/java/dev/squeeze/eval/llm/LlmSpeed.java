package dev.squeeze.eval.llm;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.llm.format.GgufWriter;
import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.model.RopeStyle;
import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.quant.QuantKernels;
import dev.squeeze.llm.runtime.Sampler;
import dev.squeeze.llm.runtime.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Batch-1 speed of a random-weight Llama written by {@link GgufWriter}: prompt processing (one prefill of
 * {@code promptTokens}) and greedy decoding ({@code decodeTokens} single steps after it). Figures are
 * medians of {@code repeats} runs.
 */
public final class LlmSpeed {
    private LlmSpeed() {}

    /** TinyLlama-1.1B's shape: dim 2048, hidden 5632, 22 layers, 32 heads, 4 KV heads, vocab 32000. */
    public static LlamaConfig oneB() {
        return tinyLlamaShape(22);
    }

    /** A 4-layer model of the same width (quick runs). */
    public static LlamaConfig quick() {
        return tinyLlamaShape(4);
    }

    /** TinyLlama-1.1B's width (dim 2048, hidden 5632, 32 heads, 4 KV heads, vocab 32000, context 2048) with {@code layers} layers. */
    public static LlamaConfig tinyLlamaShape(int layers) {
        return new LlamaConfig(2048, 5632, layers, 32, 4, 32000, 2048, 64, 1e-5f, 10000f, RopeStyle.INTERLEAVED, null);
    }

    public static long parameters(LlamaConfig c) {
        long perLayer =
                (long) c.dim() * c.qDim() * 2 + 2L * c.dim() * c.kvDim() + 3L * c.dim() * c.hiddenDim() + 2L * c.dim();
        return 2L * c.vocabSize() * c.dim() + c.nLayers() * perLayer + c.dim();
    }

    /**
     * Medians and bests (best = least disturbed run on a shared machine) of the repeats, and CPU-time
     * estimates: tokens x threads / CPU seconds of the caller and the row workers (spin-waiting included),
     * i.e. the rate had each thread had a core to itself; use them when the machine is oversubscribed.
     */
    public record Result(
            GgmlType type,
            long parameters,
            long fileBytes,
            int threads,
            int promptTokens,
            double promptTokPerS,
            double promptTokPerSBest,
            double promptTokPerSCpu,
            int decodeTokens,
            double decodeTokPerS,
            double decodeTokPerSBest,
            double decodeTokPerSCpu,
            double writeSeconds,
            String kernels) {}

    private static long cpuNanos() {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long total = mx.getCurrentThreadCpuTime();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("squeeze-llm-row-")) total += Math.max(0, mx.getThreadCpuTime(t.threadId()));
        }
        return total;
    }

    public static Path write(LlamaConfig c, GgmlType type, Path dir) throws IOException {
        Path p = dir.resolve("random-llama-" + type.name().toLowerCase() + ".gguf");
        GgufWriter.randomLlama(c, type, 42).write(p);
        return p;
    }

    public static Result measure(
            LlamaConfig c, GgmlType type, Path dir, int threads, int promptTokens, int decodeTokens, int repeats)
            throws IOException {
        long t0 = System.nanoTime();
        Path file = write(c, type, dir);
        double writeSeconds = (System.nanoTime() - t0) / 1e9;
        try (LlamaModel m = ModelLoader.load(file, null, threads)) {
            SplittableRandom r = new SplittableRandom(7);
            int[] prompt = new int[promptTokens];
            for (int i = 0; i < promptTokens; i++) prompt[i] = r.nextInt(c.vocabSize());
            Session s = m.newSession();
            // warm-up: JIT and page cache
            s.prefill(Arrays.copyOf(prompt, Math.min(8, promptTokens)), false);
            for (int i = 0; i < 4; i++) s.step(prompt[i]);
            double[] pp = new double[repeats];
            double[] dec = new double[repeats];
            double[] ppCpu = new double[repeats];
            double[] decCpu = new double[repeats];
            for (int rep = 0; rep < repeats; rep++) {
                s.reset();
                long ca = cpuNanos();
                long a = System.nanoTime();
                float[] logits = s.prefill(prompt, false).data();
                long b = System.nanoTime();
                long cb = cpuNanos();
                int next = Sampler.argmax(logits, c.vocabSize());
                for (int i = 0; i < decodeTokens; i++) next = Sampler.argmax(s.step(next), c.vocabSize());
                long e = System.nanoTime();
                long ce = cpuNanos();
                pp[rep] = promptTokens / ((b - a) / 1e9);
                dec[rep] = decodeTokens / ((e - b) / 1e9);
                ppCpu[rep] = (double) promptTokens * threads / ((cb - ca) / 1e9);
                decCpu[rep] = (double) decodeTokens * threads / ((ce - cb) / 1e9);
            }
            return new Result(
                    type,
                    parameters(c),
                    Files.size(file),
                    threads,
                    promptTokens,
                    median(pp),
                    max(pp),
                    median(ppCpu),
                    decodeTokens,
                    median(dec),
                    max(dec),
                    median(decCpu),
                    writeSeconds,
                    KernelProvider.kernels().name() + " / quant "
                            + QuantKernels.best().name());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static double max(double[] v) {
        double m = v[0];
        for (double x : v) m = Math.max(m, x);
        return m;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** {@code java ... dev.squeeze.eval.llm.LlmSpeed [quick]}: prints one line per format. */
    public static void main(String[] args) throws IOException {
        boolean quick = args.length > 0 && args[0].equals("quick");
        LlamaConfig c = quick ? quick() : oneB();
        Path dir = Files.createTempDirectory("squeeze-llm-speed");
        int threads = LlamaModel.defaultThreads();
        for (GgmlType t : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
            Result r = measure(c, t, dir, threads, 64, 32, 5);
            System.out.println(r);
        }
        Files.deleteIfExists(dir);
    }
}
