package dev.squeeze.llm.runtime;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvCache;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.Phase;
import dev.squeeze.kv.api.PromptPass;
import dev.squeeze.llm.model.LayerWeights;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.model.LlamaWeights;
import dev.squeeze.llm.model.Rope;
import dev.squeeze.llm.quant.WeightTensor;

import java.util.List;

/**
 * One sequence being decoded: the forward pass of a Llama-family model over an open {@link KvCache}.
 *
 * <ul>
 *   <li>{@link #step(int)}: one token at the next position; the session's buffers are allocated once, here,
 *       and dense stores grow by doubling up to the cache capacity, so once a sequence's stores have grown the
 *       decode loop allocates nothing (an evicting press compacts a dense store in place).</li>
 *   <li>{@link #prefill(int[], boolean)}: a chunk of tokens layer by layer (each layer sees the whole chunk
 *       with causal attention, then the hooks run on that layer: "prefill then compress"); once every layer
 *       ran, the hooks' {@link KvHook#afterPrompt} may run more tokens through the model and edit the cache
 *       (KVzip's reconstruction pass).</li>
 * </ul>
 * Forward: x = embed(token); per layer x += Wo·attn(RoPE(Wq·n(x)), RoPE(Wk·n(x)), Wv·n(x)) and
 * x += W2·(silu(W1·n(x)) * W3·n(x)) with n = RMSNorm; logits = Wcls·n(x).
 */
public final class Session {
    private static final Kernels K = KernelProvider.kernels();
    private static final long SPLIT_WORK = 1L << 15; // multiply-adds below which a product runs on one thread

    private final LlamaModel model;
    private final LlamaConfig c;
    private final LlamaWeights w;
    private final Rope rope;
    private final RowParallel pool;
    private final KvCache cache;
    private final List<KvHook> hooks;
    private final List<StepObserver> observers;
    private final int capacity;
    private final String capacityLabel;  // "seq_len N" or "cache capacity N", for budget messages
    private final long fixedBytes;       // this session's metadata-sized buffers (HeapBudget)
    private final float attScale;

    // decode state, (width) each
    private final float[] x, xb, xb2, q, k, v, attOut, hb, hb2, logits;
    private final float[] att;            // (n_heads, capacity)
    private final int[] stepVisible;      // (n_kv_heads) slots attended at this step
    private final MatVecTask mv;   // T = 1 (decode): kept apart so its compiled code is not shaped by prefill's
    private final MatMulTask mm;   // T > 1 (prefill)
    private final DecodeView decodeView = new DecodeView();

    private int pos;
    private long peakKvBytes;
    private long lastKvBytes;

    public Session(LlamaModel model, SessionOptions options) {
        this.model = model;
        this.c = model.config();
        this.w = model.weights();
        this.rope = model.rope();
        this.pool = model.rowPool();
        this.capacity = options.cacheCapacity() == 0 ? c.seqLen() : options.cacheCapacity();
        this.capacityLabel = (options.cacheCapacity() == 0 ? "seq_len " : "cache capacity ") + capacity;
        int widest = Math.max(Math.max(c.dim(), c.hiddenDim()), c.qDim());
        this.fixedBytes = HeapBudget.of("a session of " + model.source())
                .add("attention scores (n_heads " + c.nHeads() + " x " + capacityLabel + " x 4 B)", c.nHeads(), capacity, 4)
                .add("row scratch (" + pool.threads() + " threads x 16 rows x width " + widest + " x 4 B)", pool.threads(), 16, widest, 4)
                .add("decode activations ((3 x dim " + c.dim() + " + 2 x q_dim " + c.qDim() + " + 2 x kv_dim " + c.kvDim() + " + 2 x hidden_dim "
                        + c.hiddenDim() + " + vocab " + c.vocabSize() + ") x 4 B)", 3L * c.dim() + 2L * c.qDim() + 2L * c.kvDim()
                        + 2L * c.hiddenDim() + c.vocabSize(), 4)
                .add("first KV allocation (n_layers " + c.nLayers() + " x n_kv_heads " + c.nKvHeads() + " x min(" + capacityLabel
                        + ", 256) x head_dim " + c.headDim() + " x 2 x 4 B)", c.nLayers(), c.nKvHeads(), Math.min(capacity, 256), c.headDim(), 2, 4)
                .require();
        this.cache = new KvCache(c.nLayers(), c.nKvHeads(), c.headDim(), capacity, options.storeFactory());
        this.hooks = options.hooks();
        this.observers = options.observers();
        this.attScale = (float) (1.0 / Math.sqrt(c.headDim()));
        x = new float[c.dim()];
        xb = new float[c.dim()];
        xb2 = new float[c.dim()];
        q = new float[c.qDim()];
        k = new float[c.kvDim()];
        v = new float[c.kvDim()];
        attOut = new float[c.qDim()];
        hb = new float[c.hiddenDim()];
        hb2 = new float[c.hiddenDim()];
        logits = new float[c.vocabSize()];
        att = new float[Math.multiplyExact(c.nHeads(), capacity)];
        stepVisible = new int[c.nKvHeads()];
        mv = new MatVecTask();
        mm = new MatMulTask(pool.threads(), widest);
    }

