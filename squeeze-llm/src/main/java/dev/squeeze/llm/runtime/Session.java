package dev.squeeze.llm.runtime;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.DenseKvStore;
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
import java.util.List;
import org.jspecify.annotations.Nullable;

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

    private final LlamaModel model;
    private final LlamaConfig c;
    private final LlamaWeights w;
    private final Rope rope;
    private final RowParallel pool;
    private final KvCache cache;
    private final List<KvHook> hooks;
    private final List<StepObserver> observers;
    private final int capacity;
    private final String capacityLabel; // "seq_len N" or "cache capacity N", for budget messages
    private final long fixedBytes; // this session's metadata-sized buffers (HeapBudget)
    private final float attScale;

    // decode state, (width) each
    private final float[] x, xb, xb2, q, k, v, attOut, hb, hb2, logits;
    private final float[] att; // (n_heads, capacity)
    private final int[] stepVisible; // (n_kv_heads) slots attended at this step
    private final Projections proj;
    private final PromptBuffers pb = new PromptBuffers();
    private final float[][] attScratch; // (threads, capacity) prompt attention scores
    private final PromptAttention[] promptAttention; // per worker
    private @Nullable Tree tree; // the last draft tree (verifyTree / acceptTree)
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
                .add(
                        "attention scores (n_heads " + c.nHeads() + " x " + capacityLabel + " x 4 B)",
                        c.nHeads(),
                        capacity,
                        4)
                .add(
                        "weight panels (" + pool.threads() + " threads x " + Projections.PANEL_ROWS + " rows x width "
                                + widest + " x 4 B)",
                        pool.threads(),
                        Projections.PANEL_ROWS,
                        widest,
                        4)
                .add(
                        "Q4_0 integer weight panels (" + pool.threads() + " threads x " + Projections.PANEL_ROWS
                                + " rows x width " + widest + " x (2 B + 4 B / 32))",
                        pool.threads(),
                        Projections.PANEL_ROWS,
                        widest / 32,
                        2 * 32 + 4)
                .add(
                        "prompt attention scores (" + pool.threads() + " threads x " + capacityLabel + " x 4 B)",
                        pool.threads(),
                        capacity,
                        4)
                .add(
                        "decode activations ((3 x dim " + c.dim() + " + 2 x q_dim " + c.qDim() + " + 2 x kv_dim "
                                + c.kvDim() + " + 2 x hidden_dim " + c.hiddenDim() + " + vocab " + c.vocabSize()
                                + ") x 4 B)",
                        3L * c.dim() + 2L * c.qDim() + 2L * c.kvDim() + 2L * c.hiddenDim() + c.vocabSize(),
                        4)
                .add(
                        "first KV allocation (n_layers " + c.nLayers() + " x n_kv_heads " + c.nKvHeads() + " x min("
                                + capacityLabel + ", 256) x head_dim " + c.headDim() + " x 2 x 4 B)",
                        c.nLayers(),
                        c.nKvHeads(),
                        Math.min(capacity, 256),
                        c.headDim(),
                        2,
                        4)
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
        proj = new Projections(pool, widest);
        attScratch = new float[pool.threads()][capacity];
        promptAttention = new PromptAttention[pool.threads()];
        for (int i = 0; i < promptAttention.length; i++) promptAttention[i] = new PromptAttention();
    }

    public LlamaModel model() {
        return model;
    }

    public KvCache cache() {
        return cache;
    }

    /** Position the next token takes. */
    public int position() {
        return pos;
    }

    /**
     * Sets the position the next token takes (e.g. after a press re-rotated the cache to compact positions).
     * Must stay within [0, seq_len).
     */
    public void setPosition(int p) {
        if (p < 0 || p >= c.seqLen())
            throw new IllegalArgumentException("position " + p + " is outside [0, " + c.seqLen() + ")");
        this.pos = p;
    }

    /** Largest bytes the cache held at the end of any step or prefill of this sequence (after presses ran). */
    public long peakKvBytes() {
        return peakKvBytes;
    }

    /** Bytes the cache held at the end of the last step. */
    public long kvBytes() {
        return lastKvBytes;
    }

    /** Entries each store can hold. */
    public int cacheCapacity() {
        return capacity;
    }

    /** Starts a new sequence: empties the cache, position 0, resets hooks and the peak. */
    public void reset() {
        if (tree != null) tree.pendingStart = -1;
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
        checkNoPendingTree();
        checkToken(token);
        checkPositions(1);
        if (pos >= 256 && (pos & (pos - 1)) == 0) checkKvGrowth(); // dense stores double at powers of two
        w.tokenEmbedding().copyRow(token, x, 0);
        int hd = c.headDim(), group = c.groupSize();
        for (int l = 0; l < c.nLayers(); l++) {
            LayerWeights L = w.layers().get(l);
            rmsnorm(xb, 0, x, 0, L.attnNorm());
            proj.products(L.wq(), q, L.wk(), k, L.wv(), v, xb, 1);
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
            proj.product(L.wo(), attOut, 1, xb2);
            K.axpy(1f, xb2, 0, x, 0, c.dim());
            rmsnorm(xb, 0, x, 0, L.ffnNorm());
            proj.swiGlu(L.w1(), L.w3(), xb, 1, hb, hb2);
            proj.product(L.w2(), hb, 1, xb2);
            K.axpy(1f, xb2, 0, x, 0, c.dim());
        }
        rmsnorm(xb, 0, x, 0, w.finalNorm());
        proj.product(w.classifier(), xb, 1, logits);
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
        if (tokens == null || tokens.length == 0)
            throw new IllegalArgumentException("prefill needs at least one token");
        int start = pos;
        checkNoPendingTree();
        FloatMatrix out = forward(tokens, null, allLogits ? Logits.ALL : Logits.LAST, hooks);
        if (!hooks.isEmpty()) {
            Pass pass = new Pass(tokens, start);
            for (KvHook h : hooks) h.afterPrompt(pass);
        }
        finishStep(tokens.length);
        return out;
    }

    // ------------------------------------------------------------------ speculative verification

    /**
     * Runs a draft tree in one batched forward pass (speculative decoding's verification): {@code tokens[0]} is the
     * root, the next token of the sequence (not yet in the cache); node i &gt; 0 has parent {@code parents[i] < i}
     * (breadth-first order). Node i takes position {@code position() + depth(i)} and attends to the cache and to its
     * ancestors (tree attention). Returns the logits of every node, (nodes, vocab) row-major, in a buffer reused by
     * the next call. The tree's entries stay in the cache until {@link #acceptTree} keeps a path of it; nothing else
     * may run on the session in between. Not available with presses (they would see the draft entries).
     */
    public float[] verifyTree(int[] tokens, int[] parents) {
        checkNoPendingTree();
        if (!hooks.isEmpty())
            throw new IllegalStateException("tree verification runs without presses; this session has " + hooks);
        if (tokens == null || parents == null || tokens.length == 0 || tokens.length != parents.length) {
            throw new IllegalArgumentException("a draft tree needs one parent per token (root first), got "
                    + (tokens == null ? "no tokens" : tokens.length + " tokens") + " and "
                    + (parents == null ? "no parents" : parents.length + " parents"));
        }
        if (tree == null || tree.capacity < tokens.length) {
            int n = tokens.length;
            HeapBudget.of("a draft tree of " + n + " nodes in " + model.source())
                    .add("the session's own buffers", fixedBytes)
                    .add("ancestor mask (" + n + " x " + n + " nodes x 1 B)", n, n)
                    .add(
                            "draft keys and values (n_layers " + c.nLayers() + " x " + n + " nodes x kv_dim "
                                    + c.kvDim() + " x 2 x 4 B)",
                            c.nLayers(),
                            n,
                            c.kvDim(),
                            2,
                            4)
                    .add("node logits (" + n + " nodes x vocab " + c.vocabSize() + " x 4 B)", n, c.vocabSize(), 4)
                    .require();
            tree = new Tree(n);
        }
        tree.shape(parents);
        int start = pos;
        forward(tokens, tree, Logits.ALL, List.of());
        pos = start;
        tree.pendingStart = start;
        peakKvBytes = Math.max(peakKvBytes, cache.bytes()); // the draft entries count while they are held
        return tree.logits;
    }

    /**
     * Keeps the entries of a root-to-node path of the last {@link #verifyTree} (node indices, {@code path[0] == 0},
     * each node the parent of the next), drops the other draft entries, and advances the position by the path's
     * length: the cache then holds exactly what decoding those tokens one by one would have appended.
     */
    public void acceptTree(int[] path) {
        if (tree == null || tree.pendingStart < 0)
            throw new IllegalStateException("no draft tree is waiting to be accepted");
        tree.checkPath(path);
        int hd = c.headDim(), kvd = c.kvDim();
        for (int l = 0; l < c.nLayers(); l++) {
            for (int kh = 0; kh < c.nKvHeads(); kh++) {
                HeadKvStore st = cache.store(l, kh);
                st.truncate(tree.before[l][kh]);
                for (int node : path) {
                    st.append(
                            tree.keys[l],
                            node * kvd + kh * hd,
                            tree.values[l],
                            node * kvd + kh * hd,
                            tree.pendingStart + tree.depth[node]);
                }
            }
        }
        pos = tree.pendingStart + path.length;
        tree.pendingStart = -1;
        finishStep(path.length);
    }

    private void checkNoPendingTree() {
        if (tree != null && tree.pendingStart >= 0) {
            throw new IllegalStateException(
                    "a verified draft tree is waiting for acceptTree; the cache holds its draft entries");
        }
    }

    /** A draft tree's shape and, per layer, its nodes' keys and values (kept until a path is accepted). */
    private final class Tree {
        final int capacity;
        final int[] depth;
        final boolean[] sees; // (capacity, capacity): sees[t * capacity + j], j an ancestor of t or t itself
        final float[][] keys, values; // (n_layers, capacity * kv_dim)
        final int[][] before; // (n_layers, n_kv_heads) store lengths before the tree
        float[] logits = new float[0];
        int n, maxDepth, pendingStart = -1;

        Tree(int capacity) {
            this.capacity = capacity;
            depth = new int[capacity];
            sees = new boolean[Math.multiplyExact(capacity, capacity)];
            keys = new float[c.nLayers()][Math.multiplyExact(capacity, c.kvDim())];
            values = new float[c.nLayers()][Math.multiplyExact(capacity, c.kvDim())];
            before = new int[c.nLayers()][c.nKvHeads()];
        }

        void shape(int[] parents) {
            n = parents.length;
            if (parents[0] != -1) throw new IllegalArgumentException("the root's parent must be -1, got " + parents[0]);
            java.util.Arrays.fill(sees, false);
            maxDepth = 0;
            for (int i = 0; i < n; i++) {
                int p = parents[i];
                if (i > 0 && (p < 0 || p >= i)) {
                    throw new IllegalArgumentException("node " + i + " has parent " + p
                            + "; parents must precede their children (breadth-first order)");
                }
                depth[i] = i == 0 ? 0 : depth[p] + 1;
                maxDepth = Math.max(maxDepth, depth[i]);
                sees[i * capacity + i] = true;
                if (i > 0) for (int j = 0; j < i; j++) if (sees[p * capacity + j]) sees[i * capacity + j] = true;
            }
        }

        boolean sees(int t, int j) {
            return sees[t * capacity + j];
        }

        void keep(int layer, float[] kb, float[] vb, int[] lengthsBefore, int length) {
            System.arraycopy(kb, 0, keys[layer], 0, length);
            System.arraycopy(vb, 0, values[layer], 0, length);
            System.arraycopy(lengthsBefore, 0, before[layer], 0, lengthsBefore.length);
        }

        float[] logits(int length) {
            if (logits.length < length) logits = new float[length];
            return logits;
        }

        void checkPath(int[] path) {
            if (path == null || path.length == 0 || path[0] != 0)
                throw new IllegalArgumentException("an accepted path starts at the root (node 0)");
            for (int i = 1; i < path.length; i++) {
                int node = path[i];
                if (node <= 0 || node >= n || !sees[node * capacity + path[i - 1]] || depth[node] != i) {
                    throw new IllegalArgumentException("path " + java.util.Arrays.toString(path) + ": node " + node
                            + " is not a child of node " + path[i - 1]);
                }
            }
        }
    }

    /** Which rows of logits a forward pass computes. */
    private enum Logits {
        ALL,
        LAST,
        NONE
    }

    /**
     * Runs tokens from the next position through every layer, calling {@code layerHooks} after each layer's
     * attention; returns the requested logits (null for NONE) and advances the position. With a {@code tree}, token
     * t sits at position pos + depth[t] and attends to the cache before the chunk and to its ancestors only, and each
     * layer's keys and values of the chunk are kept for {@link #acceptTree}.
     */
    private @Nullable FloatMatrix forward(
            int[] tokens, @Nullable Tree tree, Logits logitsMode, List<KvHook> layerHooks) {
        for (int t : tokens) checkToken(t);
        int T = tokens.length;
        checkPositions(tree == null ? T : tree.maxDepth + 1);
        checkForwardBudget(T, tree == null, logitsMode);
        int dim = c.dim(), qd = c.qDim(), kvd = c.kvDim(), hd = c.headDim();
        pb.ensure(T);
        // a tree's nodes get decode's values whatever their count: verification then accepts exactly decode's tokens
        proj.decodeDots(tree != null);
        float[] X = pb.x, XB = pb.xb, D = pb.d, Q = pb.q, KB = pb.k, VB = pb.v, AO = pb.ao, HB = pb.h, HB2 = pb.h2;
        for (int t = 0; t < T; t++) w.tokenEmbedding().copyRow(tokens[t], X, t * dim);
        int pos0 = pos;
        int[] before = new int[c.nKvHeads()];
        PrefillView view = new PrefillView(Q, T, pos0, before);
        float[][] scratch = attScratch;
        for (int l = 0; l < c.nLayers(); l++) {
            LayerWeights L = w.layers().get(l);
            for (int t = 0; t < T; t++) rmsnorm(XB, t * dim, X, t * dim, L.attnNorm());
            proj.products(L.wq(), Q, L.wk(), KB, L.wv(), VB, XB, T);
            for (int t = 0; t < T; t++) {
                addBias(Q, t * qd, L.bq());
                addBias(KB, t * kvd, L.bk());
                addBias(VB, t * kvd, L.bv());
                int p = tree == null ? pos0 + t : pos0 + tree.depth[t];
                rope.rotate(Q, t * qd, c.nHeads(), p);
                rope.rotate(KB, t * kvd, c.nKvHeads(), p);
            }
            for (int kh = 0; kh < c.nKvHeads(); kh++) {
                HeadKvStore st = cache.store(l, kh);
                requireRoom(st, l, kh, T);
                before[kh] = st.length();
                for (int t = 0; t < T; t++) {
                    st.append(
                            KB,
                            t * kvd + kh * hd,
                            VB,
                            t * kvd + kh * hd,
                            tree == null ? pos0 + t : pos0 + tree.depth[t]);
                }
            }
            if (tree != null) tree.keep(l, KB, VB, before, T * kvd);
            final int layer = l;
            // one KV head per task: a store is only ever read by one thread at a time
            pool.run(c.nKvHeads(), 2, (worker, from, to) -> {
                float[] s = scratch[worker];
                for (int kh = from; kh < to; kh++) {
                    HeadKvStore st = cache.store(layer, kh);
                    if (tree == null && T > 1 && st instanceof DenseKvStore) { // blocked products over the chunk
                        promptAttention[worker].attend(
                                st.keys().data(),
                                st.values().data(),
                                st.length(),
                                before[kh],
                                Q,
                                qd,
                                kh * c.groupSize(),
                                c.groupSize(),
                                hd,
                                T,
                                attScale,
                                AO);
                        continue;
                    }
                    for (int h = kh * c.groupSize(); h < (kh + 1) * c.groupSize(); h++) {
                        for (int t = 0; t < T; t++) {
                            if (tree == null)
                                attend(st, Q, t * qd + h * hd, before[kh] + t + 1, s, 0, AO, t * qd + h * hd);
                            else attendTree(st, Q, t * qd + h * hd, before[kh], t, tree, s, AO, t * qd + h * hd);
                        }
                    }
                }
            });
            if (!layerHooks.isEmpty()) {
                view.layer = l;
                for (KvHook hook : layerHooks) hook.afterPrefillLayer(view);
            }
            proj.product(L.wo(), AO, T, D);
            K.axpy(1f, D, 0, X, 0, T * dim);
            for (int t = 0; t < T; t++) rmsnorm(XB, t * dim, X, t * dim, L.ffnNorm());
            proj.swiGlu(L.w1(), L.w3(), XB, T, HB, HB2);
            proj.product(L.w2(), HB, T, D);
            K.axpy(1f, D, 0, X, 0, T * dim);
        }
        pos += T;
        if (logitsMode == Logits.NONE) return null;
        int first = logitsMode == Logits.ALL ? 0 : T - 1;
        int rowsOut = T - first;
        float[] normed = new float[rowsOut * dim];
        for (int t = first; t < T; t++) rmsnorm(normed, (t - first) * dim, X, t * dim, w.finalNorm());
        float[] out = tree != null
                ? tree.logits(Math.multiplyExact(rowsOut, c.vocabSize()))
                : new float[Math.multiplyExact(rowsOut, c.vocabSize())];
        proj.product(w.classifier(), normed, rowsOut, out);
        return tree != null ? null : new FloatMatrix(rowsOut, c.vocabSize(), out);
    }

    /** The {@link PromptPass} of one prefill: more tokens through the model, observed by one hook only. */
    private final class Pass implements PromptPass {
        private final int[] prompt;
        private final int start;

        Pass(int[] prompt, int start) {
            this.prompt = prompt;
            this.start = start;
        }

        @Override
        public LlamaModel model() {
            return model;
        }

        @Override
        public KvCache cache() {
            return cache;
        }

        @Override
        public int[] prompt() {
            return prompt.clone();
        }

        @Override
        public int promptStart() {
            return start;
        }

        @Override
        public int position() {
            return pos;
        }

        @Override
        public void setPosition(int p) {
            Session.this.setPosition(p);
        }

        @Override
        public void run(int[] tokens, KvHook observer) {
            if (tokens == null || tokens.length == 0)
                throw new IllegalArgumentException("a prompt pass needs at least one token");
            if (observer == null) throw new IllegalArgumentException("a prompt pass needs an observer hook");
            forward(tokens, null, Logits.NONE, List.of(observer));
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

    /**
     * Attention of tree node t: over the cache before the tree ({@code before} slots) and the tree nodes that are
     * t's ancestors or t itself (slots before + j, j <= t; nodes are in breadth-first order, so ancestors come first).
     */
    private void attendTree(
            HeadKvStore st, float[] qv, int qOff, int before, int t, Tree tree, float[] a, float[] out, int oOff) {
        int n = before + t + 1;
        st.scores(qv, qOff, n, a, 0);
        K.scale(a, 0, n, attScale);
        for (int j = 0; j < t; j++) if (!tree.sees(t, j)) a[before + j] = Float.NEGATIVE_INFINITY;
        K.softmaxInPlace(a, 0, n);
        st.weightedValues(a, 0, n, out, oOff);
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

    /** Activations of a forward pass over T tokens, grown to the largest T seen (reused across prefills). */
    private final class PromptBuffers {
        float[] x = new float[0], xb, d, q, k, v, ao, h, h2;
        int tokens;

        void ensure(int T) {
            if (T <= tokens) return;
            x = new float[T * c.dim()];
            xb = new float[T * c.dim()];
            d = new float[T * c.dim()];
            q = new float[T * c.qDim()];
            ao = new float[T * c.qDim()];
            k = new float[T * c.kvDim()];
            v = new float[T * c.kvDim()];
            h = new float[T * c.hiddenDim()];
            h2 = new float[T * c.hiddenDim()];
            tokens = T;
        }
    }

    private void checkToken(int token) {
        if (token < 0 || token >= c.vocabSize()) {
            throw new IllegalArgumentException(
                    "token id " + token + " is outside the vocabulary [0, " + c.vocabSize() + ")");
        }
    }

    private void checkPositions(int n) {
        if ((long) pos + n > c.seqLen()) {
            throw new IllegalArgumentException("context limit: " + n + " more token(s) at position " + pos
                    + " would pass the model's context length seq_len = " + c.seqLen() + " (" + model.source() + ")");
        }
    }

    /**
     * Before a forward pass of T tokens allocates: its activations (and their packed copy for the prompt GEMM), the
     * blocked prompt attention's buffers ({@code blocked}: a causal chunk on dense stores), logits, and the KV cache
     * it grows (dense stores double: up to 2 x (longest store + T) rows, within the capacity), on top of this
     * session's own. Buffers grow to the largest pass and are kept, so this bounds what the session then holds.
     */
    private void checkForwardBudget(int T, boolean causal, Logits logitsMode) {
        int rows = logitsMode == Logits.ALL ? T : logitsMode == Logits.LAST ? 1 : 0;
        int longest = longestStore();
        long kvRows = Math.min(capacity, 2L * ((long) longest + T));
        int widest = Math.max(Math.max(c.dim(), c.hiddenDim()), c.qDim());
        long packedTokens = T > Gemm.SMALL_T ? (long) Gemm.groups(T) * Gemm.GROUP : 0;
        long pairTokens = T > Gemm.SMALL_T && Q4Gemm.PREFERRED ? (long) Q4Gemm.groups(T) * Q4Gemm.GROUP : 0;
        boolean blocked = causal && T > 1 && anyDenseStore();
        long seen = Math.min(capacity, (long) longest + T);
        HeapBudget.of("a " + (causal ? "prefill" : "draft tree") + " of " + T + " tokens in " + model.source())
                .add("the session's own buffers", fixedBytes)
                .add(
                        "activations (" + T + " tokens x (3 x dim " + c.dim() + " + 2 x q_dim " + c.qDim()
                                + " + 2 x kv_dim " + c.kvDim() + " + 2 x hidden_dim " + c.hiddenDim() + ") x 4 B)",
                        T,
                        3L * c.dim() + 2L * c.qDim() + 2L * c.kvDim() + 2L * c.hiddenDim(),
                        4)
                .add(
                        "packed activations (" + packedTokens + " tokens x width " + widest + " x 4 B)",
                        packedTokens,
                        widest,
                        4)
                .add(
                        "Q4_0 integer packed activations (" + pairTokens + " tokens x width " + widest
                                + " x (2 B + 4 B / 32))",
                        pairTokens,
                        widest / 32,
                        2 * 32 + 4)
                .add(
                        "blocked prompt attention (" + pool.threads() + " threads x " + c.groupSize() + " heads x " + T
                                + " queries x up to " + seen + " entries, head_dim " + c.headDim() + ")",
                        blocked ? pool.threads() : 0,
                        PromptAttention.bytes(c.groupSize(), T, seen, c.headDim()))
                .add(
                        "logits (" + rows + " rows x vocab " + c.vocabSize() + " x 4 B, plus their normed inputs)",
                        rows,
                        c.vocabSize() + (long) c.dim(),
                        4)
                .add(
                        "KV cache after it (n_layers " + c.nLayers() + " x n_kv_heads " + c.nKvHeads() + " x up to "
                                + kvRows + " entries x head_dim " + c.headDim() + " x 2 x 4 B)",
                        c.nLayers(),
                        c.nKvHeads(),
                        kvRows,
                        c.headDim(),
                        2,
                        4)
                .require();
    }

    private boolean anyDenseStore() {
        for (int l = 0; l < c.nLayers(); l++)
            for (int h = 0; h < c.nKvHeads(); h++) if (cache.store(l, h) instanceof DenseKvStore) return true;
        return false;
    }

    /** At decode, before dense stores double again: numeric first, so the steady-state loop allocates nothing. */
    private void checkKvGrowth() {
        long kvRows = Math.min(capacity, 2L * (pos + 1));
        long kv = HeapBudget.product(c.nLayers(), c.nKvHeads(), kvRows, c.headDim(), 2, 4);
        if (fixedBytes + kv <= HeapBudget.limit()) return;
        HeapBudget.of("decoding position " + pos + " in " + model.source())
                .add("the session's own buffers", fixedBytes)
                .add(
                        "KV cache (n_layers " + c.nLayers() + " x n_kv_heads " + c.nKvHeads() + " x up to " + kvRows
                                + " entries x head_dim " + c.headDim() + " x 2 x 4 B)",
                        kv)
                .require();
    }

    private int longestStore() {
        int n = 0;
        for (int l = 0; l < c.nLayers(); l++)
            for (int h = 0; h < c.nKvHeads(); h++)
                n = Math.max(n, cache.store(l, h).length());
        return n;
    }

    private void requireRoom(HeadKvStore st, int l, int kh, int n) {
        if (st.length() + n > st.capacity()) {
            throw new IllegalArgumentException("KV cache full at layer " + l + ", head " + kh + ": " + st.length()
                    + " + " + n + " entries exceed its capacity " + st.capacity());
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

        @Override
        public int layer() {
            return layer;
        }

        @Override
        public ModelShape shape() {
            return model.shape();
        }

        @Override
        public KvCache cache() {
            return cache;
        }

        @Override
        public Rope rope() {
            return rope;
        }

        @Override
        public FloatMatrix attention(int qHead, int fromQuery, int toQuery) {
            if (qHead < 0 || qHead >= c.nHeads())
                throw new IllegalArgumentException("query head " + qHead + " is outside [0, " + c.nHeads() + ")");
            if (fromQuery < 0 || toQuery > queryCount() || fromQuery >= toQuery) {
                throw new IllegalArgumentException(
                        "query range [" + fromQuery + ", " + toQuery + ") is not inside [0, " + queryCount() + ")");
            }
            int kh = qHead / c.groupSize();
            HeadKvStore st = store(kh);
            int width = visibleCount(toQuery - 1, kh);
            if (width > st.length())
                throw new IllegalStateException("the store of head " + kh + " changed; attention is no longer defined");
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
        @Override
        public Phase phase() {
            return Phase.DECODE;
        }

        @Override
        public int queryCount() {
            return 1;
        }

        @Override
        public int queryPosition(int t) {
            if (t != 0) throw new IllegalArgumentException("decode has one query, asked for " + t);
            return pos;
        }

        @Override
        public float[] queries() {
            return q;
        }

        @Override
        public int visibleCount(int t, int kvHead) {
            if (t != 0) throw new IllegalArgumentException("decode has one query, asked for " + t);
            return stepVisible[kvHead];
        }

        @Override
        public float[] stepAttention() {
            return att;
        }

        @Override
        public int stepAttentionOffset(int qHead) {
            if (qHead < 0 || qHead >= c.nHeads())
                throw new IllegalArgumentException("query head " + qHead + " is outside [0, " + c.nHeads() + ")");
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

        @Override
        public Phase phase() {
            return Phase.PREFILL;
        }

        @Override
        public int queryCount() {
            return count;
        }

        @Override
        public int queryPosition(int t) {
            if (t < 0 || t >= count)
                throw new IllegalArgumentException("query " + t + " is outside [0, " + count + ")");
            return pos0 + t;
        }

        @Override
        public float[] queries() {
            return queries;
        }

        @Override
        public int visibleCount(int t, int kvHead) {
            if (t < 0 || t >= count)
                throw new IllegalArgumentException("query " + t + " is outside [0, " + count + ")");
            return before[kvHead] + t + 1;
        }

        @Override
        public float[] stepAttention() {
            throw new IllegalStateException("step attention exists only at decode; use attention(...) at prefill");
        }

        @Override
        public int stepAttentionOffset(int qHead) {
            return stepAttention().length;
        }
    }
}
