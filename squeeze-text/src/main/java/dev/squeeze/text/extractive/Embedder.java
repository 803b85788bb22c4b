package dev.squeeze.text.extractive;

import java.util.List;

/** Sentence embeddings (one vector per text, all of the same width). Implementations must be thread-safe. */
@FunctionalInterface
public interface Embedder {
    float[][] embed(List<String> texts);
}
