package dev.squeeze.beam;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The compression job: {@link ReadDocuments} -> {@link CompressDocuments} -> {@code OUTPUT/compressed-*.jsonl} (one
 * {@link CompressedDocument} per line) and {@code OUTPUT/dead-letter-*.jsonl} (one {@link DeadLetter} per line, from
 * every stage). Behind {@code squeeze batch compress} and {@link BatchCompressJob}.
 */
public final class BatchCompress {
    public static final String COMPRESSED_PREFIX = "compressed", DEAD_LETTER_PREFIX = "dead-letter";

    private static final TupleTag<String> JSON_LINES = new TupleTag<>("compressed-json") {};
    private static final TupleTag<DeadLetter> FAILED = new TupleTag<>("failed") {};

    private BatchCompress() {}

    /** What one job does. */
    public record Job(
            String input,
            String output,
            CompressorSource compressor,
            CompressionSettings settings,
            int maxRecordBytes,
            int maxWordChars,
            int spreadBuckets) {
        /** The job the options describe; a bad option fails here, before the pipeline runs. */
        public static Job from(BatchCompressOptions o) {
            CompressionSettings s = o.getTargetTokens() != null
                    ? CompressionSettings.targetTokens(o.getTargetTokens())
                    : CompressionSettings.rate(o.getRate() == null ? 0.5 : o.getRate());
            if (o.getTargetTokens() != null && o.getRate() != null) {
                throw new IllegalArgumentException("give --rate or --targetTokens, not both");
            }
            Map<String, String> options = parseOptions(o.getMethodOption());
            s = s.withEncoding(o.getEncoding()).withKeep(o.getKeep()).withOptions(options);
            return new Job(
                    o.getInput(),
                    o.getOutput(),
                    CompressorSource.registry(o.getMethod(), options),
                    s,
                    o.getMaxRecordBytes(),
                    o.getMaxWordChars(),
                    o.getSpreadBuckets());
        }

        /**
         * Adds the job's transforms to {@code p}: {@link ReadDocuments}'s lines, then parse, compress and render in
         * one step ({@link CompressRecords}; what {@link CompressDocuments} does, without a runner's hand-over between
         * the steps), then the two outputs.
         */
        public void addTo(Pipeline p) {
            ReadDocuments read = ReadDocuments.from(input)
                    .withMaxRecordBytes(maxRecordBytes)
                    .withMaxWordChars(maxWordChars)
                    .withSpreadBuckets(spreadBuckets);
            PCollectionTuple lines = p.apply("Read", read.spreadLines());
            PCollectionTuple compressed = lines.get(ReadDocuments.LINES)
                    .apply(
                            "Compress",
                            ParDo.of(new CompressRecords(maxWordChars, compressor, settings, JSON_LINES, FAILED))
                                    .withOutputTags(JSON_LINES, TupleTagList.of(FAILED)));
            compressed.get(JSON_LINES).setCoder(StringUtf8Coder.of());
            compressed.get(FAILED).setCoder(DeadLetter.Coder.of());
            PCollection<DeadLetter> failed = PCollectionList.of(lines.get(ReadDocuments.FAILED))
                    .and(compressed.get(FAILED))
                    .apply("AllFailures", Flatten.pCollections());
            BatchJobs.writeLines(compressed.get(JSON_LINES), "WriteCompressed", output, COMPRESSED_PREFIX);
            BatchJobs.writeJsonl(failed, "DeadLetter", DeadLetter::toJson, output, DEAD_LETTER_PREFIX);
        }
    }

    /** Runs the job the options describe on their runner and waits; fails unless it finished. */
    public static BatchMetrics.Totals run(BatchCompressOptions options) {
        Job job = Job.from(options);
        Pipeline p = Pipeline.create(options);
        job.addTo(p);
        return BatchMetrics.totals(BatchJobs.runToCompletion(p, "compression job"));
    }

    static Map<String, String> parseOptions(List<String> pairs) {
        Map<String, String> m = new TreeMap<>();
        if (pairs == null) return m;
        for (String kv : pairs) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("method option must be key=value, got '" + kv + "'");
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }
}