    public LlamaModel model() { return model; }

    public KvCache cache() { return cache; }

    /** Position the next token takes. */
    public int position() { return pos; }

    /**
     * Sets the position the next token takes (e.g. after a press re-rotated the cache to compact positions).
     * Must stay within [0, seq_len).
     */
    public void setPosition(int p) {
        if (p < 0 || p >= c.seqLen()) throw new IllegalArgumentException("position " + p + " is outside [0, " + c.seqLen() + ")");
        this.pos = p;
    }

    /** Largest bytes the cache held at the end of any step or prefill of this sequence (after presses ran). */
    public long peakKvBytes() { return peakKvBytes; }

    /** Bytes the cache held at the end of the last step. */
    public long kvBytes() { return lastKvBytes; }

    /** Entries each store can hold. */
    public int cacheCapacity() { return capacity; }

    /** Starts a new sequence: empties the cache, position 0, resets hooks and the peak. */
    public void reset() {
        cache.clear();
        pos = 0;
        peakKvBytes = 0;
        lastKvBytes = 0;
        for (KvHook h : hooks) h.reset();
    }

    // ------------------------------------------------------------------ decode

    /**
     * Runs one token at the next position and returns the logits (vocab) in a buffer reused by the next call.
     */
    public float[] step(int token) {
        checkToken(token);
        checkPositions(1);
        if (pos >= 256 && (pos & (pos - 1)) == 0) checkKvGrowth(); // dense stores double at powers of two
        w.tokenEmbedding().copyRow(token, x, 0);
        int hd = c.headDim(), group = c.groupSize();
        for (int l = 0; l < c.nLayers(); l++) {
            LayerWeights L = w.layers().get(l);
            rmsnorm(xb, 0, x, 0, L.attnNorm());
            matvec(L.wq(), xb, 0, q, 0, 1);
            matvec(L.wk(), xb, 0, k, 0, 1);
            matvec(L.wv(), xb, 0, v, 0, 1);
            addBias(q, 0, L.bq());
            addBias(k, 0, L.bk());
            addBias(v, 0, L.bv());
            rope.rotate(q, 0, c.nHeads(), pos);
            rope.rotate(k, 0, c.nKvHeads(), pos);
            for (int kh = 0; kh < c.nKvHeads(); kh++) {
                HeadKvStore st = cache.store(l, kh);
                requireRoom(st, l, kh, 1);
                st.append(k, kh * hd, v, kh * hd, pos);
                stepVisible[kh] = st.length();
            }
            for (int h = 0; h < c.nHeads(); h++) {
                int kh = h / group;
                attend(cache.store(l, kh), q, h * hd, stepVisible[kh], att, h * capacity, attOut, h * hd);
            }
            if (!hooks.isEmpty()) {
                decodeView.layer = l;
                for (int i = 0; i < hooks.size(); i++) hooks.get(i).afterDecodeStep(decodeView);
            }
            matvec(L.wo(), attOut, 0, xb2, 0, 1);
            K.axpy(1f, xb2, 0, x, 0, c.dim());
            ffn(L, x, 0, xb, 0, hb, 0, hb2, 0, xb2, 0, 1);
        }
        rmsnorm(xb, 0, x, 0, w.finalNorm());
        matvec(w.classifier(), xb, 0, logits, 0, 1);
        pos++;
        finishStep(1);
        return logits;
    }

