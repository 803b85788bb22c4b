package dev.squeeze.llm.runtime;

import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.quant.WeightTensor;
import org.jspecify.annotations.Nullable;

/**
 * The weight products of one session, out (T, rows) = x (T, cols) W^T, split over weight rows on the model's
 * {@link RowParallel} pool. Up to three matrices that read the same activations run as one product (one dispatch,
 * one packing): q, k and v; gate and up.
 *
 * <ul>
 *   <li>T = 1 (decode): one dot per weight row on the stored format. Gate and up are paired row by row and
 *       SwiGLU is applied as each pair finishes ({@link #swiGlu}).</li>
 *   <li>1 &lt; T &lt;= {@link Gemm#SMALL_T} (a few tokens, e.g. a small draft tree): decode's dot per token,
 *       each weight row read once and dotted with every token's x while it is in L1
 *       ({@link WeightTensor#dotRowsTokens}); each worker prepares every token's x once per product as decode
 *       prepares it, so that each value is bit for bit decode's (Token Recycling's verification then gives
 *       exactly the text of plain decoding).</li>
 *   <li>T &gt; {@link Gemm#SMALL_T} (prompt): the activations are packed once ({@link Gemm#pack}, token groups split over the pool),
 *       then each worker decodes {@link #PANEL_ROWS} weight rows at a time into its panel and multiplies them with
 *       every token ({@link Gemm#multiply}): each weight is read and decoded once per product. Q4_0 products
 *       on 16-lane machines ({@link Q4Gemm#PREFERRED}) run in integers instead: the activations are quantised to
 *       8-bit blocks and packed once ({@link Q4Gemm#pack}), panels are decoded to nibble pairs
 *       ({@link WeightTensor#copyRowQ4_0Pairs}) and multiplied in 16-bit lanes ({@link Q4Gemm#multiply}).</li>
 * </ul>
 * While {@link #decodeDots} is on (a draft tree's verification), products of any T take the few-token path.
 * Buffers are allocated up front or grown to the largest prompt seen; a call allocates nothing.
 */
final class Projections {
    /** Weight rows decoded per panel: 32 rows of the widest matrix, and their 4-row tiles share a packed block. */
    static final int PANEL_ROWS = 32;
    /** Multiply-adds below which a product runs on the calling thread only (dispatch would cost more). */
    static final long SPLIT_WORK = 1L << 15;
    /** Decode rows per chunk boundary: 16 floats of output, one cache line, so two threads never write one line. */
    static final int DECODE_GRAIN = 16;

    private final RowParallel pool;
    private final float[][] panels; // (threads, PANEL_ROWS * widest)
    private final float[][] accs; // (threads, Gemm.scratchLength(PANEL_ROWS))
    private final float[][] prepared; // (threads, the largest WeightTensor.scratchLength seen): decode's prepared x
    private final float[][][] preparedTokens; // (threads, Gemm.SMALL_T, the largest scratchLength seen): few tokens
    private float[] packed = new float[0];
    // the integer Q4_0 path's buffers, allocated on its first product (models without Q4_0 never need them)
    private int[][] pairPanels = new int[0][]; // (threads, PANEL_ROWS * widest / 2)
    private float[][] pairScales; // (threads, PANEL_ROWS * widest / 32)
    private float[][] pairAccs; // (threads, Q4Gemm.scratchLength())
    private int[] pairPacked = new int[0];
    private float[] pairPackedScales = new float[0];
    private final int widest;
    private boolean decodeDots;
    // decode and prompt products are separate classes (each with its own copy of the row split) so that each is
    // compiled for its own shapes: a decode loop whose code was shaped by prompt processing ran 20-30 % slower
    private final DecodeTask decode;
    private final PromptTask prompt;
    private final Pack pack = new Pack();
    private final PairPack pairPack = new PairPack();

    Projections(RowParallel pool, int widest) {
        this.pool = pool;
        this.widest = widest;
        decode = new DecodeTask();
        prompt = new PromptTask();
        panels = new float[pool.threads()][Math.multiplyExact(PANEL_ROWS, widest)];
        accs = new float[pool.threads()][Gemm.scratchLength(PANEL_ROWS)];
        prepared = new float[pool.threads()][0];
        preparedTokens = new float[pool.threads()][Gemm.SMALL_T][0];
    }

