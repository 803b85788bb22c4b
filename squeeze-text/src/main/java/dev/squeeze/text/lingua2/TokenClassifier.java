package dev.squeeze.text.lingua2;

import java.util.List;

/**
 * A token-classification model that says, per subword token, how likely it is to be kept (LLMLingua-2's
 * "preserve" label). Implementations must be thread-safe.
 */
public interface TokenClassifier extends AutoCloseable {
    /** The model's subword tokens of {@code text}, without special tokens ("▁hel", "lo" or "hel", "##lo"). */
    List<String> tokenize(String text);

    /**
     * P(label 1 = keep) per token of each sequence (softmax over the two logits), special tokens excluded.
     * Each sequence has at most {@link #maxSequenceLength()} - 2 tokens.
     */
    float[][] keepProbabilities(List<List<String>> sequences);

    SubwordScheme scheme();

    /** Longest input including the two special tokens ([CLS]/[SEP] or &lt;s&gt;/&lt;/s&gt;); 512 for LLMLingua-2. */
    default int maxSequenceLength() {
        return 512;
    }

    @Override
    default void close() {}
}
