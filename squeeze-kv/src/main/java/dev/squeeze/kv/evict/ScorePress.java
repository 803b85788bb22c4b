package dev.squeeze.kv.evict;

import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.TopK;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.Phase;
import dev.squeeze.kv.api.PressParams;
import dev.squeeze.kv.internal.LayerSet;
import org.jspecify.annotations.Nullable;

/**
 * The skeleton of every score-based eviction press. Per layer and KV head it scores the entries held,
 * protects the first {@code sinks} and the last {@code window} slots, keeps the top {@code target} by
 * score (in their original order) and applies the choice as a {@link TokenTransform#select} to the store.
 *
 * <p>When: after prefill (kvpress style: the whole context attended in full, then compressed to
 * {@code keep * n} or {@code budget}) and, for a fixed {@code budget} (or {@code decode=true}), during
 * decoding: whenever a head holds {@code every} or more entries above its target it is cut back to the
 * target (every=1: evict one per step, a fixed per-layer budget; every=N: re-compress every N steps).
 *
 * <p>Common parameters: keep | ratio | budget, sinks, recent (always-kept newest entries), every, decode, layers.
 */
public abstract class ScorePress implements KvHook {
    protected final String name;
    protected final ModelShape config;
    protected final Budget budget;
    protected final LayerSet layers;
    protected final int sinks;
    protected final int every;
    protected final boolean atDecode;
    /** Most recent entries always kept ({@code recent=N}); -1 = the press's own default. */
    protected final int recent;

    protected ScorePress(String name, PressParams p, ModelShape config, int defaultSinks) {
        this.name = name;
        this.config = config;
        this.budget = p.budget(config.seqLen());
        this.layers = LayerSet.from(p, config.nLayers());
        this.sinks = p.integer("sinks", defaultSinks, 0, config.seqLen());
        this.every = p.integer("every", 1, 1, config.seqLen());
        this.recent = p.integer("recent", -1, 0, config.seqLen());
        boolean decodeDefault = budget instanceof Budget.Count;
        this.atDecode = p.bool("decode", decodeDefault) && supportsDecode();
        if (p.bool("decode", false) && !supportsDecode())
            throw p.bad("decode", "true", "false: " + name + " compresses at prefill only");
    }

    /** The parameters every score press accepts, plus extra ones. */
    public static java.util.List<String> params(String... extra) {
        java.util.List<String> out = new java.util.ArrayList<>(
                java.util.List.of("keep", "ratio", "budget", "sinks", "recent", "every", "decode", "layers"));
        out.addAll(java.util.List.of(extra));
        return out;
    }

    public Budget budget() {
        return budget;
    }

    /** False for presses that need a window of prompt queries (SnapKV, PyramidKV, AdaKV). */
    protected boolean supportsDecode() {
        return true;
    }

    /** Sees every call (also when nothing is evicted), e.g. to accumulate attention. */
    protected void observe(LayerView v) {}

    /** Scores of the entries of KV head {@code kvHead} (length = its store length); higher is kept. */
    protected abstract float[] score(LayerView v, int kvHead);

    /** Slots at the end that are always kept: {@code recent} (default none; SnapKV: its observation window). */
    protected int window(LayerView v, int kvHead, int target) {
        return recent >= 0 ? Math.min(recent, target) : 0;
    }

    /** Called after a head was reduced to {@code kept} (ascending slots of the old store), so state can follow. */
    protected void onEvict(int layer, int kvHead, int[] kept, int oldLength) {}

    /** Target entries for a head holding n entries at this call. */
    protected int target(LayerView v, int kvHead, int n) {
        if (budget instanceof Budget.Count || v.phase() == Phase.PREFILL) return budget.resolveFloorCapped(n);
        // decode with a fraction: a fraction of the tokens seen so far
        return Math.min(n, budget.resolveFloorCapped(v.queryPosition(0) + 1));
    }

    @Override
    public void afterPrefillLayer(LayerView v) {
        if (!layers.contains(v.layer())) return;
        observe(v);
        compress(v, 1);
    }

    @Override
    public void afterDecodeStep(LayerView v) {
        if (!layers.contains(v.layer())) return;
        observe(v);
        if (atDecode) compress(v, every);
    }

    /** Per-head targets, or null when no head needs compressing (then nothing is touched). */
    protected int @Nullable [] targets(LayerView v, int slack) {
        int H = config.nKvHeads();
        int[] t = new int[H];
        boolean any = false;
        for (int h = 0; h < H; h++) {
            int n = v.store(h).length();
            t[h] = target(v, h, n);
            if (n - t[h] >= slack) any = true;
        }
        return any ? t : null;
    }

    protected void compress(LayerView v, int slack) {
        int[] t = targets(v, slack);
        if (t == null) return;
        int H = config.nKvHeads();
        float[][] s = new float[H][];
        for (int h = 0; h < H; h++) {
            if (v.store(h).length() > t[h]) {
                s[h] = score(v, h);
                protect(v, h, s[h], t[h]);
            }
        }
        int[][] keep = allocate(v, s, t);
        for (int h = 0; h < H; h++) {
            if (keep[h] == null) continue;
            int n = v.store(h).length();
            if (keep[h].length == n) continue;
            reduce(v, h, keep[h], n);
        }
    }

    /** Applies the choice: evicts the rest (a select transform). EMS overrides it to merge the rest. */
    protected void reduce(LayerView v, int h, int[] keep, int n) {
        v.transform(h, TokenTransform.select(n, keep), PositionMode.REPRESENTATIVE);
        onEvict(v.layer(), h, keep, n);
    }

    /** Sets protected slots (sinks, window) to the largest finite score. */
    protected void protect(LayerView v, int h, float[] s, int target) {
        int n = s.length;
        for (int i = 0; i < n; i++)
            if (!Float.isFinite(s[i])) s[i] = s[i] > 0 ? Float.MAX_VALUE / 2 : -Float.MAX_VALUE / 2;
        for (int i = 0; i < Math.min(sinks, n); i++) s[i] = Float.MAX_VALUE;
        int w = window(v, h, target);
        for (int i = Math.max(0, n - w); i < n; i++) s[i] = Float.MAX_VALUE;
    }

    /** Per-head top-k of the scores (null rows: head untouched). Overridden by head-adaptive presses. */
    protected int[][] allocate(LayerView v, float[][] scores, int[] targets) {
        int[][] out = new int[scores.length][];
        for (int h = 0; h < scores.length; h++) {
            if (scores[h] == null) continue;
            out[h] = TopK.topKSorted(scores[h], targets[h]);
        }
        return out;
    }

    @Override
    public String toString() {
        return name + "(" + PressParams.describe(budget) + ")";
    }
}
