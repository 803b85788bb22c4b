package dev.squeeze.cli.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import picocli.CommandLine.Option;

/**
 * The runner options both batch commands share (a picocli mixin), turned into Beam's arguments: the embedded
 * DirectRunner by default (with its per-element immutability and encodability checks off: they are test aids that
 * encode every element again), or Spark / Flink when their runner is on the class path (the job jar, docs/BATCH.md).
 */
final class RunnerOptions {
    @Option(
            names = "--runner",
            defaultValue = "direct",
            description = "direct (default, this machine), spark or flink.")
    String runner;

    @Option(
            names = "--workers",
            defaultValue = "0",
            description =
                    "DirectRunner worker threads, and the keys records are spread over (default 0: Beam's choice, the cores but at least 3).")
    int workers;

    @Option(
            names = "--beam-option",
            paramLabel = "--NAME=VALUE",
            description =
                    "A Beam or runner pipeline option, passed as given (repeatable), e.g. --beam-option=--sparkMaster=local[4].")
    List<String> beamOptions = new ArrayList<>();

    /** Beam's arguments: the runner's, then {@code job}'s, then the --beam-option ones. */
    List<String> args(List<String> job) {
        List<String> a = new ArrayList<>();
        switch (runner.toLowerCase(Locale.ROOT)) {
            case "direct" -> {
                a.add("--runner=DirectRunner");
                a.add("--enforceImmutability=false");
                a.add("--enforceEncodability=false");
                if (workers < 0) throw new IllegalArgumentException("--workers must be >= 0, got " + workers);
                if (workers > 0) a.add("--targetParallelism=" + workers);
                // one key per worker thread: the DirectRunner runs a bundle per key at a fixed cost each
                // (docs/BATCH.md)
                if (beamOptions.stream().noneMatch(o -> o.startsWith("--spreadBuckets="))) {
                    a.add("--spreadBuckets=" + (workers > 0 ? workers : directRunnerThreads()));
                }
            }
            case "spark" -> a.add("--runner=" + requireRunner("org.apache.beam.runners.spark.SparkRunner", "Spark"));
            case "flink" -> a.add("--runner=" + requireRunner("org.apache.beam.runners.flink.FlinkRunner", "Flink"));
            default ->
                throw new IllegalArgumentException("--runner must be direct, spark or flink, got '" + runner + "'");
        }
        if (workers != 0 && !"direct".equalsIgnoreCase(runner)) {
            throw new IllegalArgumentException("--workers is for the DirectRunner; give the " + runner
                    + " runner's own options with --beam-option");
        }
        a.addAll(job);
        for (String o : beamOptions) {
            if (!o.startsWith("--") || !o.contains("="))
                throw new IllegalArgumentException("--beam-option must be --NAME=VALUE, got '" + o + "'");
            a.add(o);
        }
        return a;
    }

    /** Beam's options of type {@code type} from {@link #args}; an unknown option is a clear error. */
    <T extends PipelineOptions> T options(Class<T> type, List<String> job) {
        PipelineOptionsFactory.register(type);
        return PipelineOptionsFactory.fromArgs(args(job).toArray(String[]::new))
                .withValidation()
                .as(type);
    }

    /** Runs a job, turning Beam's wrapper of a worker's failure into that failure's message. */
    static <R> R run(Supplier<R> job) {
        try {
            return job.get();
        } catch (Pipeline.PipelineExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("the job failed: " + c.getMessage(), c);
        }
    }

    /** The DirectRunner's default worker threads: the cores, at least 3 (its {@code targetParallelism}). */
    static int directRunnerThreads() {
        return Math.max(3, Runtime.getRuntime().availableProcessors());
    }

    private static String requireRunner(String className, String name) {
        try {
            Class.forName(className, false, RunnerOptions.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(
                    "the " + name + " runner is not on the class path of this command: build squeeze-beam's job jar "
                            + "(mvn -Pjob -pl squeeze-beam -am package -DskipTests) and submit it to the cluster, see docs/BATCH.md");
        }
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
