package dev.squeeze.kv;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.DenseKvStore;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvCache;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.Presses;
import dev.squeeze.kv.evict.PyramidKvPress;
import dev.squeeze.kv.internal.SizedKvStore;
import dev.squeeze.kv.merge.RazorAttentionPress;
import dev.squeeze.kv.merge.RetrievalHeads;
import dev.squeeze.kv.quant.KiviStore;
import dev.squeeze.kv.select.GemFilter;
import dev.squeeze.kv.select.TidalDecodePress;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import dev.squeeze.llm.runtime.SessionOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What each press leaves in the cache, on stories260K, and the errors bad specs give. */
class PressBehaviourTest {

    static Session session(LlamaModel m, String spec) {
        KvHook h = Presses.create(spec, m);
        return m.newSession(SessionOptions.builder().hook(h).build());
    }

    @Test
    void streamingLlmAtDecodeKeepsSinksAndTheRecentWindow() {
        LlamaModel m = StoriesFixture.model();
        Session s = session(m, "streamingllm:budget=16");
        int[] ids = StoriesFixture.text(40);
        for (int id : ids) s.step(id);
        KvCache c = s.cache();
        for (int l = 0; l < c.layers(); l++)
            for (int h = 0; h < c.kvHeads(); h++) {
                float[] pos = c.store(l, h).positions();
                assertEquals(16, pos.length);
                for (int i = 0; i < 4; i++) assertEquals(i, pos[i]);
                for (int i = 4; i < 16; i++) assertEquals(40 - 16 + i, pos[i]);
            }
        assertEquals(c.bytes(), 2L * 4 * m.config().headDim() * 16 * c.layers() * c.kvHeads());
    }

    @ParameterizedTest
    @CsvSource({
        "h2o:keep=0.5,32",
        "snapkv:keep=0.75,48",
        "tova:keep=0.25,16",
        "knorm:keep=0.5,32",
        "keydiff:keep=0.5,32",
        "expectedattention:keep=0.5,32",
        "random-kv:ratio=0.5,32",
        "ems:keep=0.5,32"
    })
    void prefillPressesLeaveTheTargetPerHead(String spec, int expected) {
        LlamaModel m = StoriesFixture.model();
        Session s = session(m, spec.replace(';', ','));
        s.prefill(StoriesFixture.text(64), false);
        for (int[] row : s.cache().lengths()) for (int n : row) assertEquals(expected, n, spec);
    }

    @Test
    void decodingPressRecompressesEveryNStepsToTheTarget() {
        LlamaModel m = StoriesFixture.model();
        int[] ids = StoriesFixture.text(43);
        Session s = session(m, "decoding:press=h2o,budget=16,every=8");
        int[] seen = new int[ids.length];
        for (int t = 0; t < ids.length; t++) {
            s.step(ids[t]);
            seen[t] = s.cache().length(0, 0);
        }
        // grows to 16 + 8 = 24 entries, then back to 16: 16 after steps 24, 32, 40 (1-based)
        assertEquals(16, seen[23]);
        assertEquals(23, seen[30]);
        assertEquals(16, seen[31]);
        assertEquals(16 + (43 - 40), seen[42]);
        Session frac = session(m, "h2o:keep=0.5,decode=true");
        for (int t = 0; t < 40; t++) frac.step(ids[t]);
        assertEquals(20, frac.cache().length(3, 1), "keep=0.5 of the 40 tokens seen");
    }

    @Test
    void snapKvAlwaysKeepsTheObservationWindow() {
        LlamaModel m = StoriesFixture.model();
        Session s = session(m, "snapkv:keep=0.75,window=32");
        s.prefill(StoriesFixture.text(64), false);
        float[] pos = s.cache().store(2, 1).positions();
        for (int i = 0; i < 32; i++) assertEquals(32 + i, pos[16 + i]);
    }

