package dev.squeeze.beam.kv;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.beam.BatchCompress;
import dev.squeeze.beam.Corpus;
import dev.squeeze.beam.DeadLetter;
import dev.squeeze.beam.Document;
import dev.squeeze.cachegen.KvPrefixCache;
import dev.squeeze.cachegen.store.DirectoryKvStore;
import dev.squeeze.cachegen.store.KvStore;
import dev.squeeze.cachegen.store.RedisKvStore;
import dev.squeeze.core.data.DataAssumptions;
import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaModel;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KV job on the DirectRunner with stories260K (512-token context, 512-piece vocabulary: a passage is 80 to 930
 * tokens) over NQ gold passages, one essay (longer than the context: dead-lettered) and one line that is not JSON: into a directory store and into the loopback Redis of
 * scripts/test-services.sh; a second run writes nothing; a serving process's {@link KvPrefixCache#prefill} of a
 * prompt that starts with a document loads the document's whole chunks from the store and computes the rest.
 */
class PrecomputeKvCachesTest {
    /** 10 passages with 128-token chunks give every kind: shorter than a chunk, whole chunks, over the context. */
    static final int PASSAGES = 10, CHUNK = 128;

    @TempDir
    static Path dir;

    static Path model, tokenizer, input;
    static List<Document> passages;
    /** The passages that fit the model's context (the others are dead-lettered), and those of them with a whole chunk. */
    static List<Document> fitting, chunked;

    static LlamaModel serving;

    @BeforeAll
    static void corpus() throws Exception {
        model = DataAssumptions.require("models/stories260K.bin");
        tokenizer = DataAssumptions.require("models/tok512.bin");
        passages = Corpus.nqPassages(PASSAGES);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Document d : passages) {
            out.write(Corpus.jsonl(d));
            out.write('\n');
        }
        out.write(Corpus.jsonl(Corpus.essays(1).get(0)));
        out.write('\n');
        out.writeBytes("not json\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        input = dir.resolve("docs.jsonl");
        Files.write(input, out.toByteArray());
        serving = ModelLoader.load(model, tokenizer, 1);
        fitting = passages.stream()
                .filter(d -> serving.tokenizer().encode(d.text(), true).length
                        <= serving.config().seqLen())
                .toList();
        chunked = fitting.stream()
                .filter(d -> serving.tokenizer().encode(d.text(), true).length >= CHUNK)
                .toList();
        assertTrue(
                fitting.size() >= PASSAGES - 3 && fitting.size() < PASSAGES,
                fitting.size() + " of " + PASSAGES + " passages fit");
        assertTrue(
                chunked.size() < fitting.size() && chunked.size() >= 5,
                chunked.size() + " of " + fitting.size()); // both kinds
    }

    @AfterAll
    static void close() {
        if (serving != null) serving.close();
    }

    static BatchKv.Totals run(String store, String output) {
        return BatchKv.run(PipelineOptionsFactory.fromArgs(
                        "--runner=DirectRunner",
                        "--targetParallelism=2",
                        "--input=" + input,
                        "--output=" + dir.resolve(output),
                        "--model=" + model,
                        "--tokenizer=" + tokenizer,
                        "--store=" + store,
                        "--chunkTokens=" + CHUNK)
                .as(BatchKvOptions.class));
    }

    /** Every file of the store with its size and modification time. */
    static Map<String, String> listing(Path store) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(store)) {
            for (Path p : s.toList()) {
                FileTime t = Files.getLastModifiedTime(p);
                m.put(p.getFileName().toString(), Files.size(p) + "@" + t.toInstant());
            }
        }
        return m;
    }

    /** Each passage's prompt = its tokens + a question: prefill loads the whole passage from the store. */
    static void servedFromStore(KvStore store) {
        KvPrefixCache cache = new KvPrefixCache(store, new KvEncoding(3, CHUNK).encoder());
        for (Document d : chunked.subList(0, 4)) {
            int[] doc = serving.tokenizer().encode(d.text(), true);
            int[] q = serving.tokenizer().encode(" Who is in the story?", false);
            int[] prompt = new int[doc.length + q.length];
            System.arraycopy(doc, 0, prompt, 0, doc.length);
            System.arraycopy(q, 0, prompt, doc.length, q.length);
            KvPrefixCache.Reuse r = cache.prefill(serving, serving.newSession(), prompt);
            int whole = doc.length / CHUNK * CHUNK;
            assertNull(r.fallback(), d.id());
            assertEquals(whole, r.loadedTokens(), d.id());
            assertEquals(prompt.length - whole, r.computedTokens(), d.id());
        }
    }

    @Test
    void directoryStoreIsWrittenOnceAndServed() throws Exception {
        Path store = dir.resolve("kv");
        BatchKv.Totals first = run(store.toString(), "out1");
        int fit = fitting.size(), tooLong = PASSAGES - fit + 1; // and the essay
        assertEquals(PASSAGES + 2, first.records().recordsIn());
        assertEquals(fit, first.records().recordsOut());
        assertEquals(tooLong + 1, first.records().recordsFailed());
        assertTrue(first.records().balanced());
        assertEquals(chunked.size(), first.written());
        assertEquals(0, first.reused());
        List<String> failures = Corpus.lines(dir.resolve("out1"), BatchCompress.DEAD_LETTER_PREFIX);
        assertEquals(tooLong + 1, failures.size());
        assertEquals(
                tooLong,
                failures.stream()
                        .filter(l -> l.contains("\"stage\":\"" + DeadLetter.PREFILL + "\""))
                        .count());
        assertTrue(
                failures.stream()
                        .anyMatch(l -> l.contains("\"stage\":\"" + DeadLetter.PREFILL + "\"")
                                && l.contains("more than the model's context of 512 tokens")),
                failures.toString());
        assertEquals(
                fit, Corpus.lines(dir.resolve("out1"), BatchKv.STORED_PREFIX).size());
        long tokens = 0, whole = 0;
        for (Document d : fitting) {
            int n = serving.tokenizer().encode(d.text(), true).length;
            tokens += n;
            whole += n / CHUNK * CHUNK;
        }
        assertEquals(tokens, first.records().tokensIn());
        assertEquals(whole, first.cachedTokens());

        Map<String, String> before = listing(store);
        assertEquals(whole / CHUNK + chunked.size(), before.size()); // the chunks and one tables header per document
        BatchKv.Totals second = run(store.toString(), "out2");
        assertEquals(0, second.written());
        assertEquals(0, second.bytes());
        assertEquals(chunked.size(), second.reused());
        assertEquals(before, listing(store), "the second run wrote to the store");

        try (KvStore s = new DirectoryKvStore(store)) {
            servedFromStore(s);
        }
    }

    @Test
    void redisStoreIsWrittenOnceAndServed() throws Exception {
        String port = System.getenv("SQUEEZE_REDIS_PORT");
        Assumptions.assumeTrue(
                port != null && !port.isBlank(),
                "SQUEEZE_REDIS_PORT is not set: source scripts/test-services.sh to start redis-server (Redis tests skip)");
        String address = "redis://127.0.0.1:" + port.strip();
        BatchKv.Totals first = run(address, "redis1");
        assertEquals(fitting.size(), first.records().recordsOut());
        assertEquals(
                chunked.size(),
                first.written() + first.reused()); // a Redis kept since an earlier run already holds some
        BatchKv.Totals second = run(address, "redis2");
        assertEquals(0, second.written());
        assertEquals(chunked.size(), second.reused());
        try (KvStore s = new RedisKvStore("127.0.0.1", Integer.parseInt(port.strip()), 10_000)) {
            servedFromStore(s);
        }
    }
}
