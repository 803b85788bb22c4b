package dev.squeeze.kv.quant;

/**
 * GEAR (Kang et al., "GEAR: An Efficient KV Cache Compression Recipe for Near-Lossless Generative
 * Inference of LLM", 2024, arXiv:2403.05527): X ~ Q(X - S) + L + S per block of G tokens in GEAR's
 * streaming buffer ({@link BlockQuantStore}: keys and values quantised together in blocks of G tokens,
 * shared residual of R..R+G-1 recent entries), with S = the {@code outlier} = 2% most extreme entries (half
 * largest, half smallest), Q = KIVI quantisation (keys per channel, values per token), L = rank-{@code rank}
 * (2) approximation of the quantisation residual from {@code iterations} = 3 power iterations. Recent
 * tokens stay fp32 (or fp16) in the buffer's residual.
 */
final class GearStore extends BlockQuantStore {
    private final double outlier;
    private final int rank, iterations;

    public GearStore(
            int headDim, int capacity, int bits, int group, int residual, double outlier, int rank, int iterations) {
        this(headDim, capacity, bits, group, residual, false, outlier, rank, iterations);
    }

    public GearStore(
            int headDim,
            int capacity,
            int bits,
            int group,
            int residual,
            boolean fp16Residual,
            double outlier,
            int rank,
            int iterations) {
        super(headDim, capacity, bits, group, residual, fp16Residual);
        if (!(outlier >= 0 && outlier < 1))
            throw new IllegalArgumentException("outlier fraction must be in [0, 1), got " + outlier);
        if (rank < 0 || rank > Math.min(group, headDim))
            throw new IllegalArgumentException("rank must be in [0, " + Math.min(group, headDim) + "], got " + rank);
        this.outlier = outlier;
        this.rank = rank;
        this.iterations = iterations;
    }

    @Override
    KvQuantBlock encode(float[] keys, float[] values) {
        return GearBlock.create(keys, values, group, headDim, bits, vGroup, outlier, rank, iterations);
    }
}
