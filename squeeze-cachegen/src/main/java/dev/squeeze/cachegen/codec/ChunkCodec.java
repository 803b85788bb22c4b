package dev.squeeze.cachegen.codec;

import dev.squeeze.cachegen.KvSnapshot;
import dev.squeeze.cachegen.LevelSpec;

/**
 * Quantises and entropy-codes one chunk of tokens (CacheGen's KV encoder).
 *
 * <p>Per layer and kind (keys, values) each token's row of n_kv_heads * head_dim values gets one fp16 scale
 * s = max|x| / h (h = (bins-1)/2, the scale rounded up to fp16 so the decoder reproduces it exactly) and every
 * value the symbol clamp(round(x / s), -h, h) + h. With delta coding, a token that is not an anchor codes
 * x - x̂_a instead, x̂_a the reconstruction of the chunk's latest anchor (anchors every g tokens, the first token
 * of a chunk always one), so a chunk decodes on its own. Symbols are range-coded with a static table per
 * (layer, kind, role, channel).
 *
 * <p>Payload: tokens (varint each); positions (u8 0: consecutive from i32 first; 1: f32 each); scales (u16 fp16
 * per layer, kind, token); then per layer a u32 length and the range-coded symbols in (kind, token, channel)
 * order.
 */
public final class ChunkCodec {
    private ChunkCodec() {}

    /**
     * Symbols and scales of a chunk before entropy coding.
     *
     * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
     * maker nor its readers modify them.
     */
    public record Quantised(LevelSpec level, int start, int count, short[][] symbols, short[][] scales) {}

    public static Quantised quantise(KvSnapshot s, int start, int count, LevelSpec lv) {
        int L = s.layers(), kvd = s.kvDim();
        if (lv.layers() != L)
            throw new IllegalArgumentException(lv + " is for " + lv.layers() + " layers, the cache has " + L);
        short[][] sym = new short[2 * L][count * kvd];
        short[][] sc = new short[2 * L][count];
        float[] anchor = new float[kvd], diff = new float[kvd];
        for (int l = 0; l < L; l++) {
            for (int k = 0; k < 2; k++) {
                float[] x = k == 0 ? s.keys()[l] : s.values()[l];
                int h = (lv.bins(l, k) - 1) / 2;
                short[] out = sym[2 * l + k];
                float anchorScale = 0f;
                for (int t = 0; t < count; t++) {
                    int row = (start + t) * kvd;
                    boolean isAnchor = !lv.delta() || t % lv.anchorInterval() == 0;
                    for (int c = 0; c < kvd; c++) diff[c] = isAnchor ? x[row + c] : x[row + c] - anchor[c];
                    int hq = isAnchor ? h : 2 * h;
                    short s16 = scaleFor(diff, kvd, hq, isAnchor ? 0f : anchorScale, l, k, start + t);
                    sc[2 * l + k][t] = s16;
                    float scale = Float.float16ToFloat(s16);
                    if (isAnchor) anchorScale = scale;
                    float inv = scale == 0f ? 0f : 1f / scale;
                    for (int c = 0; c < kvd; c++) {
                        int q = Math.round(diff[c] * inv);
                        q = Math.max(-hq, Math.min(hq, q));
                        out[t * kvd + c] = (short) (q + hq);
                        if (isAnchor && lv.delta())
                            anchor[c] = q * scale; // the next deltas are against the reconstruction
                    }
                }
            }
        }
        return new Quantised(lv, start, count, sym, sc);
    }

