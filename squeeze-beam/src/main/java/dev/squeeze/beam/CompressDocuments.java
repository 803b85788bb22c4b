package dev.squeeze.beam;

import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.PromptCompressor;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
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
 * Compresses every {@link Document} with one squeeze-text method: the compressed records under {@link #COMPRESSED},
 * the records the method refused (its {@code IllegalArgumentException}s: a question longer than the budget, bad
 * text) under {@link #FAILED} with the reason. The compressor is made once per DoFn instance, in {@code @Setup}, by
 * the {@link CompressorSource}. Counters: {@code records_out}, {@code records_failed}, {@code tokens_in},
 * {@code tokens_out} ({@link BatchMetrics}).
 *
 * <pre>{@code
 * PCollectionTuple r = documents.apply(CompressDocuments.of(CompressorSource.registry("lexical", Map.of()),
 *         CompressionSettings.rate(0.3)));
 * r.get(CompressDocuments.COMPRESSED); r.get(CompressDocuments.FAILED);
 * }</pre>
 */
public final class CompressDocuments extends PTransform<PCollection<Document>, PCollectionTuple> {
    public static final TupleTag<CompressedDocument> COMPRESSED = new TupleTag<>("compressed") {};
    public static final TupleTag<DeadLetter> FAILED = new TupleTag<>("failed") {};

    private final CompressorSource source;
    private final CompressionSettings settings;

    private CompressDocuments(CompressorSource source, CompressionSettings settings) {
        this.source = source;
        this.settings = settings;
    }

    public static CompressDocuments of(CompressorSource source, CompressionSettings settings) {
        return new CompressDocuments(source, settings);
    }

    @Override
    public PCollectionTuple expand(PCollection<Document> documents) {
        PCollectionTuple r = documents.apply(
                "Compress",
                ParDo.of(new CompressFn(source, settings)).withOutputTags(COMPRESSED, TupleTagList.of(FAILED)));
        r.get(COMPRESSED).setCoder(CompressedDocument.Coder.of());
        r.get(FAILED).setCoder(DeadLetter.Coder.of());
        return r;
    }

    /** One compressor per instance; a runner reuses an instance for many bundles. */
    static final class CompressFn extends DoFn<Document, CompressedDocument> {
        private final CompressorSource source;
        private final CompressionSettings settings;
        private final Counter out = BatchMetrics.counter(BatchMetrics.RECORDS_OUT);
        private final Counter failed = BatchMetrics.counter(BatchMetrics.RECORDS_FAILED);
        private final Counter tokensIn = BatchMetrics.counter(BatchMetrics.TOKENS_IN);
        private final Counter tokensOut = BatchMetrics.counter(BatchMetrics.TOKENS_OUT);
        private transient @Nullable PromptCompressor compressor;

        CompressFn(CompressorSource source, CompressionSettings settings) {
            this.source = source;
            this.settings = settings;
        }

        @Setup
        public void setup() {
            compressor = source.create();
        }

        @ProcessElement
        public void process(@Element Document d, MultiOutputReceiver receiver) {
            CompressedDocument c = compressOrRefuse(d, receiver.get(FAILED)::output);
            if (c != null) receiver.get(COMPRESSED).output(c);
        }

        /**
         * The compressed document, or {@code null} after counting the method's refusal of it (its
         * {@code IllegalArgumentException}) and handing it to {@code refused}; anything else fails the bundle.
         */
        @Nullable
        CompressedDocument compressOrRefuse(Document d, Consumer<DeadLetter> refused) {
            PromptCompressor c = compressor;
            if (c == null) throw new IllegalStateException("@Setup did not run before @ProcessElement");
            CompressionResult r;
            try {
                r = c.compress(settings.request(d.text(), d.question()));
            } catch (IllegalArgumentException e) {
                failed.inc();
                refused.accept(DeadLetter.of(
                        d.id(),
                        d.origin(),
                        DeadLetter.COMPRESS,
                        String.valueOf(e.getMessage()),
                        d.text().getBytes(StandardCharsets.UTF_8)));
                return null;
            }
            out.inc();
            tokensIn.inc(r.originTokens());
            tokensOut.inc(r.compressedTokens());
            return CompressedDocument.of(d.id(), r);
        }
    }
}
