package dev.squeeze.kv.api;

import java.util.Objects;

/**
 * What a press needs to know of a decoder's attention, independent of the runtime that runs it: every KV press
 * sizes its state and reads its queries from these numbers. A runtime built on another engine (llama3.java, ONNX
 * Runtime GenAI, a GPU server) describes its model with one of these.
 *
 * @param nLayers   decoder blocks (layers of the KV cache)
 * @param nHeads    query heads per layer
 * @param nKvHeads  key/value heads per layer (GQA when fewer than nHeads; nHeads is a multiple)
 * @param headDim   width of one head (even: RoPE turns pairs)
 * @param seqLen    longest context; positions stay below it and presses' token budgets may not exceed it
 * @param vocabSize token ids are in [0, vocabSize) (presses that run tokens of their own, such as a retrieval-head probe)
 * @param rope      the rotary position embedding, for presses that re-rotate keys
 */
public record ModelShape(int nLayers, int nHeads, int nKvHeads, int headDim, int seqLen, int vocabSize, RopeSpec rope) {
    public ModelShape {
        positive("n_layers", nLayers);
        positive("n_heads", nHeads);
        positive("n_kv_heads", nKvHeads);
        positive("head_dim", headDim);
        positive("seq_len", seqLen);
        positive("vocab_size", vocabSize);
        if (nHeads % nKvHeads != 0) {
            throw new IllegalArgumentException(
                    "n_heads (" + nHeads + ") must be a multiple of n_kv_heads (" + nKvHeads + ")");
        }
        if (headDim % 2 != 0) throw new IllegalArgumentException("head_dim must be even for RoPE, got " + headDim);
        Objects.requireNonNull(rope, "rope");
    }

    private static void positive(String name, int v) {
        if (v <= 0) throw new IllegalArgumentException("model shape " + name + " must be > 0, got " + v);
    }

    /** Width of all KV heads of a token: n_kv_heads x head_dim. */
    public int kvDim() {
        return nKvHeads * headDim;
    }

    /** Width of all query heads of a token: n_heads x head_dim. */
    public int qDim() {
        return nHeads * headDim;
    }

    /** Query heads per KV head; query head h reads KV head h / groupSize. */
    public int groupSize() {
        return nHeads / nKvHeads;
    }
}
