package dev.squeeze.llm.runtime;

import dev.squeeze.llm.quant.Q8Activations;
import dev.squeeze.llm.quant.WeightTensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The integer product behind prompt processing of Q4_0 weights, in 16-bit lanes: out (T, R) = X (T, K) W^T with W's
 * 4-bit quants and X quantised to 8-bit blocks of 32 as llama.cpp's Q8_0 activations ({@link
 * Q8Activations#quantisePairs}), so each block's products are summed exactly in integers and scaled once by d_w d_x.
 *
 * <p>Both sides hold a block as 16 pairs (elements i and i + 16, one Q4_0 byte's low and high nibble) in one int: the
 * low and high 16 bits. Activations are packed once per product into token groups of {@link #GROUP}, {@code (groups,
 * K / 2, GROUP)} ints plus {@code (groups, K / 32, GROUP)} scales; a weight row is decoded to {@code K / 2} ints
 * ({@link WeightTensor#copyRowQ4_0Pairs}). A 4-row x 2-vector tile broadcasts a row's pair to every int lane and
 * multiplies it with a vector of tokens' pairs as shorts: lane 2t + e gets w_e x_e of token t. Within a block the
 * 16 products per short lane are added in 16-bit lanes (|sum| &lt;= 16 * 8 * 127 = 16256, no overflow); at the
 * block's end the two shorts of an int lane are added (v + (v &lt;&lt; 16), then an arithmetic shift: exact, as
 * |sum| &lt;= 32512), converted to float and accumulated with one FMA by d_x d_w. Against the f32 tile this doubles
 * the multiply-adds per instruction (32 short lanes), at the cost of the block ends.
 *
 * <p>Written for any lane count L (tokens per vector) with GROUP a multiple of 2 L; the runtime takes this path
 * where {@link #PREFERRED} (16 int lanes). The scalar reference is {@link #referenceProduct}: same products and the
 * same order of float operations, so the two agree bit for bit. Methods allocate nothing.
 */
public final class Q4Gemm {
    private Q4Gemm() {}

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, I.vectorShape());
    private static final int L = I.length();
    /** Whether this machine's vectors make the integer product the faster prompt path (16 int lanes: AVX-512). */
    public static final boolean PREFERRED = L == 16 && F.length() == 16;
    /** Tokens per packed group: 2 vectors of 16 int lanes (4 of 8 on 256-bit machines). */
    public static final int GROUP = 32;
    /** Weight rows per micro tile. */
    public static final int ROWS = 4;
    /** Elements per quantisation block (weights and activations) and pairs per block. */
    private static final int BLOCK = 32, PAIRS = 16;

    /** Token groups needed for T tokens. */
    public static int groups(int T) {
        return (T + GROUP - 1) / GROUP;
    }

    /** Ints of the packed activations for T tokens of width K. */
    public static long packedLength(int T, int K) {
        return (long) groups(T) * (K / 2) * GROUP;
    }

    /** Floats of the packed activations' block scales for T tokens of width K. */
    public static long scalesLength(int T, int K) {
        return (long) groups(T) * (K / BLOCK) * GROUP;
    }

    /** Scratch floats {@link #multiply} needs. */
    public static int scratchLength() {
        return ROWS * GROUP + 2 * PARKED;
    }

    /**
     * Quantises and packs tokens [tFrom, tTo) of x (T, K), row t at x[xOff + t * K], K a multiple of 32: token t's
     * pair P (block P / 16) at {@code (g * K/2 + P) * GROUP + t % GROUP} of packed, its scale of block b at
     * {@code (g * K/32 + b) * GROUP + t % GROUP} of scales, g = t / GROUP. Pad tokens of a last partial group get
     * zero pairs and scales. Callers pack whole groups, so threads may pack groups in parallel.
     */
    public static void pack(float[] x, int xOff, int T, int K, int tFrom, int tTo, int[] packed, float[] scales) {
        int K2 = K / 2, nb = K / BLOCK;
        for (int g = tFrom / GROUP; g * GROUP < tTo; g++) {
            int t0 = g * GROUP, n = Math.min(GROUP, T - t0);
            int base = g * K2 * GROUP, sBase = g * nb * GROUP;
            for (int j = 0; j < n; j++) {
                int src = xOff + (t0 + j) * K;
                for (int b = 0; b < nb; b++)
                    scales[sBase + b * GROUP + j] = Q8Activations.quantisePairs(
                            x, src + BLOCK * b, packed, base + PAIRS * b * GROUP + j, GROUP);
            }
            for (int j = n; j < GROUP; j++) {
                for (int P = 0; P < K2; P++) packed[base + P * GROUP + j] = 0;
                for (int b = 0; b < nb; b++) scales[sBase + b * GROUP + j] = 0f;
            }
        }
    }

    /**
     * out[t * ldo + oOff + i] = sum over blocks b of (integer dot of row i's and token t's quants in block b) *
     * (d_x(t, b) * d_w(i, b)), accumulated in order of b, for rows i in [0, rows) and tokens t in [0, T). Row i's
     * pairs at w[i * K/2 ..], its scales at ws[i * K/32 ..]; activations packed by {@link #pack}; {@code acc} is
     * scratch of {@link #scratchLength} floats.
     */
    public static void multiply(
            int[] w,
            float[] ws,
            int rows,
            int K,
            int[] packed,
            float[] scales,
            int T,
            float[] out,
            int oOff,
            int ldo,
            float[] acc) {
        int K2 = K / 2, nb = K / BLOCK;
        for (int g = 0; g * GROUP < T; g++) {
            int t0 = g * GROUP, n = Math.min(GROUP, T - t0);
            int xg = g * K2 * GROUP, sg = g * nb * GROUP;
            for (int i = 0; i < rows; i += ROWS) {
                int m = Math.min(ROWS, rows - i);
                for (int h = 0; h < GROUP; h += 2 * L) {
                    if (m == ROWS)
                        tile4(w, i * K2, K2, ws, i * nb, nb, packed, xg + h, scales, sg + h, acc, h, ROWS * GROUP);
                    else
                        for (int r = 0; r < m; r++)
                            tile1(
                                    w,
                                    (i + r) * K2,
                                    ws,
                                    (i + r) * nb,
                                    nb,
                                    packed,
                                    xg + h,
                                    scales,
                                    sg + h,
                                    acc,
                                    r * GROUP + h);
                }
                // token by token: each token's part of its row of out is written contiguously
                for (int j = 0; j < n; j++) {
                    int o = (t0 + j) * ldo + oOff + i;
                    for (int r = 0; r < m; r++) out[o + r] = acc[r * GROUP + j];
                }
            }
        }
    }

    /** A block's 16-bit lane sums (token t's two shorts in int lane t) as floats: hi + lo, exact. */
    private static FloatVector blockSums(ShortVector s) {
        IntVector v = s.reinterpretAsInts();
        return (FloatVector) v.add(v.lanewise(VectorOperators.LSHL, 16))
                .lanewise(VectorOperators.ASHR, 16)
                .convert(VectorOperators.I2F, 0);
    }

    /** Row r's pair P, broadcast to every int lane and seen as shorts. */
    private static ShortVector pair(int[] w, int at) {
        return IntVector.broadcast(I, w[at]).reinterpretAsShorts();
    }

    private static ShortVector tokens(int[] x, int at) {
        return IntVector.fromArray(I, x, at).reinterpretAsShorts();
    }

    /**
     * 4 rows (pairs at w[p + r * K2 ..], scales at ws[s + r * nb ..]) x 2 vectors of tokens (pair P at x[xo + P *
     * GROUP ..], block b's scales at dx[so + b * GROUP ..]) over the whole of K; results to acc[a0 + r * GROUP ..].
     * The f32 accumulators live in acc and each block's 16-bit sums pass through acc[t ..] to {@link #blockEnd}: with
     * the block end written out here the method outgrew C2's inlining budget and its vectors were boxed.
     */
    private static void tile4(
            int[] w,
            int p,
            int K2,
            float[] ws,
            int s,
            int nb,
            int[] x,
            int xo,
            float[] dx,
            int so,
            float[] acc,
            int a0,
            int t) {
        int p0 = p, p1 = p0 + K2, p2 = p1 + K2, p3 = p2 + K2;
        FloatVector zero = FloatVector.zero(F);
        for (int r = 0; r < ROWS; r++) {
            zero.intoArray(acc, a0 + r * GROUP);
            zero.intoArray(acc, a0 + r * GROUP + L);
        }
        for (int b = 0; b < nb; b++) {
            ShortVector z = ShortVector.zero(S);
            ShortVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
            for (int i = 0, P = PAIRS * b, xi = xo + P * GROUP; i < PAIRS; i++, P++, xi += GROUP) {
                ShortVector y0 = tokens(x, xi), y1 = tokens(x, xi + L);
                ShortVector v = pair(w, p0 + P);
                c00 = c00.add(v.mul(y0));
                c01 = c01.add(v.mul(y1));
                v = pair(w, p1 + P);
                c10 = c10.add(v.mul(y0));
                c11 = c11.add(v.mul(y1));
                v = pair(w, p2 + P);
                c20 = c20.add(v.mul(y0));
                c21 = c21.add(v.mul(y1));
                v = pair(w, p3 + P);
                c30 = c30.add(v.mul(y0));
                c31 = c31.add(v.mul(y1));
            }
            // the shorts' bits parked in the float scratch (a reinterpretation: no conversion), in one of two areas:
            // the previous block's sums are taken up now, long after their stores (a 512-bit load right after the
            // store of the same vector stalled on store forwarding)
            int park = t + (b & 1) * PARKED;
            c00.reinterpretAsFloats().intoArray(acc, park);
            c01.reinterpretAsFloats().intoArray(acc, park + L);
            c10.reinterpretAsFloats().intoArray(acc, park + 2 * L);
            c11.reinterpretAsFloats().intoArray(acc, park + 3 * L);
            c20.reinterpretAsFloats().intoArray(acc, park + 4 * L);
            c21.reinterpretAsFloats().intoArray(acc, park + 5 * L);
            c30.reinterpretAsFloats().intoArray(acc, park + 6 * L);
            c31.reinterpretAsFloats().intoArray(acc, park + 7 * L);
            if (b > 0) blockEnd(acc, t + ((b - 1) & 1) * PARKED, dx, so + (b - 1) * GROUP, ws, s + b - 1, nb, a0);
        }
        blockEnd(acc, t + ((nb - 1) & 1) * PARKED, dx, so + (nb - 1) * GROUP, ws, s + nb - 1, nb, a0);
    }

    /** Floats of one parking area: a 4 x 2 tile's 16-bit sums. */
    private static final int PARKED = 2 * ROWS * L;

    /**
     * acc[a0 + r * GROUP + v * L ..] += (block sums parked at acc[t + (2 r + v) L ..]) * (d_x(v) * d_w(r)) for 4 rows
     * x 2 vectors; the sums' two shorts per int lane are added (v + (v &lt;&lt; 16), arithmetic shift) and converted.
     */
    private static void blockEnd(float[] acc, int t, float[] dx, int d, float[] ws, int s, int nb, int a0) {
        FloatVector d0 = FloatVector.fromArray(F, dx, d), d1 = FloatVector.fromArray(F, dx, d + L);
        for (int r = 0; r < ROWS; r++) {
            float wr = ws[s + r * nb];
            int a = a0 + r * GROUP, p = t + 2 * r * L;
            IntVector v0 = FloatVector.fromArray(F, acc, p).reinterpretAsInts();
            IntVector v1 = FloatVector.fromArray(F, acc, p + L).reinterpretAsInts();
            FloatVector s0 = (FloatVector) v0.add(v0.lanewise(VectorOperators.LSHL, 16))
                    .lanewise(VectorOperators.ASHR, 16)
                    .convert(VectorOperators.I2F, 0);
            FloatVector s1 = (FloatVector) v1.add(v1.lanewise(VectorOperators.LSHL, 16))
                    .lanewise(VectorOperators.ASHR, 16)
                    .convert(VectorOperators.I2F, 0);
            s0.fma(d0.mul(wr), FloatVector.fromArray(F, acc, a)).intoArray(acc, a);
            s1.fma(d1.mul(wr), FloatVector.fromArray(F, acc, a + L)).intoArray(acc, a + L);
        }
    }

    /** The edge tile: one row x 2 vectors of tokens, results to acc[a ..]. */
    private static void tile1(
            int[] w, int p, float[] ws, int s, int nb, int[] x, int xo, float[] dx, int so, float[] acc, int a) {
        FloatVector f0 = FloatVector.zero(F), f1 = f0;
        for (int b = 0; b < nb; b++) {
            ShortVector c0 = ShortVector.zero(S), c1 = c0;
            for (int i = 0, P = PAIRS * b, xi = xo + P * GROUP; i < PAIRS; i++, P++, xi += GROUP) {
                ShortVector v = pair(w, p + P);
                c0 = c0.add(v.mul(tokens(x, xi)));
                c1 = c1.add(v.mul(tokens(x, xi + L)));
            }
            float wb = ws[s + b];
            f0 = blockSums(c0).fma(FloatVector.fromArray(F, dx, so + b * GROUP).mul(wb), f0);
            f1 = blockSums(c1)
                    .fma(FloatVector.fromArray(F, dx, so + b * GROUP + L).mul(wb), f1);
        }
        f0.intoArray(acc, a);
        f1.intoArray(acc, a + L);
    }

    /**
     * The scalar reference on unpacked inputs: row i's pairs at w[i * K/2 ..] and scales at ws[i * K/32 ..], token
     * t's pairs at x[t * K/2 ..] and scales at dx[t * K/32 ..]; per (t, i): acc = fma(integer block dot, d_x * d_w,
     * acc) in order of blocks, written to out[t * ldo + oOff + i].
     */
    public static void referenceProduct(
            int[] w, float[] ws, int rows, int K, int[] x, float[] dx, int T, float[] out, int oOff, int ldo) {
        int K2 = K / 2, nb = K / BLOCK;
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < rows; i++) {
                float acc = 0f;
                for (int b = 0; b < nb; b++) {
                    int sum = 0;
                    for (int P = PAIRS * b; P < PAIRS * (b + 1); P++) {
                        int a = w[i * K2 + P], c = x[t * K2 + P];
                        sum += (short) a * (short) c + (a >> 16) * (c >> 16);
                    }
                    acc = Math.fma((float) sum, dx[t * nb + b] * ws[i * nb + b], acc);
                }
                out[t * ldo + oOff + i] = acc;
            }
        }
    }
}
