package dev.squeeze.beam;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.PromptCompressor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;

/** The compressor is made in {@code @Setup}, once per DoFn instance (reused for many bundles), never per record. */
class CompressorSetupTest {
    // static: the source is serialized into every DoFn copy, so only static state sees all of them (test code only)
    static final AtomicInteger CREATED = new AtomicInteger();
    static final List<AtomicInteger> CALLS = new CopyOnWriteArrayList<>(); // records compressed, per compressor

    /** Counts the compressors it makes and the records each compresses. */
    static final class CountingSource implements CompressorSource {
        @Override
        public PromptCompressor create() {
            CREATED.incrementAndGet();
            AtomicInteger calls = new AtomicInteger();
            CALLS.add(calls);
            PromptCompressor lexical = CompressorRegistry.load().create("lexical", Map.of());
            return new PromptCompressor() {
                @Override
                public String method() {
                    return lexical.method();
                }

                @Override
                public dev.squeeze.text.CompressionResult compress(dev.squeeze.text.CompressionRequest r) {
                    calls.incrementAndGet();
                    return lexical.compress(r);
                }
            };
        }
    }

    @Test
    void oneCompressorPerWorkerNotPerRecord() {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            docs.add(new Document(
                    "d" + i,
                    "Record number " + i + " talks about backups, retention and the Pro plan. "
                            + "It has a second sentence so that there is something to drop at rate one half.",
                    null,
                    "mem:" + i));
        }
        Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--targetParallelism=2")
                .create());
        PCollectionTuple r = p.apply(Create.of(docs).withCoder(Document.Coder.of()))
                .apply(CompressDocuments.of(new CountingSource(), CompressionSettings.rate(0.5)));
        r.get(CompressDocuments.COMPRESSED)
                .apply(Count.globally())
                .apply(MapElements.into(TypeDescriptors.longs()).via(n -> {
                    if (n != 300) throw new AssertionError("compressed " + n + " of 300");
                    return n;
                }));
        p.run().waitUntilFinish();
        // a compressor per record would be 300; per DoFn instance it is bounded by the runner's workers (2 here; the
        // DirectRunner may set up an instance per evaluator thread that then sees no bundle)
        int created = CREATED.get();
        assertTrue(created >= 1 && created <= 4, created + " compressors for 300 records on 2 workers");
        assertEquals(300, CALLS.stream().mapToInt(AtomicInteger::get).sum());
        assertTrue(CALLS.stream().mapToInt(AtomicInteger::get).max().orElse(0) >= 300 / created, CALLS.toString());
    }
}