    /**
     * While on, products of any token count compute decode's dots token by token, as products of a few tokens
     * always do: a draft tree's verification of more than {@link Gemm#SMALL_T} nodes then gives each node exactly
     * decode's values (Token Recycling's guarantee), at the cost of the prompt path's panel product.
     */
    void decodeDots(boolean on) {
        decodeDots = on;
    }

    /** out (T, w.rows) = x (T, w.cols) W^T. */
    void product(WeightTensor w, float[] x, int T, float[] out) {
        products(w, out, null, null, null, null, x, T);
    }

    /** oa = x A^T, ob = x B^T, oc = x C^T (b, c may be null) in one dispatch; the three share x's width. */
    void products(
            WeightTensor a,
            float[] oa,
            @Nullable WeightTensor b,
            float @Nullable [] ob,
            @Nullable WeightTensor c,
            float @Nullable [] oc,
            float[] x,
            int T) {
        if (T == 1) {
            decode.set(false, x, a, oa, b, ob, c, oc);
            dispatch(decode, 1);
        } else {
            prompt.set(T, x, a, oa, b, ob, c, oc);
            dispatch(prompt, T);
        }
    }

    /**
     * SwiGLU of T tokens: h (T, rows) = silu(x gate^T) * (x up^T), h2 (T, rows) is scratch. Decode (T = 1) runs it in
     * one dispatch, each worker on its rows of both matrices.
     */
    void swiGlu(WeightTensor gate, WeightTensor up, float[] x, int T, float[] h, float[] h2) {
        if (T > 1) {
            products(gate, h, up, h2, null, null, x, T);
            int n = T * gate.rows();
            for (int i = 0; i < n; i++) h[i] = swiGlu(h[i], h2[i]);
            return;
        }
        decode.set(true, x, gate, h, up, h2, null, null);
        if (up.rows() != gate.rows())
            throw new IllegalArgumentException("gate has " + gate.rows() + " rows, up " + up.rows());
        decode.rows = gate.rows();
        dispatch(decode, 1);
    }

    /** silu(g) * u: one output of SwiGLU, the same expression for every token count. */
    static float swiGlu(float g, float u) {
        return g / (1f + (float) Math.exp(-g)) * u;
    }

    private void dispatch(Fused task, int T) {
        long work = (long) task.rows * task.cols * T;
        int minRows = work < SPLIT_WORK ? Integer.MAX_VALUE : 2;
        try {
            if (task == prompt && prompt.integer) {
                int K = task.cols;
                long need = Q4Gemm.packedLength(T, K), scales = Q4Gemm.scalesLength(T, K);
                if (pairPacked.length < need) pairPacked = new int[Math.toIntExact(need)];
                if (pairPackedScales.length < scales) pairPackedScales = new float[Math.toIntExact(scales)];
                if (pairPanels.length == 0) allocatePairPanels();
                pairPack.set(task.x, T, K);
                pool.run(Q4Gemm.groups(T), minRows, pairPack);
            } else if (task == prompt && !prompt.dots) {
                int K = task.cols;
                long need = Gemm.packedLength(T, K);
                if (packed.length < need) packed = new float[Math.toIntExact(need)];
                pack.set(task.x, T, K, packed);
                pool.run(Gemm.groups(T), minRows, pack);
            }
            pool.run(task.rows, minRows, T == 1 ? DECODE_GRAIN : PANEL_ROWS, task);
        } finally {
            task.clear();
            pack.clear();
            pairPack.clear();
        }
    }

    private void allocatePairPanels() {
        int threads = pool.threads();
        pairScales = new float[threads][PANEL_ROWS * (widest / 32)];
        pairAccs = new float[threads][Q4Gemm.scratchLength()];
        pairPanels = new int[threads][Math.multiplyExact(PANEL_ROWS, widest / 2)]; // last: it marks the buffers made
    }

    /** Quantises and packs token groups [from, to) of the activations for the integer product. */
    private final class PairPack implements RowParallel.RowTask {
        private float[] x;
        private int T, K;

        void set(float[] x, int T, int K) {
            this.x = x;
            this.T = T;
            this.K = K;
        }

