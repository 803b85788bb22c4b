package dev.squeeze.llm.model;

import dev.squeeze.llm.quant.WeightTensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * All weights of a Llama-family model.
 *
 * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
 * maker nor its readers modify them.
 *
 * @param tokenEmbedding (vocab, dim)
 * @param layers         one per block
 * @param finalNorm      (dim)
 * @param classifier     (vocab, dim); the same object as tokenEmbedding when tied
 * @param ropeFreqFactors (hd/2) RoPE frequency divisors (GGUF Llama-3.1 {@code rope_freqs.weight}), or null
 */
public record LlamaWeights(
        WeightTensor tokenEmbedding,
        List<LayerWeights> layers,
        float[] finalNorm,
        WeightTensor classifier,
        float @Nullable [] ropeFreqFactors) {

    public LlamaWeights {
        layers = List.copyOf(layers);
    }

    public LlamaWeights(
            WeightTensor tokenEmbedding, List<LayerWeights> layers, float[] finalNorm, WeightTensor classifier) {
        this(tokenEmbedding, layers, finalNorm, classifier, null);
    }

    /** Checks every shape against the config; throws naming the first tensor that does not fit. */
    public void check(LlamaConfig c) {
        if (tokenEmbedding.rows() != c.vocabSize() || tokenEmbedding.cols() != c.dim()) {
            throw new IllegalArgumentException("token embedding is " + tokenEmbedding.rows() + " x "
                    + tokenEmbedding.cols() + ", expected " + c.vocabSize() + " x " + c.dim());
        }
        if (classifier.rows() != c.vocabSize() || classifier.cols() != c.dim()) {
            throw new IllegalArgumentException("classifier is " + classifier.rows() + " x " + classifier.cols()
                    + ", expected " + c.vocabSize() + " x " + c.dim());
        }
        if (finalNorm.length != c.dim())
            throw new IllegalArgumentException("final norm has " + finalNorm.length + " values, expected " + c.dim());
        if (layers.size() != c.nLayers())
            throw new IllegalArgumentException("found " + layers.size() + " layers, expected " + c.nLayers());
        for (int l = 0; l < layers.size(); l++) layers.get(l).check(l, c);
    }

    public boolean tiedClassifier() {
        return classifier == tokenEmbedding;
    }

    /** Bytes of all weights as stored (tied classifier counted once). */
    public long bytes() {
        long b = tokenEmbedding.bytes() + 4L * finalNorm.length + (tiedClassifier() ? 0 : classifier.bytes());
        for (LayerWeights l : layers) b += l.bytes();
        return b;
    }
}
