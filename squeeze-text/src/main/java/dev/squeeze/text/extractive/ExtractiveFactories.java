package dev.squeeze.text.extractive;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.text.CompressorFactory;
import dev.squeeze.text.PromptCompressor;

import java.util.Map;
import java.util.Optional;

/** Declarations of the embedding-based methods (all-MiniLM-L6-v2 in-process; neural, so not offline-default). */
public final class ExtractiveFactories {
    private ExtractiveFactories() {}

    public static final class Extractive implements CompressorFactory {
        @Override public String name() { return ExtractiveCompressor.NAME; }
        @Override public boolean offline() { return false; }
        @Override public PromptCompressor create(Map<String, String> options) {
            return new ExtractiveCompressor(new EmbeddingSentenceScorer(new MiniLmEmbedder()));
        }

        @Override
        public Optional<MethodInfo> info() {
            return Optional.of(MethodInfo.builder(name()).family(Family.TEXT).mechanism(Mechanism.QUERY)
                    .paper("RECOMP: Improving Retrieval-Augmented LMs with Compression and Selective Augmentation", "Xu et al.", 2023, "https://arxiv.org/abs/2310.04408")
                    .inputs("text", "question", "sentence scorer (default all-MiniLM-L6-v2)").implementation(ExtractiveCompressor.class).notesResource(getClass()).build());
        }
    }

    public static final class Tcra implements CompressorFactory {
        @Override public String name() { return TcraCompressor.NAME; }
        @Override public boolean offline() { return false; }
        @Override public PromptCompressor create(Map<String, String> options) { return new TcraCompressor(new MiniLmEmbedder()); }

        @Override
        public Optional<MethodInfo> info() {
            return Optional.of(MethodInfo.builder(name()).family(Family.TEXT).mechanism(Mechanism.SIMILARITY)
                    .paper("TCRA-LLM: Token Compression Retrieval Augmented Large Language Model for Inference Cost Reduction", "Liu et al.", 2023, "https://arxiv.org/abs/2310.15556")
                    .inputs("text", "sentence embedder (default all-MiniLM-L6-v2)").implementation(TcraCompressor.class).notesResource(getClass()).build());
        }
    }
}
