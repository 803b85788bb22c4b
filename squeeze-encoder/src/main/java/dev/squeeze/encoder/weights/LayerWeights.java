package dev.squeeze.encoder.weights;

/**
 * One post-LayerNorm transformer layer, matrices in PyTorch's (out, in) row-major layout.
 *
 * @param qkvWeight (3D, D): query rows, then key rows, then value rows
 * @param qkvBias   (3D)
 * @param outWeight (D, D) attention output projection
 * @param upWeight  (F, D) feed-forward in
 * @param downWeight (D, F) feed-forward out
 * @param ln1Gamma  (D) LayerNorm after attention + residual; ln2 after the feed-forward + residual
 */
public record LayerWeights(
        float[] qkvWeight,
        float[] qkvBias,
        float[] outWeight,
        float[] outBias,
        float[] ln1Gamma,
        float[] ln1Beta,
        float[] upWeight,
        float[] upBias,
        float[] downWeight,
        float[] downBias,
        float[] ln2Gamma,
        float[] ln2Beta) {}
