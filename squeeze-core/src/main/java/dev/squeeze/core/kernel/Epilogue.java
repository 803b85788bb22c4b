package dev.squeeze.core.kernel;

/**
 * What {@link Kernels#linear} does to each output entry {@code v = dot(a row, w row)} before storing it into c, applied
 * while the output tile is still in registers, so no separate pass over the (rows, m) output is needed.
 */
public enum Epilogue {
    /** {@code c = v + bias}. */
    BIAS,
    /** {@code c = gelu(v + bias)}, the erf GELU of {@link Kernels#gelu} (a BERT feed-forward's up-projection). */
    BIAS_GELU,
    /** {@code c = c + v + bias}: the residual already in c gets the layer's output added (output projections). */
    BIAS_RESIDUAL
}