    @Test
    void adaKvSpendsTheLayerBudgetWithAFloorPerHead() {
        LlamaModel m = StoriesFixture.model();
        Session s = session(m, "adakv:keep=0.25,window=4");
        s.prefill(StoriesFixture.text(64), false);
        boolean unequal = false;
        for (int[] row : s.cache().lengths()) {
            int total = 0;
            for (int n : row) {
                total += n;
                assertTrue(n >= 4 && n >= Math.ceil(0.2 * 16), "floor: " + n);
                unequal |= n != row[0];
            }
            assertEquals(16 * row.length, total);
        }
        assertTrue(unequal, "head-adaptive budgets should differ between heads somewhere");
    }

    @Test
    void pyramidKvBudgetsDecreaseWithDepthAndAverageTheTarget() {
        LlamaModel m = StoriesFixture.model();
        Session s = session(m, "pyramidkv:keep=0.5,window=8");
        s.prefill(StoriesFixture.text(64), false);
        int[][] len = s.cache().lengths();
        double mean = 0;
        for (int l = 0; l < len.length; l++) {
            mean += len[l][0] / (double) len.length;
            if (l > 0) assertTrue(len[l][0] < len[l - 1][0], "layer " + l);
        }
        assertEquals(32, mean, 1.0);
        PyramidKvPress p =
                (PyramidKvPress) Presses.available().get("pyramidkv").create(Map.of("keep", "0.5", "window", "8"), m);
        assertEquals(8 + Math.round(2 * 24 - 24 / 20.0), p.layerTarget(0, 32));
        assertEquals(8 + Math.round(24 / 20.0), p.layerTarget(m.config().nLayers() - 1, 32));
    }

    @Test
    void sizedStoreEntryWeighsLikeItsDuplicates() {
        // one entry of size 3 must attend exactly like three identical entries
        float[] k = {0.5f, -1, 2, 0}, v = {1, 2, 3, 4}, k2 = {1, 1, 1, 1}, v2 = {-1, 0, 1, 0};
        SizedKvStore sized = new SizedKvStore(4, 8);
        sized.append(k, 0, v, 0, 0);
        sized.append(k2, 0, v2, 0, 1);
        sized.setSizes(new float[] {3, 1});
        DenseKvStore dup = new DenseKvStore(4, 8);
        for (int i = 0; i < 3; i++) dup.append(k, 0, v, 0, 0);
        dup.append(k2, 0, v2, 0, 1);
        float[] q = {0.3f, 0.2f, -0.1f, 0.4f};
        assertArrayEquals(attend(dup, q), attend(sized, q), 1e-6f);
    }

