package dev.squeeze.cachegen;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.cachegen.store.DirectoryKvStore;
import dev.squeeze.core.data.DataAssumptions;
import dev.squeeze.core.data.SharedData;
import dev.squeeze.llm.format.Llama2cLoader;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CacheGen on a real cache: stories260K over tinystories-sample.txt. */
class StoriesCacheGenTest {
    static LlamaModel model;
    static List<int[]> seqs;

    @BeforeAll
    static void load() throws Exception {
        if (!DataAssumptions.present("models/stories260K.bin")) return;
        model = Llama2cLoader.load(
                SharedData.require("models/stories260K.bin"), SharedData.require("models/tok512.bin"));
        seqs = new ArrayList<>();
        for (String p : Files.readString(SharedData.require("text/tinystories-sample.txt"))
                .split("\\n\\s*\\n")) {
            if (!p.isBlank()) seqs.add(model.tokenizer().encode(p.strip(), true));
        }
    }

    @AfterAll
    static void close() {
        if (model != null) model.close();
    }

    static void assumeModel() {
        Assumptions.assumeTrue(model != null, "../shared/data/models/stories260K.bin is absent");
    }

    static int[] firstTokens(int n) {
        int[] all = new int[n];
        int at = 0;
        for (int[] s : seqs) {
            int take = Math.min(s.length, n - at);
            System.arraycopy(s, 0, all, at, take);
            at += take;
            if (at == n) break;
        }
        return all;
    }

    @Test
    void defaultLevelIsAtLeast3p5xSmallerThanFp16AtAtMost1p01xPerplexity() throws Exception {
        assumeModel();
        var r = RoundTripPerplexity.evaluate(
                model, seqs, 256, 256, 10, CacheGenEncoder.builder().build());
        assertTrue(r.compression() >= 3.5, "compression vs fp16: " + r.compression());
        assertTrue(r.pplRatio() <= 1.01, "perplexity ratio: " + r.pplRatio());
        assertTrue(r.top1Agreement() >= 0.95, "top-1 agreement " + r.top1Agreement());
    }

    @Test
    void theFinestLevelReproducesTheFullCacheClosely() throws Exception {
        assumeModel();
        var r = RoundTripPerplexity.evaluate(
                model, seqs, 128, 64, 3, CacheGenEncoder.builder().level(0).build());
        assertEquals(1.0, r.pplRatio(), 0.002);
        assertTrue(r.top1Agreement() > 0.99, "agreement " + r.top1Agreement());
    }

    @Test
    void aRestoredSessionContinuesFromTheRightPosition() throws Exception {
        assumeModel();
        int[] tok = firstTokens(100);
        Session a = model.newSession();
        a.prefill(Arrays.copyOf(tok, 99), false);
        KvSnapshot snap = KvSnapshot.of(a.cache(), Arrays.copyOf(tok, 99));
        ModelFingerprint fp = ModelFingerprint.of(model);
        KvSnapshot back = CacheGenReader.of(
                        CacheGenEncoder.builder()
                                .level(0)
                                .build()
                                .encode(snap, fp)
                                .toByteArray(),
                        "s")
                .decode(fp);
        Session b = model.newSession();
        back.restoreInto(b);
        assertEquals(99, b.position());
        float[] la = a.step(tok[99]).clone();
        float[] lb = b.step(tok[99]);
        assertTrue(
                TestCaches.maxAbsDiff(la, lb) < 0.05 * TestCaches.maxAbs(la),
                "logits differ by " + TestCaches.maxAbsDiff(la, lb));
        assertEquals(RoundTripPerplexity.argmax(la, la.length), RoundTripPerplexity.argmax(lb, lb.length));
    }