        void clear() {
            x = null;
        }

        @Override
        public void run(int worker, int from, int to) {
            Q4Gemm.pack(x, 0, T, K, from * Q4Gemm.GROUP, Math.min(T, to * Q4Gemm.GROUP), pairPacked, pairPackedScales);
        }
    }

    /** Packs token groups [from, to) of the activations. */
    private static final class Pack implements RowParallel.RowTask {
        private float[] x, packed;
        private int T, K;

        void set(float[] x, int T, int K, float[] packed) {
            this.x = x;
            this.T = T;
            this.K = K;
            this.packed = packed;
        }

        void clear() {
            x = null;
            packed = null;
        }

        @Override
        public void run(int worker, int from, int to) {
            Gemm.pack(x, 0, T, K, from * Gemm.GROUP, Math.min(T, to * Gemm.GROUP), packed);
        }
    }

    /** Up to three matrices read as one row range [0, rows): the concatenation of their rows. */
    private abstract class Fused implements RowParallel.RowTask {
        final WeightTensor[] w = new WeightTensor[3];
        final float[][] out = new float[3][];
        final int[] end = new int[3]; // cumulative row counts
        int n, rows, cols;
        float[] x;

        void set(float[] x, WeightTensor a, float[] oa, WeightTensor b, float[] ob, WeightTensor c, float[] oc) {
            this.x = x;
            n = 0;
            rows = 0;
            cols = a.cols();
            add(a, oa);
            if (b != null) add(b, ob);
            if (c != null) add(c, oc);
        }

        private void add(WeightTensor t, float[] o) {
            if (t.cols() != cols)
                throw new IllegalArgumentException("fused products need one width: " + t.cols() + " vs " + cols);
            w[n] = t;
            out[n] = o;
            rows += t.rows();
            end[n] = rows;
            n++;
        }

        void clear() {
            for (int i = 0; i < 3; i++) {
                w[i] = null;
                out[i] = null;
            }
            x = null;
        }
    }

    /**
     * T = 1: one dot per row (SwiGLU: the chunk's rows of gate, then of up, then the gating). A worker prepares x
     * for a format on its first chunk of the dispatch that needs it and reuses it for its later chunks.
     */
    private final class DecodeTask extends Fused {
        boolean swiGlu;
        /** Per worker: the matrix whose preparation of x its scratch holds in this dispatch, or null. */
        private final WeightTensor[] preparedFor = new WeightTensor[pool.threads()];

        @Override
        public void start(int worker) {
            preparedFor[worker] = null;
        }

        /** Rows [lo, hi) of matrix m, preparing x first unless this worker holds it prepared for m's format. */
        private void dotRows(int worker, int m, int lo, int hi, float[] o) {
            WeightTensor wt = w[m];
            WeightTensor last = preparedFor[worker];
            boolean ready = last != null && last.type() == wt.type();
            wt.dotRows(lo, hi, x, 0, o, 0, prepared(worker, wt), ready);
            preparedFor[worker] = wt;
        }

        void set(
                boolean swiGlu,
                float[] x,
                WeightTensor a,
                float[] oa,
                WeightTensor b,
                float[] ob,
                WeightTensor c,
                float[] oc) {
            this.swiGlu = swiGlu;
            set(x, a, oa, b, ob, c, oc);
        }

        @Override
        public void run(int worker, int from, int to) {
            if (swiGlu) {
                float[] h = out[0], u = out[1];
                dotRows(worker, 0, from, to, h);
                dotRows(worker, 1, from, to, u);
                for (int r = from; r < to; r++) h[r] = swiGlu(h[r], u[r]);
                return;
            }
            int start = 0;
            for (int m = 0; m < n; m++) {
                int lo = Math.max(from, start), hi = Math.min(to, end[m]);
                if (lo < hi) dotRows(worker, m, lo - start, hi - start, out[m]);
                start = end[m];
            }
        }
    }

