package dev.squeeze.kv.evict;

import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.TopK;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvCache;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressParams;
import dev.squeeze.kv.api.PromptPass;
import dev.squeeze.kv.api.TextEncoder;
import dev.squeeze.kv.internal.KvMath;
import dev.squeeze.kv.internal.LayerSet;
import dev.squeeze.kv.internal.PromptSlots;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * KVzip (Kim et al., "KVzip: Query-Agnostic KV Cache Compression with Context Reconstruction", NeurIPS 2025,
 * arXiv:2505.23416). Once the prompt (the context) is prefilled, the model is asked to reconstruct it: the
 * input "Repeat the previous context:" + the context runs teacher-forced over the full cache, and each
 * context entry is scored by the largest attention it receives from any query of that input, over the query
 * heads of its KV head. The reconstruction input's own entries are then removed and the lowest-scored
 * context entries evicted. The paper's Algorithm 1: the context is split into chunks of {@code chunk} = 2048
 * tokens; chunk t is reconstructed after "Repeat the previous context starting with" + the last 8 tokens of
 * chunk t-1 + ":", and its softmax runs over that chunk's entries and the input's own (not the whole cache),
 * while the forward pass itself sees the whole cache.
 *
 * <p>Budget allocation ({@code allocation}): {@code model} (default, the paper's non-uniform allocation:
 * one top-k over the entries of every head of every layer, so heads and layers end with different lengths),
 * {@code layer} (one top-k per layer across its heads) or {@code head} (the paper's uniform variant). The
 * total kept is the sum of the per-head targets of keep / ratio / budget over the prompt's entries. Entries
 * from before this prompt are kept as they are. Prefill only (decoding adds entries unscored).
 *
 * <p>Constants and deviations: the repeat prompt is plain text (this runtime has no chat template; the
 * paper wraps it in the model's); {@code lead=none} drops it (the input is the context alone: for models
 * without a tokenizer or a language, such as the hand-built induction model); chunks shrink to what the model's context leaves room for (the pass
 * needs the cache + the input), with an error when not even one token fits; the pass costs a second
 * prefill of the context, and its entries count in the session's peak bytes.
 */
final class KvZipPress implements KvHook {
    static final String REPEAT = "Repeat the previous context:";
    static final String REPEAT_FROM = "Repeat the previous context starting with";
    static final int TRAILING = 8;

    /** How the total budget is spread. */
    public enum Allocation {
        MODEL,
        LAYER,
        HEAD
    }

    private final ModelShape config;
    private final Budget budget;
    private final LayerSet layers;
    private final Allocation allocation;
    private final int chunk;
    private final boolean lead; // false: the reconstruction input is the context alone (lead=none)
    private float @Nullable [][][]
            lastScores; // (layer, kvHead, entries of the prompt) of the last prompt, for inspection

    public KvZipPress(PressParams p, ModelShape c) {
        this.config = c;
        this.budget = p.budget(c.seqLen());
        this.layers = LayerSet.from(p, c.nLayers());
        this.allocation = Allocation.valueOf(p.choice("allocation", "model", java.util.Set.of("model", "layer", "head"))
                .toUpperCase(Locale.ROOT));
        this.chunk = p.integer("chunk", 2048, 1, 1 << 20);
        this.lead = p.choice("lead", "text", java.util.Set.of("text", "none")).equals("text");
    }

    public static java.util.List<String> params() {
        return java.util.List.of("keep", "ratio", "budget", "allocation", "chunk", "lead", "layers");
    }

    @Override
    public boolean actsAfterPrompt() {
        return true;
    }

    /** Scores of the last prompt's entries, (layer, kvHead, entry), a copy; empty before any prompt. */
    public float[][][] lastScores() {
        if (lastScores == null) return new float[0][][];
        float[][][] out = new float[lastScores.length][][];
        for (int l = 0; l < out.length; l++) {
            out[l] = new float[lastScores[l].length][];
            for (int h = 0; h < out[l].length; h++) out[l][h] = lastScores[l][h].clone();
        }
        return out;
    }

