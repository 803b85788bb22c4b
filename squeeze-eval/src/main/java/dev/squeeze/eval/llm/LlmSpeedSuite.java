package dev.squeeze.eval.llm;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.BenchSuite;
import dev.squeeze.bench.PlotSpec;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.quant.GgmlType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code squeeze bench llm-speed}: decode and prompt-processing tokens/s at batch 1 on a random-weight
 * Llama of TinyLlama-1.1B's shape in Q8_0 and Q4_0, written to a temporary GGUF by our writer.
 * Options: {@code quick=true} (4 layers), {@code threads=N}, {@code prompt=N}, {@code decode=N}, {@code repeats=N}.
 */
public final class LlmSpeedSuite implements BenchSuite {
    @Override
    public String name() {
        return "llm-speed";
    }

    @Override
    public String description() {
        return "batch-1 decode and prompt-processing tok/s of a random 1.1B Llama (Q8_0, Q4_0) on this machine";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        LlamaConfig c = context.quick() ? LlmSpeed.quick() : LlmSpeed.oneB();
        int threads = Integer.parseInt(
                context.options().getOrDefault("threads", String.valueOf(LlamaModel.defaultThreads())));
        int prompt = Integer.parseInt(context.options().getOrDefault("prompt", "64"));
        int decode = Integer.parseInt(context.options().getOrDefault("decode", "32"));
        int repeats = Integer.parseInt(context.options().getOrDefault("repeats", "5"));
        Path dir = Files.createTempDirectory("squeeze-llm-speed");
        GgmlType[] types = {GgmlType.Q8_0, GgmlType.Q4_0};
        try (Progress p = context.progress("llm-speed", types.length)) {
            for (GgmlType t : types) {
                p.message(t.name());
                LlmSpeed.Result r = LlmSpeed.measure(c, t, dir, threads, prompt, decode, repeats);
                context.add(Row.of("llm-speed")
                        .put("method", "squeeze-llm")
                        .put("format", t.name())
                        .put("parameters", r.parameters())
                        .put("fileBytes", r.fileBytes())
                        .put("bitsPerWeight", 8.0 * r.fileBytes() / r.parameters())
                        .put("threads", r.threads())
                        .put("promptTokens", r.promptTokens())
                        .put("promptTokPerS", r.promptTokPerS())
                        .put("promptTokPerSBest", r.promptTokPerSBest())
                        .put("promptTokPerSCpu", r.promptTokPerSCpu())
                        .put("decodeTokens", r.decodeTokens())
                        .put("decodeTokPerS", r.decodeTokPerS())
                        .put("decodeTokPerSBest", r.decodeTokPerSBest())
                        .put("decodeTokPerSCpu", r.decodeTokPerSCpu())
                        .put("kernels", r.kernels()));
                p.step();
            }
        } finally {
            Files.deleteIfExists(dir);
        }
        context.plot(new PlotSpec(
                "llm-speed",
                "Batch-1 decode speed against bits per weight",
                "bitsPerWeight",
                "decodeTokPerS",
                "method"));
        context.note(
                "llm-speed: random weights of TinyLlama-1.1B's shape" + (context.quick() ? " (quick: 4 layers)" : "")
                        + ", medians of " + repeats
                        + " runs on a shared machine. llama3.java (8.0 tok/s on Llama-3-8B Q4_0, 16-core "
                        + "Ryzen 3950X, its published figure) could not be fetched here, so only our figure is measured.");
    }
}
