package dev.squeeze.encoder.tokenizer;

/** A tokenizer.json normalizer: text in, normalised text out (no offsets are tracked). */
@FunctionalInterface
public interface Normalizer {
    String normalize(String text);
}