    /**
     * T > 1: a few tokens (T &lt;= {@link Gemm#SMALL_T}) take decode's dots token by token
     * ({@link WeightTensor#dotRowsTokens}), x prepared per worker as decode prepares it; more tokens are multiplied
     * with the packed activations, rows decoded once each.
     */
    private final class PromptTask extends Fused {
        int T;
        boolean dots; // decode's dots token by token (few tokens, or any count while decodeDots)
        boolean integer; // every matrix Q4_0 and the integer product preferred here
        /** Per worker: the matrix whose preparation of the T tokens its scratch holds in this dispatch, or null. */
        private final WeightTensor[] preparedFor = new WeightTensor[pool.threads()];

        @Override
        public void start(int worker) {
            preparedFor[worker] = null;
        }

        void set(int T, float[] x, WeightTensor a, float[] oa, WeightTensor b, float[] ob, WeightTensor c, float[] oc) {
            this.T = T;
            set(x, a, oa, b, ob, c, oc);
            dots = T <= Gemm.SMALL_T || decodeDots;
            integer = !dots && Q4Gemm.PREFERRED;
            for (int m = 0; m < n; m++) integer &= w[m].type() == GgmlType.Q4_0;
        }

        @Override
        public void run(int worker, int from, int to) {
            int start = 0;
            for (int m = 0; m < n; m++) {
                int lo = Math.max(from, start), hi = Math.min(to, end[m]);
                if (lo < hi) rows(worker, w[m], out[m], lo - start, hi - start);
                start = end[m];
            }
        }

        /** Rows [lo, hi) of one matrix. */
        private void rows(int worker, WeightTensor wt, float[] o, int lo, int hi) {
            int R = wt.rows();
            float[] heap = wt.heapFloats();
            if (dots) { // decode's dot per token, each row read once for all of them
                WeightTensor last = preparedFor[worker];
                boolean ready = last != null && last.type() == wt.type();
                wt.dotRowsTokens(lo, hi, x, T, o, 0, R, preparedTokens(worker, wt, T), ready);
                preparedFor[worker] = wt;
                return;
            }
            if (integer) {
                pairRows(worker, wt, o, lo, hi);
                return;
            }
            float[] acc = accs[worker];
            for (int r0 = lo; r0 < hi; r0 += PANEL_ROWS) {
                int m = Math.min(PANEL_ROWS, hi - r0);
                if (heap != null) { // F32 on the heap: the rows are read in place
                    Gemm.multiply(heap, r0 * cols, m, cols, packed, T, o, r0, R, acc);
                    continue;
                }
                float[] panel = panels[worker];
                for (int i = 0; i < m; i++) wt.copyRow(r0 + i, panel, i * cols);
                Gemm.multiply(panel, m, cols, packed, T, o, r0, R, acc);
            }
        }

        /** Rows [lo, hi) of a Q4_0 matrix by the integer product. */
        private void pairRows(int worker, WeightTensor wt, float[] o, int lo, int hi) {
            int[] panel = pairPanels[worker];
            float[] scales = pairScales[worker];
            int half = cols / 2, blocks = cols / 32;
            for (int r0 = lo; r0 < hi; r0 += PANEL_ROWS) {
                int m = Math.min(PANEL_ROWS, hi - r0);
                for (int i = 0; i < m; i++) wt.copyRowQ4_0Pairs(r0 + i, panel, i * half, scales, i * blocks);
                Q4Gemm.multiply(
                        panel, scales, m, cols, pairPacked, pairPackedScales, T, o, r0, wt.rows(), pairAccs[worker]);
            }
        }
    }

    /**
     * This worker's scratch for T tokens of wt's prepared activation: at least {@link Gemm#SMALL_T} tokens, grown
     * to the widest format and the largest T seen (a draft tree's node count), so a call allocates nothing.
     */
    private float[][] preparedTokens(int worker, WeightTensor wt, int T) {
        int need = wt.scratchLength();
        float[][] s = preparedTokens[worker];
        if (s.length < T || s[0].length < need) {
            s = new float[Math.max(T, s.length)][Math.max(need, s[0].length)];
            preparedTokens[worker] = s;
        }
        return s;
    }

    /** This worker's scratch for wt's prepared activation (grown once, on the first product that needs it). */
    private float[] prepared(int worker, WeightTensor wt) {
        int need = wt.scratchLength();
        if (prepared[worker].length < need) prepared[worker] = new float[need];
        return prepared[worker];
    }
}
