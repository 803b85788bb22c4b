package dev.squeeze.kv.evict;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.StoriesFixture;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.Presses;
import dev.squeeze.kv.quant.KiviStore;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import dev.squeeze.llm.runtime.SessionOptions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * KVzip against an independent reference: one plain prefill of context + repeat prompt + chunk, with the
 * runtime's own attention weights renormalised over the chunk's and the input's entries (a softmax restricted
 * to a subset is the full softmax divided by the subset's mass).
 */
class KvZipPressTest {

    /** Reference scores (layer, kvHead, context entry) for the chunk [from, to) of the context. */
    static float[][][] reference(LlamaModel m, int[] context, int from, int to, float[][][] into) {
        LlamaConfig c = m.config();
        int[] lead = from == 0
                ? m.tokenizer().encode(KvZipPress.REPEAT, false)
                : concat(
                        m.tokenizer().encode(KvZipPress.REPEAT_FROM, false),
                        Arrays.copyOfRange(context, Math.max(0, from - KvZipPress.TRAILING), from),
                        m.tokenizer().encode(":", false));
        int[] all = concat(context, lead, Arrays.copyOfRange(context, from, to));
        int n = context.length, nIn = all.length - n;
        KvHook probe = new KvHook() {
            @Override
            public void afterPrefillLayer(LayerView v) {
                for (int qh = 0; qh < c.nHeads(); qh++) {
                    FloatMatrix a = v.attention(qh, n, all.length); // queries of the input over everything visible
                    float[] s = into[v.layer()][qh / c.groupSize()];
                    for (int t = 0; t < nIn; t++) {
                        double mass = 0;
                        for (int i = from; i < to; i++) mass += a.get(t, i);
                        for (int i = n; i <= n + t; i++) mass += a.get(t, i);
                        for (int i = from; i < to; i++) s[i] = (float) Math.max(s[i], a.get(t, i) / mass);
                    }
                }
            }
        };
        m.newSession(SessionOptions.builder().hook(probe).build()).prefill(all, false);
        return into;
    }

    static float[][][] zeros(LlamaConfig c, int n) {
        float[][][] s = new float[c.nLayers()][c.nKvHeads()][n];
        return s;
    }

    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    static KvZipPress press(LlamaModel m, String spec) {
        return (KvZipPress) Presses.create(spec, m);
    }

    /** A session with press {@code p} that has prefilled {@code ctx}. */
    static Session prefilled(LlamaModel m, KvZipPress p, int[] ctx) {
        Session s = m.newSession(SessionOptions.builder().hook(p).build());
        s.prefill(ctx, false);
        return s;
    }

    static void assertScores(LlamaConfig c, float[][][] ref, float[][][] got) {
        for (int l = 0; l < c.nLayers(); l++)
            for (int h = 0; h < c.nKvHeads(); h++) {
                assertArrayEquals(ref[l][h], got[l][h], 1e-4f, "scores of layer " + l + " head " + h);
            }
    }

    @Test
    void scoresAreTheMaxAttentionOfTheReconstructionPassAndTheTopEntriesAreKept() {
        LlamaModel m = StoriesFixture.model();
        LlamaConfig c = m.config();
        int[] ctx = StoriesFixture.text(60);
        KvZipPress p = press(m, "kvzip:keep=0.25");
        Session s = prefilled(m, p, ctx);
        float[][][] ref = reference(m, ctx, 0, ctx.length, zeros(c, ctx.length));
        assertScores(c, ref, p.lastScores());
        float[] flat = new float[c.nLayers() * c.nKvHeads() * ctx.length];
        int e = 0;
        for (float[][] layer : ref) for (float[] head : layer) for (float x : head) flat[e++] = x;
        // allocation=model: 15 entries per head on average, one top-k over all 20 heads
        long total = 0;
        Arrays.sort(flat);
        float threshold = flat[flat.length - 15 * 20];
        for (int l = 0; l < c.nLayers(); l++)
            for (int h = 0; h < c.nKvHeads(); h++) {
                HeadKvStore st = s.cache().store(l, h);
                total += st.length();
                boolean[] kept = new boolean[ctx.length];
                for (int i = 0; i < st.length(); i++) kept[(int) st.position(i)] = true;
                for (int i = 0; i < ctx.length; i++) {
                    if (kept[i])
                        assertTrue(ref[l][h][i] >= threshold - 1e-4f, "kept a low entry " + i + " of " + l + "/" + h);
                    else
                        assertTrue(
                                ref[l][h][i] <= threshold + 1e-4f, "evicted a high entry " + i + " of " + l + "/" + h);
                }
            }
        assertEquals(15 * 20, total);
        assertEquals(60, s.position(), "the reconstruction input's positions are given back");
        int[] lengths =
                Arrays.stream(s.cache().lengths()).flatMapToInt(Arrays::stream).toArray();
        assertNotEquals(
                Arrays.stream(lengths).min().getAsInt(),
                Arrays.stream(lengths).max().getAsInt(),
                "non-uniform head budgets");
    }

