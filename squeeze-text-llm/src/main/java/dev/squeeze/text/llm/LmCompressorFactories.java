package dev.squeeze.text.llm;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.text.CompressorFactory;
import dev.squeeze.text.PromptCompressor;
import dev.squeeze.text.lm.CausalLm;
import dev.squeeze.text.lm.LlmLinguaCompressor;
import dev.squeeze.text.lm.SelectiveContextCompressor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Declarations of the causal-LM methods over squeeze-llm ({@link LlamaCausalLm}). Options: {@code model=PATH}
 * (required: llama2.c checkpoint, GGUF or safetensors), {@code tokenizer=PATH} (llama2.c tokenizer.bin; needed
 * for llama2.c checkpoints without one beside them), {@code window=N} (scoring window, default the model's
 * seq_len); selective-context also {@code unit=token|phrase|sentence} (default phrase).
 */
public final class LmCompressorFactories {
    private LmCompressorFactories() {}

    static CausalLm lm(String method, Map<String, String> options) {
        String model = options.get("model");
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException(
                    method + " needs a causal LM: --option model=/path/to/model (llama2.c .bin, "
                            + ".gguf or safetensors) [--option tokenizer=/path/to/tokenizer.bin]");
        }
        String tok = options.get("tokenizer");
        int window;
        try {
            window = Integer.parseInt(options.getOrDefault("window", "0"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option window must be an integer, got '" + options.get("window") + "'");
        }
        try {
            return LlamaCausalLm.open(Path.of(model), tok == null ? null : Path.of(tok), window);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model " + model + ": " + e.getMessage(), e);
        }
    }

    public static final class LlmLingua implements CompressorFactory {
        @Override
        public String name() {
            return LlmLinguaCompressor.NAME;
        }

        @Override
        public boolean offline() {
            return false;
        }

        @Override
        public PromptCompressor create(Map<String, String> options) {
            return new LlmLinguaCompressor(lm(name(), options), LlmLinguaCompressor.Settings.llmlingua());
        }

        @Override
        public Optional<MethodInfo> info() {
            return Optional.of(MethodInfo.builder(name())
                    .family(Family.TEXT)
                    .mechanism(Mechanism.ATTENTION)
                    .paper(
                            "LLMLingua: Compressing Prompts for Accelerated Inference of Large Language Models",
                            "Jiang et al.",
                            2023,
                            "https://arxiv.org/abs/2310.05736")
                    .inputs("text", "causal LM (CausalLm)")
                    .implementation(LlmLinguaCompressor.class)
                    .notesResource(getClass())
                    .build());
        }
    }

    public static final class LongLlmLingua implements CompressorFactory {
        @Override
        public String name() {
            return LlmLinguaCompressor.LONG_NAME;
        }

        @Override
        public boolean offline() {
            return false;
        }

        @Override
        public PromptCompressor create(Map<String, String> options) {
            return new LlmLinguaCompressor(lm(name(), options), LlmLinguaCompressor.Settings.longLlmlingua());
        }

        @Override
        public Optional<MethodInfo> info() {
            return Optional.of(MethodInfo.builder(name())
                    .family(Family.TEXT)
                    .mechanism(Mechanism.QUERY)
                    .paper(
                            "LongLLMLingua: Accelerating and Enhancing LLMs in Long Context Scenarios via Prompt Compression",
                            "Jiang et al.",
                            2024,
                            "https://arxiv.org/abs/2310.06839")
                    .inputs("text", "question", "causal LM (CausalLm)")
                    .implementation(LlmLinguaCompressor.class)
                    .notesResource(getClass())
                    .build());
        }
    }

    public static final class SelectiveContext implements CompressorFactory {
        @Override
        public String name() {
            return SelectiveContextCompressor.NAME;
        }

        @Override
        public boolean offline() {
            return false;
        }

        @Override
        public PromptCompressor create(Map<String, String> options) {
            String u = options.getOrDefault("unit", "phrase");
            SelectiveContextCompressor.Unit unit;
            try {
                unit = SelectiveContextCompressor.Unit.valueOf(u.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("option unit must be token, phrase or sentence, got '" + u + "'");
            }
            return new SelectiveContextCompressor(lm(name(), options), unit);
        }

        @Override
        public Optional<MethodInfo> info() {
            return Optional.of(MethodInfo.builder(name())
                    .family(Family.TEXT)
                    .mechanism(Mechanism.ATTENTION)
                    .paper(
                            "Compressing Context to Enhance Inference Efficiency of Large Language Models",
                            "Li et al.",
                            2023,
                            "https://arxiv.org/abs/2310.06201")
                    .inputs("text", "causal LM (CausalLm)")
                    .implementation(SelectiveContextCompressor.class)
                    .notesResource(getClass())
                    .build());
        }
    }
}