    // ------------------------------------------------------------------ prefill

    /**
     * Runs a chunk of tokens from the next position, layer by layer; after each layer's attention the hooks'
     * {@link KvHook#afterPrefillLayer} runs; then each hook's {@link KvHook#afterPrompt}, once. Returns the
     * logits of every token (T, vocab) when {@code allLogits}, else of the last one (1, vocab); they are computed
     * before afterPrompt, so a press that compresses there changes only what later tokens see.
     */
    public FloatMatrix prefill(int[] tokens, boolean allLogits) {
        if (tokens == null || tokens.length == 0) throw new IllegalArgumentException("prefill needs at least one token");
        int start = pos;
        FloatMatrix out = forward(tokens, allLogits ? Logits.ALL : Logits.LAST, hooks);
        if (!hooks.isEmpty()) {
            Pass pass = new Pass(tokens, start);
            for (KvHook h : hooks) h.afterPrompt(pass);
        }
        finishStep(tokens.length);
        return out;
    }

    /** Which rows of logits a forward pass computes. */
    private enum Logits { ALL, LAST, NONE }

    /**
     * Runs tokens from the next position through every layer, calling {@code layerHooks} after each layer's
     * attention; returns the requested logits (null for NONE) and advances the position.
     */
    private FloatMatrix forward(int[] tokens, Logits logitsMode, List<KvHook> layerHooks) {
        for (int t : tokens) checkToken(t);
        int T = tokens.length;
        checkPositions(T);
        checkForwardBudget(T, logitsMode);
        int dim = c.dim(), qd = c.qDim(), kvd = c.kvDim(), hid = c.hiddenDim(), hd = c.headDim();
        float[] X = new float[T * dim], XB = new float[T * dim], D = new float[T * dim];
        float[] Q = new float[T * qd], KB = new float[T * kvd], VB = new float[T * kvd], AO = new float[T * qd];
        float[] HB = new float[T * hid], HB2 = new float[T * hid];
        for (int t = 0; t < T; t++) w.tokenEmbedding().copyRow(tokens[t], X, t * dim);
        int pos0 = pos;
        int[] before = new int[c.nKvHeads()];
        PrefillView view = new PrefillView(Q, T, pos0, before);
        float[][] scratch = new float[pool.threads()][capacity];
        for (int l = 0; l < c.nLayers(); l++) {
            LayerWeights L = w.layers().get(l);
            for (int t = 0; t < T; t++) rmsnorm(XB, t * dim, X, t * dim, L.attnNorm());
            matvec(L.wq(), XB, 0, Q, 0, T);
            matvec(L.wk(), XB, 0, KB, 0, T);
            matvec(L.wv(), XB, 0, VB, 0, T);
            for (int t = 0; t < T; t++) {
                addBias(Q, t * qd, L.bq());
                addBias(KB, t * kvd, L.bk());
                addBias(VB, t * kvd, L.bv());
                rope.rotate(Q, t * qd, c.nHeads(), pos0 + t);
                rope.rotate(KB, t * kvd, c.nKvHeads(), pos0 + t);
            }
            for (int kh = 0; kh < c.nKvHeads(); kh++) {
                HeadKvStore st = cache.store(l, kh);
                requireRoom(st, l, kh, T);
                before[kh] = st.length();
                for (int t = 0; t < T; t++) st.append(KB, t * kvd + kh * hd, VB, t * kvd + kh * hd, pos0 + t);
            }
            final int layer = l;
            // one KV head per task: a store is only ever read by one thread at a time
            pool.run(c.nKvHeads(), 2, (worker, from, to) -> {
                float[] s = scratch[worker];
                for (int kh = from; kh < to; kh++) {
                    HeadKvStore st = cache.store(layer, kh);
                    for (int h = kh * c.groupSize(); h < (kh + 1) * c.groupSize(); h++) {
                        for (int t = 0; t < T; t++) {
                            attend(st, Q, t * qd + h * hd, before[kh] + t + 1, s, 0, AO, t * qd + h * hd);
                        }
                    }
                }
            });
            if (!layerHooks.isEmpty()) {
                view.layer = l;
                for (KvHook hook : layerHooks) hook.afterPrefillLayer(view);
            }
            matvec(L.wo(), AO, 0, D, 0, T);
            K.axpy(1f, D, 0, X, 0, T * dim);
            ffn(L, X, 0, XB, 0, HB, 0, HB2, 0, D, 0, T);
        }
        pos += T;
        if (logitsMode == Logits.NONE) return null;
        int first = logitsMode == Logits.ALL ? 0 : T - 1;
        int rowsOut = T - first;
        float[] normed = new float[rowsOut * dim];
        for (int t = first; t < T; t++) rmsnorm(normed, (t - first) * dim, X, t * dim, w.finalNorm());
        float[] out = new float[Math.multiplyExact(rowsOut, c.vocabSize())];
        matvec(w.classifier(), normed, 0, out, 0, rowsOut);
        return new FloatMatrix(rowsOut, c.vocabSize(), out);
    }

