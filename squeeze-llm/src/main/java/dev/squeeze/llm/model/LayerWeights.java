package dev.squeeze.llm.model;

import dev.squeeze.llm.quant.WeightTensor;
import org.jspecify.annotations.Nullable;

/**
 * One decoder block. Projections are (out, in); biases (Qwen2) are null when absent.
 *
 * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
 * maker nor its readers modify them.
 *
 * @param attnNorm (dim) RMSNorm weight before attention
 * @param wq (n_heads*hd, dim)  @param wk (n_kv_heads*hd, dim)  @param wv (n_kv_heads*hd, dim)
 * @param wo (dim, n_heads*hd)
 * @param ffnNorm (dim)
 * @param w1 gate (hidden, dim)  @param w2 down (dim, hidden)  @param w3 up (hidden, dim)
 */
public record LayerWeights(
        float[] attnNorm,
        WeightTensor wq,
        WeightTensor wk,
        WeightTensor wv,
        WeightTensor wo,
        float @Nullable [] bq,
        float @Nullable [] bk,
        float @Nullable [] bv,
        float[] ffnNorm,
        WeightTensor w1,
        WeightTensor w2,
        WeightTensor w3) {

    void check(int layer, LlamaConfig c) {
        shape("attn_norm", layer, attnNorm.length, c.dim());
        shape("ffn_norm", layer, ffnNorm.length, c.dim());
        shape2("wq", layer, wq, c.qDim(), c.dim());
        shape2("wk", layer, wk, c.kvDim(), c.dim());
        shape2("wv", layer, wv, c.kvDim(), c.dim());
        shape2("wo", layer, wo, c.dim(), c.qDim());
        shape2("w1 (gate)", layer, w1, c.hiddenDim(), c.dim());
        shape2("w2 (down)", layer, w2, c.dim(), c.hiddenDim());
        shape2("w3 (up)", layer, w3, c.hiddenDim(), c.dim());
        if (bq != null) shape("q bias", layer, bq.length, c.qDim());
        if (bk != null) shape("k bias", layer, bk.length, c.kvDim());
        if (bv != null) shape("v bias", layer, bv.length, c.kvDim());
    }

    private static void shape(String what, int layer, int got, int want) {
        if (got != want)
            throw new IllegalArgumentException(
                    "layer " + layer + " " + what + " has " + got + " values, expected " + want);
    }

    private static void shape2(String what, int layer, WeightTensor t, int rows, int cols) {
        if (t.rows() != rows || t.cols() != cols) {
            throw new IllegalArgumentException("layer " + layer + " " + what + " is " + t.rows() + " x " + t.cols()
                    + ", expected " + rows + " x " + cols);
        }
    }

    long bytes() {
        long b = 4L * (attnNorm.length + ffnNorm.length);
        for (WeightTensor t : new WeightTensor[] {wq, wk, wv, wo, w1, w2, w3}) b += t.bytes();
        return b;
    }
}
