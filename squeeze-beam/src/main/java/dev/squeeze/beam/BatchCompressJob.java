package dev.squeeze.beam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.jspecify.annotations.Nullable;

/**
 * The job jar's entry point ({@code spark-submit --class dev.squeeze.beam.BatchCompressJob squeeze-beam-job.jar
 * --runner=SparkRunner --input=... --output=...}): the options of {@link BatchCompressOptions} and of the runner.
 * Prints the job's counters; exits 1 if they do not add up. On the DirectRunner it sets what {@code squeeze batch}
 * sets ({@link #withDirectRunnerDefaults}).
 */
public final class BatchCompressJob {
    private BatchCompressJob() {}

    public static void main(String[] args) {
        PipelineOptionsFactory.register(BatchCompressOptions.class);
        BatchCompressOptions options = PipelineOptionsFactory.fromArgs(
                        withDirectRunnerDefaults(Arrays.asList(args)).toArray(String[]::new))
                .withValidation()
                .as(BatchCompressOptions.class);
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

    /**
     * {@code args} plus, when they run the DirectRunner (Beam's default runner) and do not say otherwise, what
     * {@code squeeze batch compress} gives it: the element immutability and encodability checks off (test aids that
     * encode and compare every element again) and the records spread over one key per worker thread (the cores, at
     * least 3, as its {@code targetParallelism}) instead of the cluster default of {@link
     * ReadDocuments#DEFAULT_SPREAD_BUCKETS}. Other runners' arguments are returned as given.
     */
    static List<String> withDirectRunnerDefaults(List<String> args) {
        String runner = value(args, "runner");
        if (runner != null && !runner.equals("DirectRunner") && !runner.endsWith(".DirectRunner")) return args;
        List<String> out = new ArrayList<>(args);
        if (value(args, "enforceImmutability") == null) out.add("--enforceImmutability=false");
        if (value(args, "enforceEncodability") == null) out.add("--enforceEncodability=false");
        if (value(args, "spreadBuckets") == null) {
            String threads = value(args, "targetParallelism");
            out.add("--spreadBuckets="
                    + (threads != null
                            ? threads
                            : Math.max(3, Runtime.getRuntime().availableProcessors())));
        }
        return out;
    }

    /** The value of {@code --name=value} in {@code args}, or null. */
    private static @Nullable String value(List<String> args, String name) {
        String prefix = "--" + name + "=";
        for (String a : args) if (a.startsWith(prefix)) return a.substring(prefix.length());
        return null;
    }
}
