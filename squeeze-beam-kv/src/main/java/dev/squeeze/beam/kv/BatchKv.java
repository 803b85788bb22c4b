package dev.squeeze.beam.kv;

import dev.squeeze.beam.BatchCompress;
import dev.squeeze.beam.BatchJobs;
import dev.squeeze.beam.BatchMetrics;
import dev.squeeze.beam.DeadLetter;
import dev.squeeze.beam.ReadDocuments;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * The KV pre-computation job: {@link ReadDocuments} -> {@link PrecomputeKvCaches} -> the store, with a report
 * {@code OUTPUT/stored-*.jsonl} (one {@link KvStored} per document) and {@code OUTPUT/dead-letter-*.jsonl}.
 */
public final class BatchKv {
    public static final String STORED_PREFIX = "stored", DEAD_LETTER_PREFIX = BatchCompress.DEAD_LETTER_PREFIX;

    private BatchKv() {}

    /** What one job does. */
    public record Job(
            String input,
            String output,
            ModelSpec model,
            KvStoreSpec store,
            KvEncoding encoding,
            int maxRecordBytes,
            int spreadBuckets) {
        public static Job from(BatchKvOptions o) {
            return new Job(
                    o.getInput(),
                    o.getOutput(),
                    new ModelSpec(o.getModel(), o.getTokenizer(), o.getModelThreads()),
                    KvStoreSpec.of(o.getStore()),
                    new KvEncoding(o.getLevel(), o.getChunkTokens()),
                    o.getMaxRecordBytes(),
                    o.getSpreadBuckets());
        }

        public void addTo(Pipeline p) {
            PCollectionTuple read = p.apply(
                    "Read",
                    ReadDocuments.from(input).withMaxRecordBytes(maxRecordBytes).withSpreadBuckets(spreadBuckets));
            PCollectionTuple kv = read.get(ReadDocuments.DOCUMENTS)
                    .apply("PrecomputeKvCaches", PrecomputeKvCaches.of(model, store, encoding));
            BatchJobs.writeJsonl(kv.get(PrecomputeKvCaches.STORED), "Stored", KvStored::toJson, output, STORED_PREFIX);
            BatchJobs.writeJsonl(
                    PCollectionList.of(read.get(ReadDocuments.FAILED))
                            .and(kv.get(PrecomputeKvCaches.FAILED))
                            .apply("AllFailures", Flatten.pCollections()),
                    "DeadLetter",
                    DeadLetter::toJson,
                    output,
                    DEAD_LETTER_PREFIX);
        }
    }

    /** The job's totals: the batch counters and the KV ones. */
    public record Totals(BatchMetrics.Totals records, long written, long reused, long bytes, long cachedTokens) {}

    /** Runs the job the options describe and waits; fails unless it finished. */
    public static Totals run(BatchKvOptions options) {
        Job job = Job.from(options);
        Pipeline p = Pipeline.create(options);
        job.addTo(p);
        PipelineResult result = BatchJobs.runToCompletion(p, "KV job");
        return new Totals(
                BatchMetrics.totals(result),
                BatchMetrics.sum(result, PrecomputeKvCaches.KV_WRITTEN),
                BatchMetrics.sum(result, PrecomputeKvCaches.KV_REUSED),
                BatchMetrics.sum(result, PrecomputeKvCaches.KV_BYTES),
                BatchMetrics.sum(result, PrecomputeKvCaches.KV_TOKENS));
    }
}
