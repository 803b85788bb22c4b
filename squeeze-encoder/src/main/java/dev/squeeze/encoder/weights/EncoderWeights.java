package dev.squeeze.encoder.weights;

import java.util.List;

/**
 * All weights of a BERT-family encoder, (out, in) row-major.
 *
 * @param wordEmbeddings      (V, D)
 * @param positionEmbeddings  (P, D)
 * @param tokenTypeEmbeddings (T, D), or null (DistilBERT)
 * @param classifierWeight    (labels, D) token-classification head, or null
 */
public record EncoderWeights(float[] wordEmbeddings, float[] positionEmbeddings, float[] tokenTypeEmbeddings,
                             float[] embeddingLnGamma, float[] embeddingLnBeta, List<LayerWeights> layers,
                             float[] classifierWeight, float[] classifierBias) {
    public EncoderWeights {
        layers = List.copyOf(layers);
    }
}
