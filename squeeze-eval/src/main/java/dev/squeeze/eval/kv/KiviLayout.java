package dev.squeeze.eval.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One configuration of KIVI's Algorithm 1 cache (squeeze-kv's {@code KiviStore}) at a head width, and its exact
 * bytes per (layer, KV head): keys per channel over groups of G tokens (codes + an fp16 scale and zero point per
 * channel and group), values per token over groups of min(G, head_dim) channels (codes + an fp16 scale and zero
 * point per token and group, the last group ragged when G does not divide head_dim), a key residual of l mod R
 * tokens (l mod G when R = 0) and a value residual of the last min(R, l) tokens, both held at 4 (fp32) or 2
 * (fp16) bytes per value. KiviLayoutTest checks the formula against the store's own count.
 *
 * @param bits       2, 4 or 8
 * @param group      G
 * @param residual   R, a multiple of G (0: nothing full precision but the partial key group)
 * @param fp16Residual residual values at 2 bytes (KIVI's fp16 model dtype) instead of 4
 * @param headDim    head width
 */
record KiviLayout(int bits, int group, int residual, boolean fp16Residual, int headDim) {

    /** Bytes of one (layer, KV head) holding l tokens, right after a prefill of l (or l appends). */
    long bytes(int l) {
        int keyFlush = residual == 0 ? group : residual;
        int keyRes = l % keyFlush, valRes = Math.min(residual, l);
        int qk = l - keyRes, qv = l - valRes;
        int vGroup = Math.min(group, headDim), valueGroups = (headDim + vGroup - 1) / vGroup;
        long keys = packed((long) qk * headDim) + 4L * (qk / group) * headDim;
        long values = packed((long) qv * headDim) + 4L * qv * valueGroups;
        return keys + values + (long) (fp16Residual ? 2 : 4) * headDim * (keyRes + valRes);
    }

    /** fp32 bytes of l tokens (key + value) over {@link #bytes}. */
    double ratioToFp32(int l) {
        return 8.0 * headDim * l / bytes(l);
    }

    private long packed(long values) {
        return (values * bits + 7) / 8;
    }

    /** The press spec, keys quantised after RoPE (KIVI) or before it (KVQuant's Sec. 3.2). */
    String spec(boolean preRope) {
        return String.format(
                Locale.ROOT,
                "kivi:bits=%d,group=%d,residual=%d,residualDtype=%s%s",
                bits,
                group,
                residual,
                fp16Residual ? "fp16" : "fp32",
                preRope ? ",preRope=true" : "");
    }

    /**
     * The faithful 2-bit layouts that hold l tokens in at least {@code minRatio} times fewer bytes than fp32: for
     * each G in {@code groups} and residual dtype, the largest R (a multiple of G, at most l) that still fits, since a
     * longer full-precision window can only help quality. Empty entries (no R fits, not even 0) are left out.
     */
    static List<KiviLayout> twoBitSearch(int headDim, int l, double minRatio, int... groups) {
        List<KiviLayout> out = new ArrayList<>();
        for (int g : groups) {
            for (boolean fp16 : new boolean[] {true, false}) {
                KiviLayout best = null;
                for (int r = 0; r <= l; r += g) {
                    KiviLayout k = new KiviLayout(2, g, r, fp16, headDim);
                    if (k.ratioToFp32(l) >= minRatio) best = k;
                }
                if (best != null) out.add(best);
            }
        }
        return out;
    }
}
