package dev.squeeze.kv.quant;

/**
 * G tokens of one head, keys and values quantised together with KIVI's scheme: keys per channel over the
 * G tokens ({@link ChannelQuantKeys}, one block), values per token over groups of {@code vGroup} channels
 * ({@link TokenQuantValues}). The unit of {@link BlockQuantStore} (GEAR's streaming buffer); GEAR extends it.
 * Scores and weighted values are computed from the packed codes.
 */
class KvQuantBlock {
    final int g, d;
    final ChannelQuantKeys keys;
    final TokenQuantValues values;

    /** Quantises keys and values (g, d) starting at element {@code off} of each array. */
    KvQuantBlock(float[] keys, float[] values, int off, int g, int d, int bits, int vGroup) {
        this.g = g;
        this.d = d;
        this.keys = new ChannelQuantKeys(d, g, bits, g);
        this.keys.appendBlocks(keys, off, g);
        this.values = new TokenQuantValues(d, vGroup, bits, g);
        this.values.appendRows(values, off, g);
    }

    /** Packed codes + fp16 scales and mins of keys and values. */
    long bytes() {
        return keys.bytes() + values.bytes();
    }

    /** out[outOff + t] = q · k_t for t in [0, count), from the codes; scratch holds d floats. */
    void scores(float[] q, int qOff, int count, float[] out, int outOff, float[] scratch) {
        keys.scores(q, qOff, count, out, outOff, scratch);
    }

    /** out[outOff .. +d) += sum_t w_t v_t over t in [0, count), from the codes. */
    void addWeightedValues(float[] w, int wOff, int count, float[] out, int outOff) {
        values.addWeighted(w, wOff, count, out, outOff);
    }

    void dequantKeys(float[] out, int off) {
        keys.dequant(out, off);
    }

    void dequantValues(float[] out, int off) {
        values.dequant(out, off);
    }
}