    @Override
    public void afterPrompt(PromptPass pass) {
        KvCache cache = pass.cache();
        int L = config.nLayers(), H = config.nKvHeads();
        int[] prompt = pass.prompt();
        int start = pass.promptStart();
        // the prompt's entries: slots whose position is at or after the prompt's start (earlier presses may
        // have evicted some); entries are in position order, so they are a suffix of each store
        int[][] first = new int[L][H];
        float[][][] scores = new float[L][H][];
        for (int l = 0; l < L; l++)
            for (int h = 0; h < H; h++) {
                HeadKvStore st = cache.store(l, h);
                first[l][h] = PromptSlots.firstAtOrAfter(st, start);
                scores[l][h] = new float[st.length() - first[l][h]];
            }
        score(pass, prompt, start, first, scores);
        lastScores = scores;
        evict(cache, first, scores);
    }

    /** Runs the reconstruction passes chunk by chunk, filling scores with the max attention each prompt entry receives. */
    private void score(PromptPass pass, int[] prompt, int start, int[][] first, float[][][] scores) {
        int[] repeat = new int[0], repeatFrom = new int[0], colon = new int[0];
        if (lead) {
            TextEncoder tok = pass.model()
                    .textEncoder()
                    .orElseThrow(() -> new IllegalStateException(
                            "kvzip: model " + pass.model().source() + " has no tokenizer to write the repeat prompt \""
                                    + REPEAT + "\"; give lead=none to reconstruct from the context alone"));
            repeat = tok.encode(REPEAT);
            repeatFrom = tok.encode(REPEAT_FROM);
            colon = tok.encode(":");
        }
        KvCache cache = pass.cache();
        int p0 = pass.position();
        int longest = 0;
        for (int l = 0; l < config.nLayers(); l++)
            for (int h = 0; h < config.nKvHeads(); h++)
                longest = Math.max(longest, cache.store(l, h).length());
        int room = Math.min(cache.capacity() - longest, config.seqLen() - p0);
        int from = 0;
        while (from < prompt.length) {
            int[] leadTokens = from == 0 || !lead
                    ? repeat
                    : concat(repeatFrom, Arrays.copyOfRange(prompt, Math.max(0, from - TRAILING), from), colon);
            int m = Math.min(Math.min(chunk, prompt.length - from), room - leadTokens.length);
            if (m < 1) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "kvzip: the reconstruction pass needs room for its %d-token repeat prompt and at least one "
                                + "context token after the %d cached entries at position %d, but the model's context is seq_len %d (cache capacity %d)",
                        leadTokens.length,
                        longest,
                        p0,
                        config.seqLen(),
                        cache.capacity()));
            }
            int[] input = concat(leadTokens, Arrays.copyOfRange(prompt, from, from + m));
            int[][] lengths = new int[config.nLayers()][config.nKvHeads()];
            for (int l = 0; l < lengths.length; l++)
                for (int h = 0; h < lengths[l].length; h++)
                    lengths[l][h] = cache.store(l, h).length();
            pass.run(input, new ChunkScorer(first, scores, start + from, start + from + m, lengths));
            // remove the reconstruction input's entries again
            for (int l = 0; l < lengths.length; l++)
                for (int h = 0; h < lengths[l].length; h++) PromptSlots.truncate(cache.store(l, h), lengths[l][h]);
            pass.setPosition(p0);
            from += m;
        }
    }

    /**
     * Scores the entries of positions [posFrom, posTo) with the queries of one reconstruction input: softmax of
     * each query over those entries and the input's own visible entries, max over queries and the group's heads.
     */
    private final class ChunkScorer implements KvHook {
        private final int[][] first, lengths;
        private final float[][][] scores;
        private final int posFrom, posTo;
        private float[] raw = new float[0];

        ChunkScorer(int[][] first, float[][][] scores, int posFrom, int posTo, int[][] lengths) {
            this.first = first;
            this.scores = scores;
            this.posFrom = posFrom;
            this.posTo = posTo;
            this.lengths = lengths;
        }

        @Override
        public void afterPrefillLayer(LayerView v) {
            int l = v.layer(), hd = config.headDim(), G = config.groupSize();
            double scale = 1.0 / Math.sqrt(hd);
            float[] q = v.queries();
            for (int h = 0; h < config.nKvHeads(); h++) {
                HeadKvStore st = v.store(h);
                int n0 = lengths[l][h];
                // the chunk's entries: a contiguous run of slots (position order) inside the prompt's suffix
                int a = first[l][h], b;
                while (a < n0 && st.position(a) < posFrom) a++;
                b = a;
                while (b < n0 && st.position(b) < posTo) b++;
                if (a == b) continue;
                float[] s = scores[l][h];
                int visibleMax = v.visibleCount(v.queryCount() - 1, h);
                if (raw.length < visibleMax) raw = new float[visibleMax];
                for (int qh = h * G; qh < (h + 1) * G; qh++) {
                    for (int t = 0; t < v.queryCount(); t++) {
                        int vis = v.visibleCount(t, h);
                        st.scores(q, t * config.qDim() + qh * hd, vis, raw, 0);
                        // softmax over chunk slots [a, b) and the input's own slots [n0, vis)
                        double mx = Double.NEGATIVE_INFINITY;
                        for (int i = a; i < b; i++) mx = Math.max(mx, raw[i] * scale);
                        for (int i = n0; i < vis; i++) mx = Math.max(mx, raw[i] * scale);
                        double z = 0;
                        for (int i = a; i < b; i++) z += Math.exp(raw[i] * scale - mx);
                        for (int i = n0; i < vis; i++) z += Math.exp(raw[i] * scale - mx);
                        for (int i = a; i < b; i++) {
                            float p = (float) (Math.exp(raw[i] * scale - mx) / z);
                            int e = i - first[l][h];
                            if (p > s[e]) s[e] = p;
                        }
                    }
                }
            }
        }
    }

    /** Keeps the top entries of the prompt per the allocation; entries before the prompt stay. */
    private void evict(KvCache cache, int[][] first, float[][][] scores) {
        int L = config.nLayers(), H = config.nKvHeads();
        int[][][] keep = new int[L][H][];
        switch (allocation) {
            case HEAD -> {
                for (int l = 0; l < L; l++)
                    for (int h = 0; h < H; h++) {
                        if (layers.contains(l))
                            keep[l][h] = TopK.topKSorted(scores[l][h], budget.resolveFloorCapped(scores[l][h].length));
                    }
            }
            case LAYER -> {
                for (int l = 0; l < L; l++) if (layers.contains(l)) pooled(scores, keep, new int[] {l});
            }
            case MODEL -> {
                int[] all = java.util.stream.IntStream.range(0, L)
                        .filter(layers::contains)
                        .toArray();
                pooled(scores, keep, all);
            }
        }
        for (int l = 0; l < L; l++)
            for (int h = 0; h < H; h++) {
                if (keep[l][h] == null) continue;
                HeadKvStore st = cache.store(l, h);
                int f = first[l][h], n = st.length();
                if (keep[l][h].length == n - f) continue;
                if (f + keep[l][h].length == 0) { // the model-wide top-k may leave a head nothing
                    st.clear();
                    continue;
                }
                int[] slots = new int[f + keep[l][h].length];
                for (int i = 0; i < f; i++) slots[i] = i;
                for (int i = 0; i < keep[l][h].length; i++) slots[f + i] = f + keep[l][h][i];
                st.transform(TokenTransform.select(n, slots), PositionMode.REPRESENTATIVE);
            }
    }

    /** One top-k over every head of the given layers; k = the sum of the heads' targets. */
    private void pooled(float[][][] scores, int[][][] keep, int[] layerIds) {
        int H = config.nKvHeads(), k = 0;
        float[][] rows = new float[layerIds.length * H][];
        for (int i = 0; i < layerIds.length; i++)
            for (int h = 0; h < H; h++) {
                rows[i * H + h] = scores[layerIds[i]][h];
                k += budget.resolveFloorCapped(rows[i * H + h].length);
            }
        int[][] chosen = KvMath.pooledTopK(rows, k);
        for (int i = 0; i < layerIds.length; i++) for (int h = 0; h < H; h++) keep[layerIds[i]][h] = chosen[i * H + h];
    }

    private static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] out = new int[n];
        int o = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    @Override
    public String toString() {
        return "kvzip(" + PressParams.describe(budget) + ", "
                + allocation.name().toLowerCase(Locale.ROOT) + ")";
    }
}