    /** The {@link PromptPass} of one prefill: more tokens through the model, observed by one hook only. */
    private final class Pass implements PromptPass {
        private final int[] prompt;
        private final int start;

        Pass(int[] prompt, int start) {
            this.prompt = prompt;
            this.start = start;
        }

        @Override public LlamaModel model() { return model; }
        @Override public KvCache cache() { return cache; }
        @Override public int[] prompt() { return prompt.clone(); }
        @Override public int promptStart() { return start; }
        @Override public int position() { return pos; }
        @Override public void setPosition(int p) { Session.this.setPosition(p); }

        @Override
        public void run(int[] tokens, KvHook observer) {
            if (tokens == null || tokens.length == 0) throw new IllegalArgumentException("a prompt pass needs at least one token");
            if (observer == null) throw new IllegalArgumentException("a prompt pass needs an observer hook");
            forward(tokens, Logits.NONE, List.of(observer));
            peakKvBytes = Math.max(peakKvBytes, cache.bytes());
        }
    }

    // ------------------------------------------------------------------ pieces

    /** out[o..+hd) = softmax(q·K^T / sqrt(hd)) V over the first n slots; scores use att[aOff..+n). */
    private void attend(HeadKvStore st, float[] qv, int qOff, int n, float[] a, int aOff, float[] out, int oOff) {
        st.scores(qv, qOff, n, a, aOff);
        K.scale(a, aOff, n, attScale);
        K.softmaxInPlace(a, aOff, n);
        st.weightedValues(a, aOff, n, out, oOff);
    }

    /** SwiGLU block on T rows: x += W2 (silu(W1 n(x)) * W3 n(x)). */
    private void ffn(LayerWeights L, float[] X, int xo, float[] XB, int xbo, float[] H, int ho, float[] H2, int h2o,
                     float[] D, int dOff, int T) {
        int dim = c.dim(), hid = c.hiddenDim();
        for (int t = 0; t < T; t++) rmsnorm(XB, xbo + t * dim, X, xo + t * dim, L.ffnNorm());
        matvec(L.w1(), XB, xbo, H, ho, T);
        matvec(L.w3(), XB, xbo, H2, h2o, T);
        for (int i = 0; i < T * hid; i++) {
            float g = H[ho + i];
            H[ho + i] = g / (1f + (float) Math.exp(-g)) * H2[h2o + i];
        }
        matvec(L.w2(), H, ho, D, dOff, T);
        K.axpy(1f, D, dOff, X, xo, T * dim);
    }

