package dev.squeeze.text.extractive;

import dev.squeeze.text.CompressorFactory;
import dev.squeeze.text.PromptCompressor;

import java.util.Map;

/** Registry entries for the embedding-based methods (all-MiniLM-L6-v2 in-process; neural, so not offline-default). */
public final class ExtractiveFactories {
    private ExtractiveFactories() {}

    public static final class Extractive implements CompressorFactory {
        @Override public String name() { return ExtractiveCompressor.NAME; }
        @Override public boolean offline() { return false; }
        @Override public PromptCompressor create(Map<String, String> options) {
            return new ExtractiveCompressor(new EmbeddingSentenceScorer(new MiniLmEmbedder()));
        }
    }

    public static final class Tcra implements CompressorFactory {
        @Override public String name() { return TcraCompressor.NAME; }
        @Override public boolean offline() { return false; }
        @Override public PromptCompressor create(Map<String, String> options) { return new TcraCompressor(new MiniLmEmbedder()); }
    }
}
