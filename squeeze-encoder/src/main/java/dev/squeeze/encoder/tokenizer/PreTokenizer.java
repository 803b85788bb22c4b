package dev.squeeze.encoder.tokenizer;

import java.util.List;

/** A tokenizer.json pre-tokenizer: splits one piece of normalised text into words for the model. */
@FunctionalInterface
public interface PreTokenizer {
    /**
     * Appends the words of {@code piece} to {@code out}.
     *
     * @param first whether the piece starts the input (added tokens split the input into pieces), for
     *              Metaspace's prepend_scheme "first"
     */
    void split(String piece, boolean first, List<String> out);
}
