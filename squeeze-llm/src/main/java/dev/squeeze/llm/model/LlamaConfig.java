package dev.squeeze.llm.model;

import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.RopeSpec;
import org.jspecify.annotations.Nullable;

/**
 * Hyper-parameters of a Llama-family decoder.
 *
 * @param dim          model width
 * @param hiddenDim    SwiGLU inner width
 * @param nLayers      decoder blocks
 * @param nHeads       query heads
 * @param nKvHeads     key/value heads (GQA when fewer than nHeads)
 * @param vocabSize    classifier rows
 * @param seqLen       longest context the model was trained for; positions must stay below it
 * @param headDim      width of one head (usually dim / nHeads)
 * @param rmsEps       RMSNorm epsilon
 * @param ropeTheta    RoPE base
 * @param ropeStyle    which dimensions RoPE pairs
 * @param ropeScaling  Llama-3.1 frequency scaling, or null
 */
public record LlamaConfig(
        int dim,
        int hiddenDim,
        int nLayers,
        int nHeads,
        int nKvHeads,
        int vocabSize,
        int seqLen,
        int headDim,
        float rmsEps,
        float ropeTheta,
        RopeStyle ropeStyle,
        @Nullable RopeScaling ropeScaling) {
    public LlamaConfig {
        positive("dim", dim);
        positive("hidden_dim", hiddenDim);
        positive("n_layers", nLayers);
        positive("n_heads", nHeads);
        positive("n_kv_heads", nKvHeads);
        positive("vocab_size", vocabSize);
        positive("seq_len", seqLen);
        positive("head_dim", headDim);
        if ((long) nHeads * headDim > MAX_SIZE) {
            throw new IllegalArgumentException("model config n_heads x head_dim = " + nHeads + " x " + headDim + " = "
                    + (long) nHeads * headDim + " exceeds " + MAX_SIZE);
        }
        if (nHeads % nKvHeads != 0) {
            throw new IllegalArgumentException(
                    "n_heads (" + nHeads + ") must be a multiple of n_kv_heads (" + nKvHeads + ")");
        }
        if (headDim % 2 != 0) throw new IllegalArgumentException("head_dim must be even for RoPE, got " + headDim);
        if (!(rmsEps > 0f)) throw new IllegalArgumentException("rms epsilon must be > 0, got " + rmsEps);
        if (!(ropeTheta > 0f)) throw new IllegalArgumentException("rope theta must be > 0, got " + ropeTheta);
        if (ropeStyle == null) throw new IllegalArgumentException("rope style must not be null");
    }

    private static void positive(String name, int v) {
        if (v <= 0 || v > MAX_SIZE)
            throw new IllegalArgumentException("model config " + name + " must be in [1, " + MAX_SIZE + "], got " + v);
    }

    /** Upper bound on any single size (guards allocations against corrupt headers). */
    public static final int MAX_SIZE = 1 << 24;

    public int kvDim() {
        return nKvHeads * headDim;
    }

    public int qDim() {
        return nHeads * headDim;
    }

    /** Query heads per KV head. */
    public int groupSize() {
        return nHeads / nKvHeads;
    }

    /**
     * The RoPE as the KV API describes it.
     *
     * @param freqFactors per-pair frequency divisors (GGUF {@code rope_freqs.weight}), or null for none
     */
    public RopeSpec ropeSpec(float @Nullable [] freqFactors) {
        RopeSpec.Style style = ropeStyle == RopeStyle.INTERLEAVED ? RopeSpec.Style.INTERLEAVED : RopeSpec.Style.HALF;
        return new RopeSpec(ropeTheta, style, ropeScaling == null ? null : ropeScaling.toSpec(), freqFactors);
    }

    /** The attention shape as the KV API describes it (see {@link LlamaModel#shape()} for a loaded model's, with its frequency factors). */
    public ModelShape shape(float @Nullable [] freqFactors) {
        return new ModelShape(nLayers, nHeads, nKvHeads, headDim, seqLen, vocabSize, ropeSpec(freqFactors));
    }

    public LlamaConfig withSeqLen(int newSeqLen) {
        return new LlamaConfig(
                dim,
                hiddenDim,
                nLayers,
                nHeads,
                nKvHeads,
                vocabSize,
                newSeqLen,
                headDim,
                rmsEps,
                ropeTheta,
                ropeStyle,
                ropeScaling);
    }
}
