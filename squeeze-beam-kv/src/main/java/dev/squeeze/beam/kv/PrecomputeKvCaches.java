package dev.squeeze.beam.kv;

import dev.squeeze.beam.BatchMetrics;
import dev.squeeze.beam.DeadLetter;
import dev.squeeze.beam.Document;
import dev.squeeze.cachegen.KvPrefixCache;
import dev.squeeze.cachegen.KvSnapshot;
import dev.squeeze.cachegen.ModelFingerprint;
import dev.squeeze.cachegen.store.KvStore;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.jspecify.annotations.Nullable;

/**
 * Documents -> tokens (BOS first) -> prefill -> CacheGen chunks -> a {@link KvStore}, under the content addresses of
 * {@link KvPrefixCache} (SHA-256 of the model fingerprint, the chunk length and the token prefix), so a serving
 * process's {@link KvPrefixCache#prefill} of a prompt that starts with a document loads its cache instead of
 * computing it.
 *
 * <p>Only whole chunks are stored: the first floor(T / C) x C tokens of a T-token document (C = chunk tokens); the
 * serving process computes the rest (fewer than C tokens) with its prompt. A full chunk's key hashes the whole prefix
 * up to its end, so it never collides with another document's (equal keys are equal caches); a shorter last chunk is
 * keyed by the prefix before it ({@link dev.squeeze.cachegen.store.ChunkKeys#tail}), which every document sharing
 * that prefix (all documents shorter than one chunk share the empty one) would overwrite in turn.
 *
 * <p>Idempotent: a document whose whole chunks the store already holds (found and checked: CRCs, tables, model
 * fingerprint, token ids) is not prefilled and nothing is written ({@code reused}). The model, its session, the
 * encoder and the store connection are made once per DoFn instance, in {@code @Setup}.
 *
 * <p>Outputs: {@link #STORED} per document, {@link #FAILED} (dead letters) for documents longer than the model's
 * context. A store that cannot be written fails the bundle (the runner retries it), never a silent skip. Counters:
 * {@code records_out}, {@code records_failed}, {@code tokens_in} (document tokens), {@code kv_tokens} (tokens whose
 * cache is in the store), {@code kv_written}, {@code kv_reused}, {@code kv_bytes} ({@link BatchMetrics}).
 */
public final class PrecomputeKvCaches extends PTransform<PCollection<Document>, PCollectionTuple> {
    public static final TupleTag<KvStored> STORED = new TupleTag<>("stored") {};
    public static final TupleTag<DeadLetter> FAILED = new TupleTag<>("failed") {};
    public static final String KV_WRITTEN = "kv_written",
            KV_REUSED = "kv_reused",
            KV_BYTES = "kv_bytes",
            KV_TOKENS = "kv_tokens";

    private final ModelSpec model;
    private final KvStoreSpec store;
    private final KvEncoding encoding;

    private PrecomputeKvCaches(ModelSpec model, KvStoreSpec store, KvEncoding encoding) {
        this.model = model;
        this.store = store;
        this.encoding = encoding;
    }

    public static PrecomputeKvCaches of(ModelSpec model, KvStoreSpec store, KvEncoding encoding) {
        return new PrecomputeKvCaches(model, store, encoding);
    }

    @Override
    public PCollectionTuple expand(PCollection<Document> documents) {
        PCollectionTuple r = documents.apply(
                "Prefill",
                ParDo.of(new PrefillFn(model, store, encoding)).withOutputTags(STORED, TupleTagList.of(FAILED)));
        r.get(STORED).setCoder(KvStored.Coder.of());
        r.get(FAILED).setCoder(DeadLetter.Coder.of());
        return r;
    }

    /** Everything a worker holds: made in setup, closed in teardown. */
    private record Worker(
            LlamaModel model, ModelFingerprint fingerprint, Session session, KvStore store, KvPrefixCache cache) {}

    static final class PrefillFn extends DoFn<Document, KvStored> {
        private final ModelSpec modelSpec;
        private final KvStoreSpec storeSpec;
        private final KvEncoding encoding;
        private final Counter out = BatchMetrics.counter(BatchMetrics.RECORDS_OUT);
        private final Counter failed = BatchMetrics.counter(BatchMetrics.RECORDS_FAILED);
        private final Counter tokensIn = BatchMetrics.counter(BatchMetrics.TOKENS_IN);
        private final Counter tokensCached = BatchMetrics.counter(KV_TOKENS);
        private final Counter written = BatchMetrics.counter(KV_WRITTEN);
        private final Counter reused = BatchMetrics.counter(KV_REUSED);
        private final Counter bytes = BatchMetrics.counter(KV_BYTES);
        private transient @Nullable Worker worker;

        PrefillFn(ModelSpec model, KvStoreSpec store, KvEncoding encoding) {
            this.modelSpec = model;
            this.storeSpec = store;
            this.encoding = encoding;
        }

        @Setup
        public void setup() throws IOException {
            LlamaModel m = modelSpec.load();
            try {
                KvStore s = storeSpec.open();
                worker = new Worker(
                        m, ModelFingerprint.of(m), m.newSession(), s, new KvPrefixCache(s, encoding.encoder()));
            } catch (IOException | RuntimeException e) {
                m.close();
                throw e;
            }
        }

        @Teardown
        public void teardown() throws IOException {
            Worker w = worker;
            worker = null;
            if (w == null) return;
            try (LlamaModel ignored = w.model()) {
                w.store().close();
            }
        }

        @ProcessElement
        public void process(@Element Document d, MultiOutputReceiver receiver) throws IOException {
            Worker w = worker;
            if (w == null) throw new IllegalStateException("@Setup did not run before @ProcessElement");
            int[] tokens = w.model().tokenizer().encode(d.text(), true);
            int context = w.model().config().seqLen();
            if (tokens.length > context) {
                failed.inc();
                receiver.get(FAILED)
                        .output(DeadLetter.of(
                                d.id(),
                                d.origin(),
                                DeadLetter.PREFILL,
                                "document is " + tokens.length
                                        + " tokens (BOS included), more than the model's context of " + context
                                        + " tokens",
                                d.text().getBytes(StandardCharsets.UTF_8)));
                return;
            }
            String fp = w.fingerprint().hashHex();
            int chunk = encoding.chunkTokens();
            int cached = tokens.length / chunk * chunk; // whole chunks only (see the class comment)
            long fp16 = 4L * w.fingerprint().layers() * w.fingerprint().kvDim() * cached; // K and V, 2 bytes each
            if (cached == 0) {
                finish(receiver, new KvStored(d.id(), tokens.length, 0, 0, 0, false, fp));
                return;
            }
            KvPrefixCache.Loaded have = w.cache().loadPrefix(w.fingerprint(), tokens, cached);
            if (have.fallback() == null && have.snapshot().tokenCount() == cached) {
                reused.inc();
                finish(receiver, new KvStored(d.id(), tokens.length, cached, 0, fp16, true, fp));
                return;
            }
            Session s = w.session();
            s.reset();
            s.prefill(tokens, false);
            long n = w.cache()
                    .save(w.fingerprint(), KvSnapshot.of(s.cache(), tokens).prefix(cached));
            written.inc();
            bytes.inc(n);
            finish(receiver, new KvStored(d.id(), tokens.length, cached, n, fp16, false, fp));
        }

        private void finish(MultiOutputReceiver receiver, KvStored k) {
            out.inc();
            tokensIn.inc(k.tokens());
            tokensCached.inc(k.cachedTokens());
            receiver.get(STORED).output(k);
        }
    }
}
