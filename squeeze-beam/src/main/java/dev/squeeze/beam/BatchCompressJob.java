package dev.squeeze.beam;

import java.util.Locale;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The job jar's entry point ({@code spark-submit --class dev.squeeze.beam.BatchCompressJob squeeze-beam-job.jar
 * --runner=SparkRunner --input=... --output=...}): the options of {@link BatchCompressOptions} and of the runner.
 * Prints the job's counters; exits 1 if they do not add up.
 */
public final class BatchCompressJob {
    private BatchCompressJob() {}

    public static void main(String[] args) {
        PipelineOptionsFactory.register(BatchCompressOptions.class);
        BatchCompressOptions options =
                PipelineOptionsFactory.fromArgs(args).withValidation().as(BatchCompressOptions.class);
        BatchMetrics.Totals t = BatchCompress.run(options);
        System.out.println(String.format(
                Locale.ROOT,
                "records in %d, compressed %d, dead-letter %d; tokens %d -> %d",
                t.recordsIn(),
                t.recordsOut(),
                t.recordsFailed(),
                t.tokensIn(),
                t.tokensOut()));
        if (!t.balanced()) System.exit(1);
    }
}