    @Test
    void chunksAreScoredWithTheirOwnLeadAndSoftmax() {
        LlamaModel m = StoriesFixture.model();
        LlamaConfig c = m.config();
        int[] ctx = StoriesFixture.text(40);
        KvZipPress p = press(m, "kvzip:keep=0.5,chunk=16,allocation=head");
        Session s = prefilled(m, p, ctx);
        float[][][] ref = zeros(c, ctx.length);
        for (int from = 0; from < ctx.length; from += 16) reference(m, ctx, from, Math.min(ctx.length, from + 16), ref);
        assertScores(c, ref, p.lastScores());
        for (int l = 0; l < c.nLayers(); l++)
            for (int h = 0; h < c.nKvHeads(); h++) {
                assertEquals(20, s.cache().store(l, h).length(), "allocation=head keeps keep x n per head");
            }
    }

    @Test
    void entriesBeforeThePromptAreKeptAndOnlyThePromptIsScored() {
        LlamaModel m = StoriesFixture.model();
        int[] ids = StoriesFixture.text(50);
        KvZipPress p = press(m, "kvzip:keep=0.5,allocation=head");
        Session s = prefilled(m, p, Arrays.copyOf(ids, 20)); // 10 of 20 kept per head
        s.prefill(Arrays.copyOfRange(ids, 20, 50), false); // 15 of these 30 kept; the first 10 stay
        assertEquals(30, p.lastScores()[0][0].length);
        for (int l = 0; l < 5; l++)
            for (int h = 0; h < 4; h++) {
                HeadKvStore st = s.cache().store(l, h);
                assertEquals(25, st.length());
                for (int i = 0; i < 10; i++) assertTrue(st.position(i) < 20);
                for (int i = 10; i < 25; i++) assertTrue(st.position(i) >= 20);
            }
    }

    @Test
    void theModelWideTopKMayLeaveAHeadEmptyAndDecodingGoesOn() {
        LlamaModel m = StoriesFixture.model();
        Session s = m.newSession(SessionOptions.builder()
                .hook(Presses.create("kvzip:budget=1", m))
                .build());
        s.prefill(StoriesFixture.text(60), false);
        int[] lengths =
                Arrays.stream(s.cache().lengths()).flatMapToInt(Arrays::stream).toArray();
        assertEquals(20, Arrays.stream(lengths).sum(), "one entry per head on average");
        assertEquals(
                0, Arrays.stream(lengths).min().getAsInt(), "some head keeps nothing: " + Arrays.toString(lengths));
        for (float x : s.step(42)) assertTrue(Float.isFinite(x));
    }

    @Test
    void evictThenQuantiseAndOrderRules() {
        LlamaModel m = StoriesFixture.model();
        Session s = m.newSession(SessionOptions.builder()
                .hook(Presses.create("kvzip:keep=0.5+kivi:bits=4,group=8,residual=8", m))
                .build());
        s.prefill(StoriesFixture.text(64), false);
        long entries = 0;
        for (int l = 0; l < 5; l++)
            for (int h = 0; h < 4; h++) {
                assertInstanceOf(KiviStore.class, s.cache().store(l, h));
                entries += s.cache().store(l, h).length();
            }
        assertEquals(32 * 20, entries, "KIVI quantises what KVzip kept");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Presses.create("kvzip:keep=0.5+snapkv:keep=0.5", m));
        assertTrue(e.getMessage().contains("works during the prompt's layers"), e.getMessage());
    }

    @Test
    void aPromptThatLeavesNoRoomForTheReconstructionIsAClearError() {
        LlamaModel m = StoriesFixture.model();
        int[] ids = new int[500];
        Arrays.fill(ids, 42);
        ids[0] = 1;
        Session s = m.newSession(SessionOptions.builder()
                .hook(Presses.create("kvzip:keep=0.5", m))
                .build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.prefill(ids, false));
        assertTrue(
                e.getMessage().contains("500 cached entries at position 500")
                        && e.getMessage().contains("seq_len 512"),
                e.getMessage());
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class, () -> Presses.create("kvzip:keep=0.5,allocation=global", m));
        assertTrue(bad.getMessage().contains("allocation=global"), bad.getMessage());
    }
}