    static float[] attend(HeadKvStore s, float[] q) {
        int n = s.length();
        float[] a = new float[n];
        s.scores(q, 0, n, a, 0);
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float x : a) max = Math.max(max, x / 2.0);
        for (int i = 0; i < n; i++) {
            a[i] = (float) Math.exp(a[i] / 2.0 - max);
            sum += a[i];
        }
        for (int i = 0; i < n; i++) a[i] /= sum;
        float[] out = new float[4];
        s.weightedValues(a, 0, n, out, 0);
        return out;
    }

    @Test
    void razorAttentionKeepsRetrievalHeadsWholeAndCompensatesTheOthers() {
        LlamaModel m = StoriesFixture.model();
        RetrievalHeads heads = RetrievalHeads.probe(m, 64, 0.14, 0.01, 0);
        assertTrue(heads.kvFraction() > 0 && heads.kvFraction() < 1, "fraction " + heads.kvFraction());
        for (float[] l : heads.induction()) for (float x : l) assertTrue(x >= 0 && x <= 1);
        RazorAttentionPress p =
                new RazorAttentionPress(m.shape(), heads, dev.squeeze.core.select.Budget.count(16), 4, false);
        Session s = m.newSession(SessionOptions.builder().hook(p).build());
        s.prefill(StoriesFixture.text(64), false);
        for (int l = 0; l < m.config().nLayers(); l++)
            for (int h = 0; h < m.config().nKvHeads(); h++) {
                HeadKvStore st = s.cache().store(l, h);
                if (heads.isRetrieval(l, h)) {
                    assertEquals(64, st.length());
                } else {
                    assertEquals(16, st.length());
                    SizedKvStore z = (SizedKvStore) st;
                    assertEquals(64 - 15, z.size(4), "the compensation token stands for every dropped token");
                    float sum = 0;
                    for (float x : z.sizes()) sum += x;
                    assertEquals(64, sum);
                }
            }
        // decode: later drops fold into the same token
        for (int t = 0; t < 5; t++) s.step(5 + t);
        SizedKvStore z = null;
        for (int h = 0; h < m.config().nKvHeads() && z == null; h++)
            if (!heads.isRetrieval(0, h)) z = (SizedKvStore) s.cache().store(0, h);
        if (z != null) assertEquals(64 + 5 - 15, z.size(4));
    }

    @Test
    void emsMergesEvictedEntriesIntoKeptOnes() {
        LlamaModel m = StoriesFixture.model();
        Session s = session(m, "ems:keep=0.25,sim=-1");
        s.prefill(StoriesFixture.text(64), false);
        SizedKvStore z = (SizedKvStore) s.cache().store(1, 0);
        assertEquals(16, z.length());
        float sum = 0;
        for (float x : z.sizes()) sum += x;
        assertEquals(64, sum, "with sim=-1 every evicted entry is merged somewhere");
    }

    @Test
    void tidalDecodeReadsFewerRowsAndEqualsDenseWhenKCoversAll() {
        LlamaModel m = StoriesFixture.model();
        ModelShape c = m.shape();
        int[] ids = StoriesFixture.text(80);
        TidalDecodePress sparse = new TidalDecodePress(c, 8, 0, 2, -1);
        Session s = m.newSession(SessionOptions.builder().hook(sparse).build());
        s.prefill(java.util.Arrays.copyOf(ids, 40), false);
        for (int t = 40; t < 80; t++) s.step(ids[t]);
        assertTrue(sparse.trafficFraction() < 0.9, "traffic " + sparse.trafficFraction());
        long dense = 2L * 4 * c.headDim() * 80 * c.nLayers() * c.nKvHeads();
        assertEquals(dense, s.cache().bytes(), "memory is not saved");
    }

    @Test
    void gemFilterSelectsInOrderAndKeepsTheLastToken() {
        LlamaModel m = StoriesFixture.model();
        int[] ids = StoriesFixture.text(64);
        GemFilter.Selection sel =
                GemFilter.select(m, ids, GemFilter.defaultLayer(m.config().nLayers()), 16, 5);
        assertEquals(16, sel.indices().length);
        for (int i = 1; i < 16; i++) assertTrue(sel.indices()[i] > sel.indices()[i - 1]);
        assertEquals(63, sel.indices()[15]);
        for (int i = 0; i < 16; i++) assertEquals(ids[sel.indices()[i]], sel.tokens()[i]);
        assertArrayEquals(ids, GemFilter.select(m, ids, 2, 64, 5).tokens());
    }

    @Test
    void gemFilterSpecReplacesThePromptByARerunOnTheChosenTokens() {
        LlamaModel m = StoriesFixture.model();
        int[] ids = StoriesFixture.text(64), next = StoriesFixture.text(64);
        GemFilter.Selection sel =
                GemFilter.select(m, ids, GemFilter.defaultLayer(m.config().nLayers()), 16, 5);
        Session fresh = m.newSession();
        fresh.prefill(sel.tokens(), false);
        Session s = session(m, "gemfilter:budget=16");
        s.prefill(ids, false);
        assertEquals(16, s.position(), "the rerun's positions 0..15");
        for (int l = 0; l < 5; l++)
            for (int h = 0; h < 4; h++) {
                assertArrayEquals(
                        fresh.cache().store(l, h).keys().data(),
                        s.cache().store(l, h).keys().data(),
                        1e-5f,
                        "keys of " + l + "/" + h);
                assertArrayEquals(
                        fresh.cache().store(l, h).values().data(),
                        s.cache().store(l, h).values().data(),
                        1e-5f);
            }
        for (int t = 10; t < 14; t++)
            assertArrayEquals(fresh.step(next[t]), s.step(next[t]), 1e-4f, "decode after the rerun, token " + t);
    }

    @Test
    void evictThenQuantiseComposes() {
        LlamaModel m = StoriesFixture.model();
        Session s = session(m, "snapkv:keep=0.5+kivi:bits=4,group=8,residual=8");
        s.prefill(StoriesFixture.text(64), false);
        HeadKvStore st = s.cache().store(3, 2);
        assertInstanceOf(KiviStore.class, st);
        assertEquals(32, st.length());
        assertTrue(
                s.cache().bytes() < 2L * 4 * 8 * 32 * 20 / 2,
                "bytes " + s.cache().bytes());
        Session layered = session(m, "kivi:bits=4,layers=0-1+kivi:bits=2,layers=2-4");
        layered.prefill(StoriesFixture.text(64), false);
        assertEquals(4, ((KiviStore) layered.cache().store(0, 0)).bits());
        assertEquals(2, ((KiviStore) layered.cache().store(4, 0)).bits());
        Session pre = session(m, "kivi:bits=2,preRope=true");
        pre.prefill(StoriesFixture.text(64), false);
        assertTrue(((KiviStore) pre.cache().store(2, 1)).preRope());
        assertFalse(
                ((KiviStore) layered.cache().store(2, 1)).preRope(),
                "KIVI's reference quantises rotated keys: preRope is off by default");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "h2o:keep=1.5|keep=1.5",
                "h2o:keep=0|keep=0",
                "snapkv:ratio=1|ratio=1",
                "tova:ratio=-0.1|ratio=-0.1",
                "streamingllm:budget=100000|budget=100000",
                "kivi:bits=3|bits=3",
                "gear:bits=1|bits=1",
                "zipcache:hi=5|hi=5",
                "snapkv:keep=0.5,decode=true|decode",
                "h2o:keep=0.5,budget=3|only one of",
                "knorm:keep=0.5,foo=1|foo",
                "streamingllm|needs keep",
                "cskv:rank=99|rank=99",
                "pyramidkv:keep=0.5,kernel=4|kernel=4",
                "razorattention:keep=0.5,layers=1|layers",
                "decoding:press=snapkv,budget=8|press=snapkv",
                "tidaldecode:keep=0.5,k=3|exactly one",
                "kivi:bits=4,layers=7|layers=7",
                "kivi:preRope=maybe|preRope=maybe",
                "kivi:group=8,residual=4|R = 4 is not a multiple of the group size G = 8"
            })
    void badSpecsNameTheParameterAndValue(String spec, String mention) {
        LlamaModel m = StoriesFixture.model();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Presses.create(spec, m));
        assertTrue(e.getMessage().contains(mention), spec + " -> " + e.getMessage());
    }

    @Test
    void everyPressIsInTheCatalog() {
        var names = new java.util.HashSet<String>();
        for (var mi : new dev.squeeze.kv.api.PressCatalog().methods()) {
            names.add(mi.name());
            assertFalse(mi.notes().isBlank(), mi.name());
        }
        for (String p : Presses.available().keySet())
            if (!p.equals("none")) assertTrue(names.contains(p), "catalog lacks " + p);
    }

    @Test
    void keysAreNotRerotatedByEviction() {
        LlamaModel m = StoriesFixture.model();
        Session full = m.newSession();
        full.prefill(StoriesFixture.text(64), false);
        Session s = session(m, "knorm:keep=0.5");
        s.prefill(StoriesFixture.text(64), false);
        HeadKvStore a = full.cache().store(0, 0), b = s.cache().store(0, 0);
        FloatMatrix ka = a.keys(), kb = b.keys();
        for (int i = 0; i < b.length(); i++) {
            int p = (int) b.position(i);
            // same key up to float rounding (two runs may round differently before the JIT settles); a
            // re-rotation would change it by O(1)
            for (int c = 0; c < ka.cols(); c++) assertEquals(ka.get(p, c), kb.get(i, c), 1e-5f);
        }
    }
}
