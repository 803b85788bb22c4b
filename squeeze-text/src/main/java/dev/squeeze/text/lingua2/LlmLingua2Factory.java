package dev.squeeze.text.lingua2;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.text.CompressorFactory;
import dev.squeeze.text.MethodOptions;
import dev.squeeze.text.PromptCompressor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code llmlingua-2}: needs {@code model=DIR} (the Hugging Face folder of microsoft/llmlingua-2-*, as downloaded: run by
 * the pure-Java encoder) or {@code model=/path/model.onnx} (an ONNX export, run by ONNX Runtime) and optionally
 * {@code tokenizer=} (ONNX only; default: tokenizer.json beside the model), {@code threads=} (folder only; default: all
 * processors), {@code threshold=}, {@code forceTokens=a|b}, {@code dropConsecutive=true},
 * {@code contextLevelFilter=true}, {@code tokenToWord=first}.
 */
public final class LlmLingua2Factory implements CompressorFactory {
    @Override
    public String name() {
        return LlmLingua2Compressor.NAME;
    }

    @Override
    public boolean offline() {
        return false;
    }

    @Override
    public PromptCompressor create(Map<String, String> options) {
        String model = options.get("model");
        if (model == null) {
            throw new IllegalArgumentException(
                    "llmlingua-2 needs a model: --option model=DIR (the Hugging Face folder of "
                            + "microsoft/llmlingua-2-xlm-roberta-large-meetingbank or -bert-base-multilingual-cased-meetingbank) "
                            + "or --option model=/path/to/llmlingua-2-*.onnx (an ONNX export)");
        }
        Path m = Path.of(model);
        Path tok = options.containsKey("tokenizer")
                ? Path.of(options.get("tokenizer"))
                : m.resolveSibling("tokenizer.json");
        LlmLingua2Compressor.Settings s = LlmLingua2Compressor.Settings.reference();
        String t = options.get("threshold");
        if (t != null) {
            try {
                s = s.withThreshold(Double.parseDouble(t));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("threshold must be a number in [0, 1], got '" + t + "'");
            }
        }
        if (options.containsKey("forceTokens"))
            s = s.withForceTokens(List.of(options.get("forceTokens").split("\\|")));
        s = s.withDropConsecutive(Boolean.parseBoolean(options.getOrDefault("dropConsecutive", "false")))
                .withContextLevelFilter(Boolean.parseBoolean(options.getOrDefault("contextLevelFilter", "false")));
        if ("first".equals(options.get("tokenToWord"))) {
            s = new LlmLingua2Compressor.Settings(
                    "first",
                    s.dropConsecutive(),
                    s.contextLevelFilter(),
                    s.forceTokens(),
                    s.chunkEndTokens(),
                    s.threshold(),
                    s.queryWeight());
        }
        if (!java.nio.file.Files.exists(m)) {
            throw new IllegalArgumentException(
                    "llmlingua-2: model " + m + " not found (a Hugging Face folder or an .onnx file)");
        }
        if (java.nio.file.Files.isDirectory(m)) {
            int threads = MethodOptions.threads(name(), options);
            try {
                return new LlmLingua2Compressor(EncoderTokenClassifier.load(m, threads), s);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
        try {
            return new LlmLingua2Compressor(OnnxTokenClassifier.load(m, tok), s);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("llmlingua-2 needs com.microsoft.onnxruntime:onnxruntime and "
                    + "ai.djl.huggingface:tokenizers on the class path (optional dependencies of squeeze-text)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tok + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.TEXT)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "LLMLingua-2: Data Distillation for Efficient and Faithful Task-Agnostic Prompt Compression",
                        "Pan et al.",
                        2024,
                        "https://arxiv.org/abs/2403.12968")
                .trainingFree(false)
                .inputs(
                        "text",
                        "Hugging Face folder of microsoft/llmlingua-2-* (pure-Java encoder) or an ONNX export + tokenizer.json",
                        "question (optional)")
                .implementation(LlmLingua2Compressor.class)
                .notesResource(getClass())
                .build());
    }

    static List<String> split(String s) {
        return Arrays.asList(s.split("\\|"));
    }
}
