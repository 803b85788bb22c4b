package dev.squeeze.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The job jar's main gives the DirectRunner what the CLI gives it, and leaves other runners and explicit values alone. */
class BatchCompressJobTest {
    static final List<String> JOB = List.of("--input=in/*.jsonl", "--output=out/");

    @Test
    void directRunnerGetsTheChecksOffAndOneKeyPerThread() {
        int threads = Math.max(3, Runtime.getRuntime().availableProcessors());
        List<String> want = List.of(
                "--input=in/*.jsonl",
                "--output=out/",
                "--enforceImmutability=false",
                "--enforceEncodability=false",
                "--spreadBuckets=" + threads);
        assertEquals(want, BatchCompressJob.withDirectRunnerDefaults(JOB));
        List<String> explicit = List.of("--runner=DirectRunner", "--targetParallelism=5", "--enforceImmutability=true");
        assertEquals(
                List.of(
                        "--runner=DirectRunner",
                        "--targetParallelism=5",
                        "--enforceImmutability=true",
                        "--enforceEncodability=false",
                        "--spreadBuckets=5"),
                BatchCompressJob.withDirectRunnerDefaults(explicit));
    }

    @Test
    void otherRunnersAreLeftAlone() {
        List<String> spark = List.of("--runner=SparkRunner", "--sparkMaster=local[2]");
        assertEquals(spark, BatchCompressJob.withDirectRunnerDefaults(spark));
    }
}
