package dev.squeeze.kv.quant;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.HeadKvStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GEAR's streaming buffer (Kang et al., "GEAR: An Efficient KV Cache Compression Recipe for Near-Lossless
 * Generative Inference of LLM", 2024, arXiv:2403.05527) with KIVI's quantisation: keys AND values are
 * quantised together in blocks of G tokens ({@link KvQuantBlock}: keys per channel over the G tokens,
 * values per token over groups of min(G, head_dim) channels, asymmetric min-max, b in {2, 4, 8} bits, fp16
 * scale and min); the most recent entries stay full precision in one shared residual of R..R+G-1 entries:
 * once it holds R + G entries, its oldest G are quantised into one block. This is not KIVI's own layout
 * (see {@link KiviStore}: separate key and value residuals). The residual is fp32 (this runtime's precision)
 * by default, or fp16 when {@code fp16Residual} (entries rounded to fp16 on append, counted at 2 bytes).
 * Entries stay in order: blocks first (oldest), then the residual. {@link GearStore} extends it.
 */
class BlockQuantStore implements HeadKvStore {
    private static final Kernels K = KernelProvider.kernels();
    protected final int headDim, capacity, bits, group, residual, vGroup;
    private final boolean fp16Residual;
    final List<KvQuantBlock> blocks = new ArrayList<>();
    private final float[] rKeys, rValues; // (residual + group, hd) full-precision tail
    private int rLen;
    private final float[] positions; // (capacity)
    private int length;
    private final float[] scratch; // (max(hd, group)) per-call buffer
    private final float[] blockKeys, blockValues; // (group, hd) staging

    public BlockQuantStore(int headDim, int capacity, int bits, int group, int residual) {
        this(headDim, capacity, bits, group, residual, false);
    }

    public BlockQuantStore(int headDim, int capacity, int bits, int group, int residual, boolean fp16Residual) {
        BitPacking.checkBits(bits);
        if (group < 1) throw new IllegalArgumentException("group size must be >= 1, got " + group);
        if (residual < 0) throw new IllegalArgumentException("residual window must be >= 0, got " + residual);
        this.headDim = headDim;
        this.capacity = capacity;
        this.bits = bits;
        this.group = group;
        this.residual = residual;
        this.vGroup = Math.min(group, headDim);
        this.fp16Residual = fp16Residual;
        rKeys = new float[(residual + group) * headDim];
        rValues = new float[rKeys.length];
        positions = new float[capacity];
        scratch = new float[Math.max(headDim, group) * 2];
        blockKeys = new float[group * headDim];
        blockValues = new float[group * headDim];
    }

    public int bits() {
        return bits;
    }

    /** Entries held in quantised blocks. */
    public int quantisedLength() {
        return blocks.size() * group;
    }

    @Override
    public int headDim() {
        return headDim;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    /** Makes one block of {@code group} tokens from (group, hd) keys and values; GEAR overrides. */
    KvQuantBlock encode(float[] keys, float[] values) {
        return new KvQuantBlock(keys, values, 0, group, headDim, bits, vGroup);
    }

    @Override
    public void append(float[] key, int keyOff, float[] value, int valueOff, float position) {
        if (length == capacity) throw new IllegalStateException("KV store is full: capacity " + capacity);
        System.arraycopy(key, keyOff, rKeys, rLen * headDim, headDim);
        System.arraycopy(value, valueOff, rValues, rLen * headDim, headDim);
        if (fp16Residual) {
            for (int i = rLen * headDim, e = i + headDim; i < e; i++) {
                rKeys[i] = Float.float16ToFloat(Float.floatToFloat16(rKeys[i]));
                rValues[i] = Float.float16ToFloat(Float.floatToFloat16(rValues[i]));
            }
        }
        positions[length++] = position;
        rLen++;
        if (rLen == residual + group) {
            System.arraycopy(rKeys, 0, blockKeys, 0, group * headDim);
            System.arraycopy(rValues, 0, blockValues, 0, group * headDim);
            blocks.add(encode(blockKeys, blockValues));
            System.arraycopy(rKeys, group * headDim, rKeys, 0, (rLen - group) * headDim);
            System.arraycopy(rValues, group * headDim, rValues, 0, (rLen - group) * headDim);
            rLen -= group;
        }
    }

    @Override
    public float position(int slot) {
        if (slot < 0 || slot >= length)
            throw new IllegalArgumentException("slot " + slot + " is outside [0, " + length + ")");
        return positions[slot];
    }

    @Override
    public void scores(float[] q, int qOff, int count, float[] out, int outOff) {
        checkCount(count);
        int qLen = quantisedLength();
        for (int b = 0; b < blocks.size() && b * group < count; b++) {
            blocks.get(b).scores(q, qOff, Math.min(group, count - b * group), out, outOff + b * group, scratch);
        }
        for (int i = qLen; i < count; i++) out[outOff + i] = K.dot(q, qOff, rKeys, (i - qLen) * headDim, headDim);
    }

    @Override
    public void weightedValues(float[] w, int wOff, int count, float[] out, int outOff) {
        checkCount(count);
        Arrays.fill(out, outOff, outOff + headDim, 0f);
        int qLen = quantisedLength();
        for (int b = 0; b < blocks.size() && b * group < count; b++) {
            blocks.get(b).addWeightedValues(w, wOff + b * group, Math.min(group, count - b * group), out, outOff);
        }
        for (int i = qLen; i < count; i++) K.axpy(w[wOff + i], rValues, (i - qLen) * headDim, out, outOff, headDim);
    }

    /** Packed blocks (codes + fp16 parameters, + GEAR extras) and the fp32 (or fp16) residual. */
    @Override
    public long bytes() {
        long b = 2L * (fp16Residual ? 2 : Float.BYTES) * headDim * rLen;
        for (KvQuantBlock blk : blocks) b += blk.bytes();
        return b;
    }

    @Override
    public FloatMatrix keys() {
        float[] out = new float[length * headDim];
        for (int b = 0; b < blocks.size(); b++) blocks.get(b).dequantKeys(out, b * group * headDim);
        System.arraycopy(rKeys, 0, out, quantisedLength() * headDim, rLen * headDim);
        return new FloatMatrix(length, headDim, out);
    }

    @Override
    public FloatMatrix values() {
        float[] out = new float[length * headDim];
        for (int b = 0; b < blocks.size(); b++) blocks.get(b).dequantValues(out, b * group * headDim);
        System.arraycopy(rValues, 0, out, quantisedLength() * headDim, rLen * headDim);
        return new FloatMatrix(length, headDim, out);
    }

    @Override
    public float[] positions() {
        return Arrays.copyOf(positions, length);
    }

    /** Re-quantises from floats (entries appended in order, so the residual holds the most recent). */
    @Override
    public void replace(FloatMatrix k, FloatMatrix v, float[] pos) {
        int n = pos.length;
        if (k.rows() != n || v.rows() != n)
            throw new IllegalArgumentException(
                    "replace: keys have " + k.rows() + " rows, values " + v.rows() + ", positions " + n);
        if (n > capacity)
            throw new IllegalArgumentException("replace: " + n + " entries exceed the capacity " + capacity);
        clear();
        for (int i = 0; i < n; i++) append(k.data(), i * headDim, v.data(), i * headDim, pos[i]);
    }

    @Override
    public void clear() {
        blocks.clear();
        rLen = 0;
        length = 0;
    }

    private void checkCount(int count) {
        if (count < 0 || count > length)
            throw new IllegalArgumentException("count " + count + " is outside [0, " + length + "]");
    }
}