    private void rmsnorm(float[] out, int oOff, float[] in, int iOff, float[] weight) {
        int n = weight.length;
        float ss = K.sumOfSquares(in, iOff, n) / n + c.rmsEps();
        float inv = (float) (1.0 / Math.sqrt(ss));
        for (int i = 0; i < n; i++) out[oOff + i] = weight[i] * (inv * in[iOff + i]);
    }

    private static void addBias(float[] a, int off, float[] bias) {
        if (bias != null) K.axpy(1f, bias, 0, a, off, bias.length);
    }

    /** out (T, rows) = in (T, cols) · W^T, split over rows of W. */
    private void matvec(WeightTensor wt, float[] in, int inOff, float[] out, int outOff, int T) {
        long work = (long) wt.rows() * wt.cols() * T;
        int minRows = work < SPLIT_WORK ? Integer.MAX_VALUE : 2;
        if (T == 1) {
            mv.set(wt, in, inOff, out, outOff);
            pool.run(wt.rows(), minRows, mv);
            mv.clear();
        } else {
            mm.set(wt, in, inOff, out, outOff, T);
            pool.run(wt.rows(), minRows, mm);
            mm.clear();
        }
    }

    /** out (rows) = W in over a row range: one dot per row on the stored format. */
    private static final class MatVecTask implements RowParallel.RowTask {
        private WeightTensor w;
        private float[] in, out;
        private int inOff, outOff;

        void set(WeightTensor w, float[] in, int inOff, float[] out, int outOff) {
            this.w = w; this.in = in; this.inOff = inOff; this.out = out; this.outOff = outOff;
        }

        void clear() { w = null; in = null; out = null; }

        @Override
        public void run(int worker, int from, int to) {
            for (int r = from; r < to; r++) out[outOff + r] = w.dotRow(r, in, inOff);
        }
    }

    /**
     * out (T, rows) = in (T, cols) W^T over a row range, T > 1 (prefill): blocks of {@link #TILE} rows are decoded once into a per-worker scratch and multiplied with
     * all T activations by the core {@code dotBlock} (register-tiled 4 x 4), so prompt processing is bound by
     * FMAs rather than by decoding or loads.
     */
    private static final class MatMulTask implements RowParallel.RowTask {
        static final int TILE = 16;
        private final float[][] rowsScratch; // (threads, TILE * widest)
        private final float[][] tileOut;     // (threads, TILE * T), sized per prefill
        private WeightTensor w;
        private float[] in, out;
        private int inOff, outOff, T;

        MatMulTask(int threads, int widest) {
            rowsScratch = new float[threads][TILE * widest];
            tileOut = new float[threads][0];
        }

        void set(WeightTensor w, float[] in, int inOff, float[] out, int outOff, int T) {
            this.w = w; this.in = in; this.inOff = inOff; this.out = out; this.outOff = outOff; this.T = T;
            if (T > 1 && tileOut[0].length < TILE * T) {
                for (int i = 0; i < tileOut.length; i++) tileOut[i] = new float[TILE * T];
            }
        }

        void clear() { w = null; in = null; out = null; }