    private static short scaleFor(float[] d, int n, int h, float floor, int layer, int kind, int token) {
        float m = 0f;
        for (int c = 0; c < n; c++) {
            float a = Math.abs(d[c]);
            if (!(a <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException(
                        "layer " + layer + (kind == 0 ? " key" : " value") + " of token " + token + " is not finite");
            }
            m = Math.max(m, a);
        }
        float want = Math.max(floor, m / h);
        short s = Float.floatToFloat16(want);
        if (Float.float16ToFloat(s) < want) s++;
        if (Float.isInfinite(Float.float16ToFloat(s))) {
            throw new IllegalArgumentException("layer " + layer + (kind == 0 ? " key" : " value") + " of token " + token
                    + " has magnitude " + m + ", too large for an fp16 scale");
        }
        return s;
    }

    /** Adds the chunk's symbols to counts (layers, 2, roles, kvDim, bins). */
    public static void count(Quantised q, long[][][][][] counts, int kvd) {
        LevelSpec lv = q.level();
        for (int l = 0; l < lv.layers(); l++) {
            for (int k = 0; k < 2; k++) {
                short[] s = q.symbols()[2 * l + k];
                for (int t = 0; t < q.count(); t++) {
                    int role = lv.delta() && t % lv.anchorInterval() != 0 ? 1 : 0;
                    long[][] cnt = counts[l][k][role];
                    for (int c = 0; c < kvd; c++) cnt[c][s[t * kvd + c]]++;
                }
            }
        }
    }

    /** Allocates zeroed counts for a level: (layers, 2, roles, kvDim, bins of that layer and kind). */
    public static long[][][][][] newCounts(LevelSpec lv, int kvd) {
        long[][][][][] c = new long[lv.layers()][2][lv.roles()][kvd][];
        for (int l = 0; l < lv.layers(); l++)
            for (int k = 0; k < 2; k++)
                for (int r = 0; r < lv.roles(); r++)
                    for (int ch = 0; ch < kvd; ch++) c[l][k][r][ch] = new long[lv.alphabet(l, k, r)];
        return c;
    }

    public static byte[] encode(KvSnapshot s, Quantised q, LevelTables tables) {
        int kvd = s.kvDim(), L = s.layers(), n = q.count();
        ByteSink out = new ByteSink(n * kvd * L);
        for (int t = 0; t < n; t++) out.varint(s.tokens()[q.start() + t]);
        boolean consecutive = true;
        float p0 = n == 0 ? 0 : s.positions()[q.start()];
        for (int t = 0; t < n; t++) {
            float p = s.positions()[q.start() + t];
            if (p != p0 + t || p0 != Math.rint(p0) || Math.abs(p0) > 1 << 30) {
                consecutive = false;
                break;
            }
        }
        if (consecutive) out.u8(0).i32((int) p0);
        else {
            out.u8(1);
            for (int t = 0; t < n; t++) out.f32(s.positions()[q.start() + t]);
        }
        for (short[] sc : q.scales()) for (short v : sc) out.u16(v & 0xFFFF);
        LevelSpec lv = q.level();
        for (int l = 0; l < L; l++) {
            int lenAt = out.size();
            out.i32(0);
            RangeEncoder enc = new RangeEncoder(out);
            for (int k = 0; k < 2; k++) {
                short[] sym = q.symbols()[2 * l + k];
                for (int t = 0; t < n; t++) {
                    int role = lv.delta() && t % lv.anchorInterval() != 0 ? 1 : 0;
                    FrequencyTable[] tab = tables.tables(l, k, role);
                    for (int c = 0; c < kvd; c++) enc.encode(tab[c], sym[t * kvd + c]);
                }
            }
            enc.finish();
            out.putI32(lenAt, out.size() - lenAt - 4);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a chunk payload of {@code count} tokens into rows [dstRow, dstRow + count) of keys/values
     * (layers arrays of (rows, kvDim)), tokens and positions. {@code base} is the payload's offset in its file.
     * Token ids must lie in [0, vocab) and positions in [0, seqLen).
     */
    public static void decode(
            byte[] buf,
            int from,
            int to,
            long base,
            int count,
            LevelTables tables,
            int kvd,
            int[] tokens,
            float[] positions,
            float[][] keys,
            float[][] values,
            int dstRow,
            int vocab,
            int seqLen)
            throws CorruptStreamException {
        LevelSpec lv = tables.level();
        int L = lv.layers();
        ByteSource in = new ByteSource(buf, from, to, base, "chunk at offset " + base);
        for (int t = 0; t < count; t++) {
            long at = in.position();
            int id = in.varint("token id");
            if (id >= vocab)
                throw new CorruptStreamException(
                        "token id " + id + " at offset " + at + " is outside the vocabulary [0, " + vocab + ")");
            tokens[dstRow + t] = id;
        }
        int mode = in.u8("position mode");
        if (mode == 0) {
            long at = in.position();
            int p0 = in.i32("first position");
            if (p0 < 0 || (long) p0 + count > seqLen) {
                throw new CorruptStreamException("positions [" + p0 + ", " + ((long) p0 + count) + ") at offset " + at
                        + " are outside the model's context [0, " + seqLen + ")");
            }
            for (int t = 0; t < count; t++) positions[dstRow + t] = p0 + t;
        } else if (mode == 1) {
            for (int t = 0; t < count; t++) {
                long at = in.position();
                float p = in.f32("position");
                if (!(p >= 0 && p < seqLen)) {
                    throw new CorruptStreamException("position " + p + " at offset " + at
                            + (Float.isFinite(p)
                                    ? " is outside the model's context [0, " + seqLen + ")"
                                    : " is not finite"));
                }
                positions[dstRow + t] = p;
            }
        } else {
            throw new CorruptStreamException(
                    "position mode " + mode + " at offset " + (in.position() - 1) + " is not 0 or 1");
        }
        float[][] scales = new float[2 * L][count];
        for (float[] sc : scales) for (int t = 0; t < count; t++) sc[t] = Float.float16ToFloat((short) in.u16("scale"));
        float[] anchor = new float[kvd];
        for (int l = 0; l < L; l++) {
            long at = in.position();
            int len = in.u31("layer stream length");
            if (len > in.remaining()) {
                throw new CorruptStreamException("layer " + l + " stream at offset " + at + " claims " + len
                        + " bytes but the chunk has " + in.remaining() + " left");
            }
            int s0 = in.index();
            in.skip(len, "layer stream");
            RangeDecoder dec = new RangeDecoder(buf, s0, s0 + len, "layer " + l + " stream at offset " + at);
            for (int k = 0; k < 2; k++) {
                float[] dst = k == 0 ? keys[l] : values[l];
                int h = (lv.bins(l, k) - 1) / 2;
                float[] sc = scales[2 * l + k];
                for (int t = 0; t < count; t++) {
                    boolean isAnchor = !lv.delta() || t % lv.anchorInterval() == 0;
                    FrequencyTable[] tab = tables.tables(l, k, isAnchor ? 0 : 1);
                    int hq = isAnchor ? h : 2 * h;
                    float scale = sc[t];
                    int row = (dstRow + t) * kvd;
                    for (int c = 0; c < kvd; c++) {
                        float v = (dec.decode(tab[c]) - hq) * scale;
                        if (lv.delta()) {
                            if (isAnchor) anchor[c] = v;
                            else v = anchor[c] + v;
                        }
                        dst[row + c] = v;
                    }
                }
            }
        }
        if (in.remaining() != 0) {
            throw new CorruptStreamException(
                    "chunk at offset " + base + " has " + in.remaining() + " unexpected trailing byte(s)");
        }
    }
}
