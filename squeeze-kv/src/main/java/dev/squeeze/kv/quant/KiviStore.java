package dev.squeeze.kv.quant;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.RopeRotation;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * KIVI (Liu et al., "KIVI: A Tuning-Free Asymmetric 2bit Quantization for KV Cache", ICML 2024,
 * arXiv:2402.02750), Algorithm 1, for one (layer, KV head): asymmetric min-max quantisation to b in
 * {2, 4, 8} bits (default 2), fp16 scale and zero point, codes bit-packed; keys and values are treated
 * differently.
 * <ul>
 * <li>Keys: per channel, over groups of G (default 32) tokens. Prefill of l tokens: r = l mod R; the first
 * l - r keys are quantised, the last r stay full precision. Decode: each key joins the key residual; when
 * it reaches R tokens it is quantised as a whole (R/G groups) and emptied, so the key residual holds
 * 0..R-1 tokens. R must be a multiple of G. R = 0: per-channel groups need G tokens, so keys are flushed
 * every G tokens (key residual 0..G-1).</li>
 * <li>Values: per token, over groups of min(G, head_dim) channels (groups stay inside one head). Prefill:
 * all but the last R values are quantised. Decode: each value joins the value residual; when it holds more
 * than R tokens its oldest is quantised and dropped, so the value residual is a sliding window of exactly
 * min(R, l) tokens. R = 0: every value is quantised on arrival.</li>
 * </ul>
 * Appending one entry at a time in order reproduces exactly the prefill state above (KiviStoreTest checks
 * it). R defaults to 32. The residuals are fp32 (this runtime's precision) by default, or fp16 when
 * {@code fp16Residual} (KIVI's setting: the reference keeps them in the fp16 model dtype; every incoming
 * key and value is rounded to fp16 and residual entries count 2 bytes). Scores and weighted values are
 * computed from the packed codes. The quantised key and value prefixes differ in length: slot i reads its
 * key from the codes when i < {@link #quantisedKeys()}, and its value when i < {@link #quantisedValues()}.
 *
 * <p>Pre-RoPE keys (optional, {@code rope} given; not KIVI's reference, which quantises rotated keys): from
 * KVQuant (Hooper et al., "KVQuant: Towards 10 Million Context Length LLM Inference with KV Cache
 * Quantization", NeurIPS 2024, arXiv:2401.18079, Sec. 3.2). RoPE turns each channel pair by an angle that
 * grows with the position, so over a group of G tokens a rotated channel sweeps its pair's whole circle
 * and its min-max range is wide; the same channel before RoPE keeps its outlier structure. Keys leaving
 * the residual are rotated back by -position before per-channel quantisation; a score rotates the
 * dequantised key to its position (q · R(p) k~) before the dot. Only KVQuant's pre-RoPE idea is taken: its
 * offline-calibrated ranges, non-uniform levels and sparse outliers are not (KIVI's per-group min-max stays).
 */
public final class KiviStore implements HeadKvStore {
    private static final Kernels K = KernelProvider.kernels();
    private final int headDim, capacity, bits, group, residual, keyFlush, ring;
    private final boolean fp16Residual;
    private final @Nullable RopeRotation rope; // non-null: keys are quantised before RoPE
    private final float @Nullable []
            flushKeys; // (keyFlush, hd) the key residual rotated back to position 0, when rope != null
    private final ChannelQuantKeys qKeys;
    private final TokenQuantValues qValues;
    private final float[] rKeys; // (min(keyFlush, capacity), hd) key residual, 0..keyFlush-1 entries
    private int rKeyLen;
    private final float[] rValues; // (ring, hd) ring of the most recent values, the oldest at rValHead
    private int rValHead, rValLen;
    private final float[] row; // (hd) an incoming value when R = 0
    private final float[] scratch; // (hd) per-call buffer
    private float[] positions; // grows by doubling up to capacity
    private int length;

    public KiviStore(int headDim, int capacity, int bits, int group, int residual) {
        this(headDim, capacity, bits, group, residual, false);
    }

    public KiviStore(int headDim, int capacity, int bits, int group, int residual, boolean fp16Residual) {
        this(headDim, capacity, bits, group, residual, fp16Residual, null);
    }

    /**
     * @param rope null: KIVI (keys quantised as cached, after RoPE); non-null: keys quantised before RoPE with
     *             this rotation (its head width must be {@code headDim})
     */
    public KiviStore(
            int headDim,
            int capacity,
            int bits,
            int group,
            int residual,
            boolean fp16Residual,
            @Nullable RopeRotation rope) {
        BitPacking.checkBits(bits);
        if (headDim <= 0) throw new IllegalArgumentException("headDim must be > 0, got " + headDim);
        if (capacity <= 0) throw new IllegalArgumentException("capacity must be > 0, got " + capacity);
        checkGroupAndResidual(group, residual);
        if (rope != null && rope.headDim() != headDim) {
            throw new IllegalArgumentException("pre-RoPE keys: the rotation is for head_dim " + rope.headDim()
                    + ", the store's head_dim is " + headDim);
        }
        this.rope = rope;
        this.headDim = headDim;
        this.capacity = capacity;
        this.bits = bits;
        this.group = group;
        this.residual = residual;
        this.keyFlush = residual == 0 ? group : residual;
        this.ring = Math.min(residual, capacity);
        this.fp16Residual = fp16Residual;
        qKeys = new ChannelQuantKeys(headDim, group, bits, capacity);
        qValues = new TokenQuantValues(headDim, Math.min(group, headDim), bits, capacity);
        rKeys = new float[Math.min(keyFlush, capacity) * headDim];
        rValues = new float[ring * headDim];
        row = new float[headDim];
        scratch = new float[headDim];
        positions = new float[Math.min(capacity, 256)];
        flushKeys = rope == null ? null : new float[rKeys.length];
    }

    /**
     * KIVI's constraints: G >= 1, R >= 0 and R a multiple of G (a full key residual is quantised as R/G
     * per-channel groups). Thrown as IllegalArgumentException naming both values.
     */
    public static void checkGroupAndResidual(int group, int residual) {
        if (group < 1) throw new IllegalArgumentException("KIVI group size G must be >= 1, got " + group);
        if (residual < 0) throw new IllegalArgumentException("KIVI residual length R must be >= 0, got " + residual);
        if (residual % group != 0) {
            throw new IllegalArgumentException(
                    "KIVI residual length R = " + residual + " is not a multiple of the group size G = " + group
                            + " (a full key residual is quantised as R/G per-channel groups of G tokens)");
        }
    }

    public int bits() {
        return bits;
    }

    public int group() {
        return group;
    }

    public int residual() {
        return residual;
    }

    /** True when keys are quantised before RoPE. */
    public boolean preRope() {
        return rope != null;
    }

    /** Keys held as codes (the oldest; a multiple of G). */
    public int quantisedKeys() {
        return qKeys.length();
    }

    /** Values held as codes (the oldest). */
    public int quantisedValues() {
        return qValues.length();
    }

    /** Keys held full precision: l mod R (l mod G when R = 0). */
    public int keyResidualLength() {
        return rKeyLen;
    }

    /** Values held full precision: min(R, l). */
    public int valueResidualLength() {
        return rValLen;
    }

    /** Code of the quantised key in slot t, channel c (slot < quantisedKeys()). */
    int keyCode(int t, int c) {
        return qKeys.code(t, c);
    }

    /** Code of the quantised value in slot t, channel c (slot < quantisedValues()). */
    int valueCode(int t, int c) {
        return qValues.code(t, c);
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

    @Override
    public void append(float[] key, int keyOff, float[] value, int valueOff, float position) {
        if (length == capacity) throw new IllegalStateException("KV store is full: capacity " + capacity + " entries");
        if (length == positions.length) positions = Arrays.copyOf(positions, Math.min(capacity, 2 * positions.length));
        positions[length] = position;
        // key: join the key residual; a full residual (R tokens, or G when R = 0) is quantised whole
        int ko = rKeyLen * headDim;
        System.arraycopy(key, keyOff, rKeys, ko, headDim);
        roundIfFp16(rKeys, ko);
        if (++rKeyLen == keyFlush) {
            if (rope == null) {
                qKeys.appendBlocks(rKeys, 0, keyFlush);
            } else {
                int first = length + 1 - keyFlush; // slot of the residual's oldest key
                System.arraycopy(rKeys, 0, flushKeys, 0, keyFlush * headDim);
                for (int j = 0; j < keyFlush; j++) rope.rotateBy(flushKeys, j * headDim, -positions[first + j]);
                qKeys.appendBlocks(flushKeys, 0, keyFlush);
            }
            rKeyLen = 0;
        }
        // value: join the sliding window of the R most recent; the one that falls out is quantised
        if (residual == 0) {
            System.arraycopy(value, valueOff, row, 0, headDim);
            roundIfFp16(row, 0);
            qValues.appendRows(row, 0, 1);
        } else {
            int slot;
            if (rValLen == residual) {
                qValues.appendRows(rValues, rValHead * headDim, 1);
                slot = rValHead;
                rValHead = (rValHead + 1) % ring;
            } else {
                slot = (rValHead + rValLen++) % ring;
            }
            System.arraycopy(value, valueOff, rValues, slot * headDim, headDim);
            roundIfFp16(rValues, slot * headDim);
        }
        length++;
    }

    private void roundIfFp16(float[] x, int off) {
        if (!fp16Residual) return;
        for (int i = off, e = off + headDim; i < e; i++) x[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
    }

    /** Offset in rValues of the value residual's j-th entry (0 = oldest). */
    private int valueSlot(int j) {
        return (rValHead + j) % ring * headDim;
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
        int nq = qKeys.length();
        if (rope == null) {
            qKeys.scores(q, qOff, Math.min(count, nq), out, outOff, scratch);
        } else {
            for (int t = 0, e = Math.min(count, nq); t < e; t++) { // q · R(p_t) k~_t
                qKeys.dequantRow(t, scratch, 0);
                rotateTo(scratch, positions[t]);
                out[outOff + t] = K.dot(q, qOff, scratch, 0, headDim);
            }
        }
        for (int i = nq; i < count; i++) out[outOff + i] = K.dot(q, qOff, rKeys, (i - nq) * headDim, headDim);
    }

    @Override
    public void weightedValues(float[] w, int wOff, int count, float[] out, int outOff) {
        checkCount(count);
        Arrays.fill(out, outOff, outOff + headDim, 0f);
        int nq = qValues.length();
        qValues.addWeighted(w, wOff, Math.min(count, nq), out, outOff);
        for (int i = nq; i < count; i++) K.axpy(w[wOff + i], rValues, valueSlot(i - nq), out, outOff, headDim);
    }

    /** Packed key and value codes + their fp16 parameters + both residuals at 4 (fp32) or 2 (fp16) bytes. */
    @Override
    public long bytes() {
        return qKeys.bytes()
                + qValues.bytes()
                + (long) (fp16Residual ? 2 : Float.BYTES) * headDim * (rKeyLen + rValLen);
    }

    /** Rotates a pre-RoPE key (hd) to {@code position}: the table for integer positions, else computed. */
    private void rotateTo(float[] k, float position) {
        int p = (int) position;
        if (p == position) rope.rotate(k, 0, 1, p);
        else rope.rotateBy(k, 0, position);
    }

    @Override
    public FloatMatrix keys() {
        float[] out = new float[length * headDim];
        qKeys.dequant(out, 0);
        if (rope != null)
            for (int t = 0, nq = qKeys.length(); t < nq; t++) rope.rotateBy(out, t * headDim, positions[t]);
        System.arraycopy(rKeys, 0, out, qKeys.length() * headDim, rKeyLen * headDim);
        return new FloatMatrix(length, headDim, out);
    }

    @Override
    public FloatMatrix values() {
        float[] out = new float[length * headDim];
        qValues.dequant(out, 0);
        int nq = qValues.length();
        for (int j = 0; j < rValLen; j++) System.arraycopy(rValues, valueSlot(j), out, (nq + j) * headDim, headDim);
        return new FloatMatrix(length, headDim, out);
    }

    @Override
    public float[] positions() {
        return Arrays.copyOf(positions, length);
    }

    /** Re-quantises from floats: entries appended in order, which reproduces KIVI's prefill state for n tokens. */
    @Override
    public void replace(FloatMatrix k, FloatMatrix v, float[] pos) {
        int n = pos.length;
        if (k.rows() != n || v.rows() != n)
            throw new IllegalArgumentException(
                    "replace: keys have " + k.rows() + " rows, values " + v.rows() + ", positions " + n);
        if (k.cols() != headDim || v.cols() != headDim)
            throw new IllegalArgumentException(
                    "replace: keys have " + k.cols() + " columns, values " + v.cols() + ", headDim is " + headDim);
        if (n > capacity)
            throw new IllegalArgumentException("replace: " + n + " entries exceed the capacity " + capacity);
        clear();
        for (int i = 0; i < n; i++) append(k.data(), i * headDim, v.data(), i * headDim, pos[i]);
    }

    @Override
    public void clear() {
        qKeys.clear();
        qValues.clear();
        rKeyLen = 0;
        rValHead = 0;
        rValLen = 0;
        length = 0;
    }

    private void checkCount(int count) {
        if (count < 0 || count > length)
            throw new IllegalArgumentException("count " + count + " is outside [0, " + length + "]");
    }
}
