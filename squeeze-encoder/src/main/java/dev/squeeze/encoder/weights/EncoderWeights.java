package dev.squeeze.encoder.weights;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * All weights of a BERT-family encoder, (out, in) row-major.
 *
 * @param wordEmbeddings      (V, D)
 * @param positionEmbeddings  (P, D)
 * @param tokenTypeEmbeddings (T, D), or null (DistilBERT)
 * @param classifierWeight    (labels, D) token-classification head, or null
 */
public record EncoderWeights(
        float[] wordEmbeddings,
        float[] positionEmbeddings,
        float @Nullable [] tokenTypeEmbeddings,
        float[] embeddingLnGamma,
        float[] embeddingLnBeta,
        List<LayerWeights> layers,
        float @Nullable [] classifierWeight,
        float @Nullable [] classifierBias) {
    public EncoderWeights {
        layers = List.copyOf(layers);
    }
}
