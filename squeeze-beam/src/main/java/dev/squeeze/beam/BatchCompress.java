package dev.squeeze.beam;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * The compression job: {@link ReadDocuments} -> {@link CompressDocuments} -> {@code OUTPUT/compressed-*.jsonl} (one
 * {@link CompressedDocument} per line) and {@code OUTPUT/dead-letter-*.jsonl} (one {@link DeadLetter} per line, from
 * every stage). Behind {@code squeeze batch compress} and {@link BatchCompressJob}.
 */
public final class BatchCompress {
    public static final String COMPRESSED_PREFIX = "compressed", DEAD_LETTER_PREFIX = "dead-letter";

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
         * one step ({@link CompressRecords}: what {@link ReadDocuments} and {@link CompressDocuments} do, without a
         * runner's hand-over between the steps), then both outputs through one file write.
         */
        public void addTo(Pipeline p) {
            ReadDocuments read = ReadDocuments.from(input)
                    .withMaxRecordBytes(maxRecordBytes)
                    .withMaxWordChars(maxWordChars)
                    .withSpreadBuckets(spreadBuckets);
            PCollectionTuple lines = p.apply("Read", read.spreadLines());
            PCollection<KV<String, String>> compressed = lines.get(ReadDocuments.LINES)
                    .apply(
                            "Compress",
                            ParDo.of(new CompressRecords(
                                    maxWordChars, compressor, settings, COMPRESSED_PREFIX, DEAD_LETTER_PREFIX)))
                    .setCoder(BatchJobs.KEYED_LINES);
            PCollection<KV<String, String>> readFailures = lines.get(ReadDocuments.FAILED)
                    .apply("ReadFailuresJson", ParDo.of(new JsonLines<>(DeadLetter::toJson)))
                    .apply("ToDeadLetter", WithKeys.of(DEAD_LETTER_PREFIX))
                    .setCoder(BatchJobs.KEYED_LINES);
            PCollectionList.of(compressed)
                    .and(readFailures)
                    .apply("AllLines", Flatten.pCollections())
                    .apply("Write", BatchJobs.writeJsonlByPrefix(output));
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