    @Test
    void prefixReuseFromADirectoryMatchesAFullRecompute(@TempDir Path dir) throws Exception {
        assumeModel();
        int[] tok = firstTokens(400);
        ModelFingerprint fp = ModelFingerprint.of(model);
        KvPrefixCache pc = new KvPrefixCache(
                new DirectoryKvStore(dir), CacheGenEncoder.builder().level(1).build());
        Session s = model.newSession();
        s.prefill(Arrays.copyOf(tok, 300), false);
        long written = pc.save(fp, KvSnapshot.of(s.cache(), Arrays.copyOf(tok, 300)));
        assertTrue(written > 0);
        // 256 full + 44 tail, plus the tables: 3 files, none left half-written
        try (var files = Files.list(dir)) {
            assertEquals(
                    3,
                    files.filter(p -> !p.getFileName().toString().startsWith("."))
                            .count());
        }
        Session reuse = model.newSession();
        KvPrefixCache.Reuse r = pc.prefill(model, reuse, tok);
        assertNull(r.fallback());
        assertEquals(300, r.loadedTokens());
        assertEquals(100, r.computedTokens());
        Session full = model.newSession();
        float[] ref = full.prefill(tok, false).data();
        assertTrue(
                TestCaches.maxAbsDiff(ref, r.logits()) < 0.05 * TestCaches.maxAbs(ref),
                "logits differ by " + TestCaches.maxAbsDiff(ref, r.logits()));
        assertEquals(RoundTripPerplexity.argmax(ref, ref.length), RoundTripPerplexity.argmax(r.logits(), ref.length));
        // a prompt that diverges inside the tail chunk reuses only the matching tokens
        int[] diverged = tok.clone();
        diverged[280] = (diverged[280] + 1) % 512;
        KvPrefixCache.Reuse d = pc.prefill(model, model.newSession(), diverged);
        assertEquals(280, d.loadedTokens());
        // a prompt that diverges in the first chunk reuses nothing
        int[] other = tok.clone();
        other[10] = (other[10] + 1) % 512;
        assertEquals(0, pc.prefill(model, model.newSession(), other).loadedTokens());
    }

    @Test
    void aDamagedStoredChunkFallsBackToRecompute(@TempDir Path dir) throws Exception {
        assumeModel();
        int[] tok = firstTokens(300);
        ModelFingerprint fp = ModelFingerprint.of(model);
        KvPrefixCache pc = new KvPrefixCache(
                new DirectoryKvStore(dir), CacheGenEncoder.builder().build());
        Session s = model.newSession();
        s.prefill(tok, false);
        pc.save(fp, KvSnapshot.of(s.cache(), tok));
        Path tail;
        try (var files = Files.list(dir)) {
            tail = files.filter(p -> p.getFileName().toString().startsWith("t-"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] b = Files.readAllBytes(tail);
        b[b.length - 3] ^= 0x40;
        Files.write(tail, b);
        KvPrefixCache.Reuse r = pc.prefill(model, model.newSession(), tok);
        assertEquals(256, r.loadedTokens(), "the intact first chunk is used, the damaged tail recomputed");
        assertNotNull(r.fallback());
        assertTrue(r.fallback().contains("checksum"), r.fallback());
    }

    @Test
    void aStreamFromAnotherModelIsRefused(@TempDir Path dir) throws Exception {
        assumeModel();
        // the same model re-exported with Q8_0 weights: same shapes, other weights
        Path gguf = dir.resolve("stories-q8.gguf");
        dev.squeeze.llm.format.GgufWriter.fromModel(model, dev.squeeze.llm.quant.GgmlType.Q8_0)
                .write(gguf);
        try (LlamaModel q8 = dev.squeeze.llm.format.ModelLoader.load(gguf, null)) {
            ModelFingerprint a = ModelFingerprint.of(model), b = ModelFingerprint.of(q8);
            assertEquals(a.kvDim(), b.kvDim());
            assertNotEquals(a, b);
            assertEquals(a, ModelFingerprint.of(model), "the fingerprint is deterministic");
            int[] tok = firstTokens(40);
            Session s = model.newSession();
            s.prefill(tok, false);
            byte[] stream = CacheGenEncoder.builder()
                    .build()
                    .encode(KvSnapshot.of(s.cache(), tok), a)
                    .toByteArray();
            var e = assertThrows(
                    dev.squeeze.cachegen.codec.CorruptStreamException.class,
                    () -> CacheGenReader.of(stream, "s").decode(b));
            assertTrue(e.getMessage().contains("another model"), e.getMessage());
        }
    }
}