        @Override
        public void run(int worker, int from, int to) {
            int rows = w.rows(), cols = w.cols();
            if (inOff != 0 || in.length != T * cols) {
                float[] s = rowsScratch[worker];
                for (int r = from; r < to; r++) w.dotRowBatch(r, in, inOff, T, out, outOff + r, rows, s);
                return;
            }
            float[] a = rowsScratch[worker];
            float[] c = tileOut[worker];
            for (int r0 = from; r0 < to; r0 += TILE) {
                int n = Math.min(TILE, to - r0);
                for (int i = 0; i < n; i++) w.copyRow(r0 + i, a, i * cols);
                K.dotBlock(a, in, c, n, T, cols); // c (n, T)
                for (int i = 0; i < n; i++) {
                    for (int t = 0; t < T; t++) out[outOff + t * rows + r0 + i] = c[i * T + t];
                }
            }
        }
    }

    private void checkToken(int token) {
        if (token < 0 || token >= c.vocabSize()) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + c.vocabSize() + ")");
        }
    }

    private void checkPositions(int n) {
        if ((long) pos + n > c.seqLen()) {
            throw new IllegalArgumentException("context limit: " + n + " more token(s) at position " + pos
                    + " would pass the model's context length seq_len = " + c.seqLen() + " (" + model.source() + ")");
        }
    }

    /**
     * Before a forward pass of T tokens allocates: its activations, scratch and logits, and the KV cache it grows
     * (dense stores double: up to 2 x (longest store + T) rows, within the capacity), on top of this session's own.
     */
    private void checkForwardBudget(int T, Logits logitsMode) {
        int rows = logitsMode == Logits.ALL ? T : logitsMode == Logits.LAST ? 1 : 0;
        long kvRows = Math.min(capacity, 2L * ((long) longestStore() + T));
        HeapBudget.of("a prefill of " + T + " tokens in " + model.source())
                .add("the session's own buffers", fixedBytes)
                .add("activations (" + T + " tokens x (3 x dim " + c.dim() + " + 2 x q_dim " + c.qDim() + " + 2 x kv_dim " + c.kvDim()
                        + " + 2 x hidden_dim " + c.hiddenDim() + ") x 4 B)", T, 3L * c.dim() + 2L * c.qDim() + 2L * c.kvDim() + 2L * c.hiddenDim(), 4)
                .add("attention scratch (" + pool.threads() + " threads x " + capacityLabel + " x 4 B)", pool.threads(), capacity, 4)
                .add("tile scratch (" + pool.threads() + " threads x 16 x " + T + " tokens x 4 B)", pool.threads(), 16, T, 4)
                .add("logits (" + rows + " rows x vocab " + c.vocabSize() + " x 4 B, plus their normed inputs)", rows, c.vocabSize() + (long) c.dim(), 4)
                .add("KV cache after it (n_layers " + c.nLayers() + " x n_kv_heads " + c.nKvHeads() + " x up to " + kvRows
                        + " entries x head_dim " + c.headDim() + " x 2 x 4 B)", c.nLayers(), c.nKvHeads(), kvRows, c.headDim(), 2, 4)
                .require();
    }

    /** At decode, before dense stores double again: numeric first, so the steady-state loop allocates nothing. */
    private void checkKvGrowth() {
        long kvRows = Math.min(capacity, 2L * (pos + 1));
        long kv = HeapBudget.product(c.nLayers(), c.nKvHeads(), kvRows, c.headDim(), 2, 4);
        if (fixedBytes + kv <= HeapBudget.limit()) return;
        HeapBudget.of("decoding position " + pos + " in " + model.source()).add("the session's own buffers", fixedBytes)
                .add("KV cache (n_layers " + c.nLayers() + " x n_kv_heads " + c.nKvHeads() + " x up to " + kvRows + " entries x head_dim "
                        + c.headDim() + " x 2 x 4 B)", kv).require();
    }

    private int longestStore() {
        int n = 0;
        for (int l = 0; l < c.nLayers(); l++) for (int h = 0; h < c.nKvHeads(); h++) n = Math.max(n, cache.store(l, h).length());
        return n;
    }

    private void requireRoom(HeadKvStore st, int l, int kh, int n) {
        if (st.length() + n > st.capacity()) {
            throw new IllegalArgumentException("KV cache full at layer " + l + ", head " + kh + ": " + st.length() + " + " + n
                    + " entries exceed its capacity " + st.capacity());
        }
    }

    private void finishStep(int tokens) {
        lastKvBytes = cache.bytes();
        peakKvBytes = Math.max(peakKvBytes, lastKvBytes);
        for (int i = 0; i < observers.size(); i++) observers.get(i).afterStep(this, pos, tokens);
    }

    // ------------------------------------------------------------------ views for hooks

    private abstract class BaseView implements LayerView {
        int layer;

        @Override public int layer() { return layer; }
        @Override public ModelShape shape() { return model.shape(); }
        @Override public KvCache cache() { return cache; }
        @Override public Rope rope() { return rope; }

        @Override
        public FloatMatrix attention(int qHead, int fromQuery, int toQuery) {
            if (qHead < 0 || qHead >= c.nHeads()) throw new IllegalArgumentException("query head " + qHead + " is outside [0, " + c.nHeads() + ")");
            if (fromQuery < 0 || toQuery > queryCount() || fromQuery >= toQuery) {
                throw new IllegalArgumentException("query range [" + fromQuery + ", " + toQuery + ") is not inside [0, " + queryCount() + ")");
            }
            int kh = qHead / c.groupSize();
            HeadKvStore st = store(kh);
            int width = visibleCount(toQuery - 1, kh);
            if (width > st.length()) throw new IllegalStateException("the store of head " + kh + " changed; attention is no longer defined");
            FloatMatrix m = new FloatMatrix(toQuery - fromQuery, width);
            float[] qs = queries();
            for (int t = fromQuery; t < toQuery; t++) {
                int n = visibleCount(t, kh);
                int off = (t - fromQuery) * width;
                st.scores(qs, t * c.qDim() + qHead * c.headDim(), n, m.data(), off);
                K.scale(m.data(), off, n, attScale);
                K.softmaxInPlace(m.data(), off, n);
            }
            return m;
        }
    }

    private final class DecodeView extends BaseView {
        @Override public Phase phase() { return Phase.DECODE; }
        @Override public int queryCount() { return 1; }

        @Override
        public int queryPosition(int t) {
            if (t != 0) throw new IllegalArgumentException("decode has one query, asked for " + t);
            return pos;
        }

        @Override public float[] queries() { return q; }

        @Override
        public int visibleCount(int t, int kvHead) {
            if (t != 0) throw new IllegalArgumentException("decode has one query, asked for " + t);
            return stepVisible[kvHead];
        }

        @Override public float[] stepAttention() { return att; }

        @Override
        public int stepAttentionOffset(int qHead) {
            if (qHead < 0 || qHead >= c.nHeads()) throw new IllegalArgumentException("query head " + qHead + " is outside [0, " + c.nHeads() + ")");
            return qHead * capacity;
        }
    }

    private final class PrefillView extends BaseView {
        private final float[] queries;
        private final int count;
        private final int pos0;
        private final int[] before;

        PrefillView(float[] queries, int count, int pos0, int[] before) {
            this.queries = queries;
            this.count = count;
            this.pos0 = pos0;
            this.before = before;
        }

        @Override public Phase phase() { return Phase.PREFILL; }
        @Override public int queryCount() { return count; }

        @Override
        public int queryPosition(int t) {
            if (t < 0 || t >= count) throw new IllegalArgumentException("query " + t + " is outside [0, " + count + ")");
            return pos0 + t;
        }

        @Override public float[] queries() { return queries; }

        @Override
        public int visibleCount(int t, int kvHead) {
            if (t < 0 || t >= count) throw new IllegalArgumentException("query " + t + " is outside [0, " + count + ")");
            return before[kvHead] + t + 1;
        }

        @Override
        public float[] stepAttention() {
            throw new IllegalStateException("step attention exists only at decode; use attention(...) at prefill");
        }

        @Override
        public int stepAttentionOffset(int qHead) { return stepAttention().length; }
    }
}
